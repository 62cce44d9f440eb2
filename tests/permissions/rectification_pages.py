"""Rules for the hazard pages (/hazards…): the enterprise's forms, the officer's queues and
actions, the inspector's re-inspection. Pages answer 303 after a successful POST, 403 to a
role that may never use them (checked before the hazard), 404 outside scope; anonymous
requests are sent to the login page."""

from __future__ import annotations

import datetime as dt

from rectification import services as rect
from rectification.schemas import ExtensionIn
from safety.settings import local_today
from tests import factories as f
from tests.inspections import factories as fi
from tests.permissions import LOGIN, NONE, OWN_FOREIGN, Req, Spec
from tests.permissions.inspections import _hazard
from tests.rectification import evidence

OWN = {"own": 200, "foreign": 404}
DONE = {"own": 303, "foreign": 404}
OFFICER_PAGE = {"admin": 403, "officer": 200, "inspector": 403, "enterprise": 403}
ENTERPRISE_FORM = {"admin": 403, "officer": 403, "inspector": 403, "enterprise": DONE}


def _contact(w, target: str) -> dict:
    return w.enterprise_user if target == "own" else w.foreign_enterprise_user


async def open_hazard(w, target: str) -> dict:
    """A fresh hazard of the World's enterprise ("own") or the foreign street's."""
    return await _hazard(w, target)


async def submitted_hazard(w, target: str) -> dict:
    """A general hazard whose enterprise sent its evidence (pending → submitted)."""
    h = await _hazard(w, target)
    await evidence.submit(f.actor(_contact(w, target)), h["id"], "已整改", local_today())
    return h


async def extension_request(w, target: str) -> dict:
    h = await _hazard(w, target)
    return await rect.request_extension(
        f.actor(_contact(w, target)),
        h["id"],
        ExtensionIn(new_deadline=h["effective_deadline"] + dt.timedelta(days=10), reason="备件"),
    )


async def _list(w, target):
    return Req("GET", "/hazards")


async def _verify_queue(w, target):
    return Req("GET", "/hazards/verify")


async def _extension_queue(w, target):
    return Req("GET", "/hazards/extensions")


async def _overdue(w, target):
    return Req("GET", "/hazards/overdue")


async def _page(w, target):
    return Req("GET", f"/hazards/{(await open_hazard(w, target))['id']}")


async def _plan(w, target):
    h = await open_hazard(w, target)
    return Req("POST", f"/hazards/{h['id']}/plan", form={"measures": "清理杂物"})


async def _evidence(w, target):
    h = await open_hazard(w, target)
    return Req(
        "POST",
        f"/hazards/{h['id']}/evidence",
        form={"description": "已清理", "completed_on": str(local_today()), "action": "submit"},
        files={"photos": ("after.jpg", fi.jpeg(64, 48), "image/jpeg")},
    )


async def _extension(w, target):
    h = await open_hazard(w, target)
    new = str(h["effective_deadline"] + dt.timedelta(days=10))
    return Req(
        "POST", f"/hazards/{h['id']}/extension", form={"new_deadline": new, "reason": "备件"}
    )


async def _verify(w, target):
    h = await submitted_hazard(w, target)
    return Req("POST", f"/hazards/{h['id']}/verify", form={"result": "pass"})


async def _void(w, target):
    h = await open_hazard(w, target)
    return Req("POST", f"/hazards/{h['id']}/void", form={"reason": "重复登记"})


async def _recheck(w, target):
    h = await open_hazard(w, target)
    return Req(
        "POST",
        f"/hazards/{h['id']}/photos",
        form={"note": ""},
        files={"photos": ("recheck.jpg", fi.jpeg(64, 48), "image/jpeg")},
    )


async def _decide(w, target):
    x = await extension_request(w, target)
    return Req("POST", f"/hazards/extensions/{x['id']}", form={"decision": "approve"})


PAGE = "/hazards/{hazard_id:int}"

SPECS = {
    ("GET", "/hazards"): Spec(
        _list,
        {"admin": 403, "officer": 200, "inspector": 200, "enterprise": 200},
        (NONE,),
        LOGIN,
    ),
    ("GET", "/hazards/verify"): Spec(_verify_queue, OFFICER_PAGE, (NONE,), LOGIN),
    ("GET", "/hazards/extensions"): Spec(_extension_queue, OFFICER_PAGE, (NONE,), LOGIN),
    ("GET", "/hazards/overdue"): Spec(_overdue, OFFICER_PAGE, (NONE,), LOGIN),
    ("GET", PAGE): Spec(
        _page,
        {"admin": 403, "officer": OWN, "inspector": OWN, "enterprise": OWN},
        OWN_FOREIGN,
        LOGIN,
    ),
    ("POST", PAGE + "/plan"): Spec(_plan, ENTERPRISE_FORM, OWN_FOREIGN, LOGIN),
    ("POST", PAGE + "/evidence"): Spec(_evidence, ENTERPRISE_FORM, OWN_FOREIGN, LOGIN),
    ("POST", PAGE + "/extension"): Spec(_extension, ENTERPRISE_FORM, OWN_FOREIGN, LOGIN),
    ("POST", PAGE + "/verify"): Spec(
        _verify,
        {
            "admin": 403,
            "officer": DONE,
            "inspector": DONE,
            "enterprise": {"own": 403, "foreign": 404},
        },
        OWN_FOREIGN,
        LOGIN,
    ),
    ("POST", PAGE + "/void"): Spec(
        _void,
        {"admin": 403, "officer": DONE, "inspector": 403, "enterprise": 403},
        OWN_FOREIGN,
        LOGIN,
    ),
    ("POST", PAGE + "/photos"): Spec(
        _recheck,
        {"admin": 403, "officer": 403, "inspector": DONE, "enterprise": 403},
        OWN_FOREIGN,
        LOGIN,
    ),
    ("POST", "/hazards/extensions/{request_id:int}"): Spec(
        _decide,
        {"admin": 403, "officer": DONE, "inspector": 403, "enterprise": 403},
        OWN_FOREIGN,
        LOGIN,
    ),
}
