"""Rules for the inspector's pages (/inspections/today, the walk, hazards, photos,
signatures, submit). "own" is an inspection of the World's enterprise assigned to the
World's inspector; "foreign" one of the other street's enterprise, by another inspector.
Only the inspection's inspectors act; the officer of its street and its enterprise read
the walk page (read-only); the admin has no business here."""

from __future__ import annotations

from inspections.tables import Hazard
from safety.settings import local_today
from tests import factories as f
from tests.imagegen import jpeg
from tests.inspections import walkdata
from tests.permissions import LOGIN, OWN_FOREIGN, Req, Spec

INSPECTOR_ONLY = {"admin": 403, "officer": 403, "inspector": 200, "enterprise": 403}
READERS = {  # the officer is sent on to the review page (officer pages)
    "admin": 403,
    "officer": {"own": 303, "foreign": 404},
    **{r: {"own": 200, "foreign": 404} for r in ("inspector", "enterprise")},
}


def its_inspector(own: int | str) -> dict:
    """The enterprise walks its own self-inspections only (企业自查): a campaign inspection
    of its own enterprise is 403, another enterprise's 404 (out of its scope)."""
    return {
        "admin": 403,
        "officer": 403,
        "inspector": {"own": own, "foreign": 404},
        "enterprise": {"own": 403, "foreign": 404},
    }


async def _inspection(w, target: str, state: str = "in_progress") -> dict:
    return await walkdata.inspection(w, state=state, foreign=target == "foreign")


def _get(suffix: str = "", state: str = "in_progress"):
    async def build(w, target):
        i = await _inspection(w, target, state)
        return Req("GET", f"/inspections/{i['id']}{suffix}")

    return build


async def _today(w, target):
    return Req("GET", "/inspections/today")


async def _history(w, target):
    return Req("GET", "/inspections", params={"state": "submitted"})


async def _start(w, target):
    i = await _inspection(w, target, "planned")
    return Req("POST", f"/inspections/{i['id']}/start", form={})


async def _result(w, target):
    i = await _inspection(w, target)
    form = {"item_id": str(i["items"][0]["id"]), "result": "pass", "note": ""}
    return Req("POST", f"/inspections/{i['id']}/results", form=form)


async def _submit(w, target):
    i = await _inspection(w, target)  # nothing answered: 409 naming what is missing
    return Req("POST", f"/inspections/{i['id']}/submit", form={"confirmed": "1"})


async def _suggest(w, target):
    return Req("GET", "/inspections/suggest", params={"q": "灭火器过期"})


async def _signature(w, target):
    i = await _inspection(w, target)
    form = {"signer": "enterprise", "refused": "1", "refused_reason": "负责人外出"}
    return Req("POST", f"/inspections/{i['id']}/signatures", form=form)


async def _hazard(w, target):
    i = await _inspection(w, target)
    form = {
        "description": f"矩阵隐患{f.n()}",
        "level": "general",
        "category": "site",
        "subcategory": "消防",
    }
    return Req("POST", f"/inspections/{i['id']}/hazards", form=form)


async def _photo(w, target):
    i = await _inspection(w, target)
    hazard = Hazard(
        inspection=i["id"],
        enterprise=(w.foreign_enterprise if target == "foreign" else w.enterprise)["id"],
        campaign=i["campaign_id"],
        description="矩阵照片隐患",
        category="site",
        level="general",
        found_on=local_today(),
        deadline=local_today(),
    )
    await hazard.save().run()
    return Req(
        "POST",
        f"/inspections/{i['id']}/hazards/{hazard.id}/photos",
        form={"kind": "problem"},
        files={"file": ("p.jpg", jpeg((64, 48)), "image/jpeg")},
    )


P = "/inspections/{inspection_id:int}"
SPECS = {
    ("GET", "/inspections/today"): Spec(_today, INSPECTOR_ONLY, anonymous=LOGIN),
    ("GET", P): Spec(_get(), READERS, OWN_FOREIGN, anonymous=LOGIN),
    # The history (rectification.records): the inspector's and the officer's; the enterprise
    # finds its records on its enterprise page, the admin and the grid worker have none.
    ("GET", "/inspections"): Spec(
        _history,
        {"admin": 403, "officer": 200, "inspector": 200, "enterprise": 403},
        anonymous=LOGIN,
    ),
    ("POST", P + "/start"): Spec(_start, its_inspector(303), OWN_FOREIGN, anonymous=LOGIN),
    ("POST", P + "/results"): Spec(_result, its_inspector(303), OWN_FOREIGN, anonymous=LOGIN),
    ("GET", P + "/submit"): Spec(_get("/submit"), its_inspector(200), OWN_FOREIGN, anonymous=LOGIN),
    ("POST", P + "/submit"): Spec(_submit, its_inspector(409), OWN_FOREIGN, anonymous=LOGIN),
    # The hazard form's suggestions: the checklist library's readers; the grid worker
    # logs no hazards (403, as for the library).
    ("GET", "/inspections/suggest"): Spec(
        _suggest,
        {"admin": 200, "officer": 200, "inspector": 200, "enterprise": 200, "grid_worker": 403},
        anonymous=LOGIN,
    ),
    ("GET", P + "/sign"): Spec(_get("/sign"), its_inspector(200), OWN_FOREIGN, anonymous=LOGIN),
    ("POST", P + "/signatures"): Spec(_signature, its_inspector(303), OWN_FOREIGN, anonymous=LOGIN),
    ("GET", P + "/hazards/new"): Spec(
        _get("/hazards/new"), its_inspector(200), OWN_FOREIGN, anonymous=LOGIN
    ),
    ("POST", P + "/hazards"): Spec(_hazard, its_inspector(303), OWN_FOREIGN, anonymous=LOGIN),
    ("POST", P + "/hazards/{hazard_id:int}/photos"): Spec(
        _photo, its_inspector(303), OWN_FOREIGN, anonymous=LOGIN
    ),
}
