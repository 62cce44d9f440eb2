"""Rules for risk grading and planning: /api/v1/enterprises/{id}/risk-points…,
/api/v1/risk-points…, /api/v1/planning…, and their pages.

Risk points: the officer (their subtree) and the enterprise's own contact; inspectors and
admins 403; another street's or another enterprise's points 404. Planning and the colour
map: officers only."""

from __future__ import annotations

from inspections.tables import RiskPoint
from tests import factories as f
from tests.permissions import LOGIN, OWN_FOREIGN, Req, Spec
from tests.safety.sheets import xlsx

OWN = {"own": 200, "foreign": 404}
GRADERS = {"admin": 403, "officer": OWN, "inspector": 403, "enterprise": OWN}
GRADERS_CREATE = {**GRADERS, "officer": {"own": 201, "foreign": 404}}
GRADERS_CREATE["enterprise"] = {"own": 201, "foreign": 404}
GRADERS_REDIRECT = {
    "admin": 403,
    "officer": {"own": 303, "foreign": 404},
    "inspector": 403,
    "enterprise": {"own": 303, "foreign": 404},
}
GRADERS_ANY = {"admin": 403, "officer": 200, "inspector": 403, "enterprise": 200}
OFFICER_ONLY = {"admin": 403, "officer": 200, "inspector": 403, "enterprise": 403}


def _enterprise(w, target: str) -> dict:
    return w.enterprise if target == "own" else w.foreign_enterprise


def _body() -> dict:
    return {"name": f"矩阵风险点{f.n()}", "method": "LS", "likelihood": 2, "severity": 2}


async def _point(w, target: str) -> dict:
    """A fresh point of the target enterprise, inserted directly."""
    p = RiskPoint(
        enterprise=_enterprise(w, target)["id"],
        name=f"矩阵点{f.n()}",
        method="LS",
        likelihood=2,
        severity=2,
        score=4,
        level="general",
        colour="yellow",
    )
    await p.save().run()
    return {"id": p.id, "version": 1}


def fixed(method: str, path: str, params: dict | None = None):
    async def build(w, target):
        return Req(method, path, params=params)

    return build


async def _list(w, target):
    return Req("GET", f"/api/v1/enterprises/{_enterprise(w, target)['id']}/risk-points")


async def _create(w, target):
    return Req(
        "POST", f"/api/v1/enterprises/{_enterprise(w, target)['id']}/risk-points", json=_body()
    )


async def _get(w, target):
    return Req("GET", f"/api/v1/risk-points/{(await _point(w, target))['id']}")


async def _patch(w, target):
    p = await _point(w, target)
    return Req("PATCH", f"/api/v1/risk-points/{p['id']}", json={"version": 1, "severity": 3})


def _sheet() -> bytes:
    return xlsx(["风险点名称", "评价方法", "L", "S"], [[f"矩阵导入{f.n()}", "LS", 2, 3]])


async def _import(w, target):
    e = _enterprise(w, target)
    return Req(
        "POST",
        f"/api/v1/enterprises/{e['id']}/risk-points/import",
        files={"file": ("r.xlsx", _sheet())},
    )


async def _page(w, target):
    return Req("GET", f"/enterprises/{_enterprise(w, target)['id']}/risk-points")


async def _new_page(w, target):
    return Req("GET", f"/enterprises/{_enterprise(w, target)['id']}/risk-points/new")


def _form() -> dict:
    return {
        "name": f"矩阵表单点{f.n()}",
        "method": "LS",
        "ls_l": "2",
        "ls_s": "2",
        "control_tier": "team",
    }


async def _create_form(w, target):
    e = _enterprise(w, target)
    return Req("POST", f"/enterprises/{e['id']}/risk-points", form=_form())


async def _edit_page(w, target):
    return Req("GET", f"/risk-points/{(await _point(w, target))['id']}/edit")


async def _edit_form(w, target):
    p = await _point(w, target)
    return Req("POST", f"/risk-points/{p['id']}", form={**_form(), "version": "1"})


async def _import_page(w, target):
    return Req("GET", f"/enterprises/{_enterprise(w, target)['id']}/risk-points/import")


async def _import_form(w, target):
    e = _enterprise(w, target)
    return Req(
        "POST",
        f"/enterprises/{e['id']}/risk-points/import",
        files={"file": ("r.xlsx", _sheet())},
    )


SPECS = {
    ("GET", "/api/v1/enterprises/{enterprise_id:int}/risk-points"): Spec(
        _list, GRADERS, OWN_FOREIGN
    ),
    ("POST", "/api/v1/enterprises/{enterprise_id:int}/risk-points"): Spec(
        _create, GRADERS_CREATE, OWN_FOREIGN
    ),
    ("GET", "/api/v1/risk-points/{point_id:int}"): Spec(_get, GRADERS, OWN_FOREIGN),
    ("PATCH", "/api/v1/risk-points/{point_id:int}"): Spec(_patch, GRADERS, OWN_FOREIGN),
    ("GET", "/api/v1/risk-points/export.xlsx"): Spec(
        fixed("GET", "/api/v1/risk-points/export.xlsx"), GRADERS_ANY
    ),
    ("POST", "/api/v1/enterprises/{enterprise_id:int}/risk-points/import"): Spec(
        _import, GRADERS, OWN_FOREIGN
    ),
    ("GET", "/api/v1/planning/due"): Spec(fixed("GET", "/api/v1/planning/due"), OFFICER_ONLY),
    ("GET", "/api/v1/planning/picks"): Spec(
        fixed("GET", "/api/v1/planning/picks", {"preset": "red_orange_stale"}), OFFICER_ONLY
    ),
    ("GET", "/enterprises/{enterprise_id:int}/risk-points"): Spec(
        _page, GRADERS, OWN_FOREIGN, anonymous=LOGIN
    ),
    ("GET", "/enterprises/{enterprise_id:int}/risk-points/new"): Spec(
        _new_page, GRADERS, OWN_FOREIGN, anonymous=LOGIN
    ),
    ("POST", "/enterprises/{enterprise_id:int}/risk-points"): Spec(
        _create_form, GRADERS_REDIRECT, OWN_FOREIGN, anonymous=LOGIN
    ),
    ("GET", "/risk-points/{point_id:int}/edit"): Spec(
        _edit_page, GRADERS, OWN_FOREIGN, anonymous=LOGIN
    ),
    ("POST", "/risk-points/{point_id:int}"): Spec(
        _edit_form, GRADERS_REDIRECT, OWN_FOREIGN, anonymous=LOGIN
    ),
    ("GET", "/enterprises/{enterprise_id:int}/risk-points/import"): Spec(
        _import_page, GRADERS, OWN_FOREIGN, anonymous=LOGIN
    ),
    ("POST", "/enterprises/{enterprise_id:int}/risk-points/import"): Spec(
        _import_form, GRADERS, OWN_FOREIGN, anonymous=LOGIN
    ),
    ("GET", "/risk-points/export.xlsx"): Spec(
        fixed("GET", "/risk-points/export.xlsx"), GRADERS_ANY, anonymous=LOGIN
    ),
    ("GET", "/risk-points"): Spec(
        fixed("GET", "/risk-points"),
        {"admin": 403, "officer": 303, "inspector": 403, "enterprise": 303},
        anonymous=LOGIN,
    ),
    ("GET", "/risk/map"): Spec(fixed("GET", "/risk/map"), OFFICER_ONLY, anonymous=LOGIN),
    ("GET", "/planning/due"): Spec(fixed("GET", "/planning/due"), OFFICER_ONLY, anonymous=LOGIN),
}
