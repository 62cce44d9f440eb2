"""Rules for the rectification JSON API (/api/v1/hazards/{id}/plan|submissions|
verifications|void|extension-requests, /api/v1/extension-requests…) and shared builders
for the hazard pages' rules (tests/permissions/rectification_pages.py).

"own": a fresh hazard of the World's enterprise found by the World's inspector;
"foreign": one of the foreign street's enterprise. The services look the hazard up
first (outside scope 404), then the role (403), so a role that may never act gets 403 on
its own hazard and 404 on a foreign one."""

from __future__ import annotations

import datetime as dt

from rectification import services as rect
from rectification.schemas import ExtensionIn, SubmissionIn
from safety.settings import local_today
from tests import factories as f
from tests.permissions import NONE, OWN_FOREIGN, Req, Spec
from tests.permissions.inspections import _hazard

OWN = {"own": 200, "foreign": 404}
OWN_CREATED = {"own": 201, "foreign": 404}
ROLE_ONLY = {"own": 403, "foreign": 404}


def _enterprise_user(w, target: str) -> dict:
    return w.enterprise_user if target == "own" else w.foreign_enterprise_user


async def open_hazard(w, target: str) -> dict:
    return await _hazard(w, target)


async def submitted_hazard(w, target: str) -> dict:
    """A general hazard whose enterprise sent its evidence (pending → submitted)."""
    h = await _hazard(w, target)
    await rect.submit_evidence(
        f.actor(_enterprise_user(w, target)),
        h["id"],
        SubmissionIn(description="已整改", completed_on=local_today()),
    )
    return h


async def extension_request(w, target: str) -> dict:
    h = await _hazard(w, target)
    return await rect.request_extension(
        f.actor(_enterprise_user(w, target)),
        h["id"],
        ExtensionIn(new_deadline=h["effective_deadline"] + dt.timedelta(days=10), reason="备件"),
    )


async def _plan(w, target):
    h = await open_hazard(w, target)
    return Req("PUT", f"/api/v1/hazards/{h['id']}/plan", json={"measures": "清理"})


async def _submission(w, target):
    h = await open_hazard(w, target)
    body = {"description": "已整改", "completed_on": str(local_today())}
    return Req("POST", f"/api/v1/hazards/{h['id']}/submissions", json=body)


async def _verification(w, target):
    h = await submitted_hazard(w, target)
    return Req("POST", f"/api/v1/hazards/{h['id']}/verifications", json={"result": "pass"})


async def _void(w, target):
    h = await open_hazard(w, target)
    return Req("POST", f"/api/v1/hazards/{h['id']}/void", json={"reason": "重复"})


async def _extension(w, target):
    h = await open_hazard(w, target)
    new = str(h["effective_deadline"] + dt.timedelta(days=10))
    return Req(
        "POST",
        f"/api/v1/hazards/{h['id']}/extension-requests",
        json={"new_deadline": new, "reason": "备件"},
    )


async def _list_extensions(w, target):
    return Req("GET", "/api/v1/extension-requests")


async def _decide(w, target):
    x = await extension_request(w, target)
    return Req("POST", f"/api/v1/extension-requests/{x['id']}/decision", json={"approved": True})


HAZARD = "/api/v1/hazards/{hazard_id:int}"
ENTERPRISE_ACTS = {"admin": 403, "officer": ROLE_ONLY, "inspector": ROLE_ONLY}

SPECS = {
    ("PUT", HAZARD + "/plan"): Spec(_plan, {**ENTERPRISE_ACTS, "enterprise": OWN}, OWN_FOREIGN),
    ("POST", HAZARD + "/submissions"): Spec(
        _submission, {**ENTERPRISE_ACTS, "enterprise": OWN_CREATED}, OWN_FOREIGN
    ),
    ("POST", HAZARD + "/verifications"): Spec(
        _verification,
        {"admin": 403, "officer": OWN_CREATED, "inspector": OWN_CREATED, "enterprise": ROLE_ONLY},
        OWN_FOREIGN,
    ),
    ("POST", HAZARD + "/void"): Spec(
        _void,
        {"admin": 403, "officer": OWN, "inspector": 403, "enterprise": 403},
        OWN_FOREIGN,
    ),
    ("POST", HAZARD + "/extension-requests"): Spec(
        _extension, {**ENTERPRISE_ACTS, "enterprise": OWN_CREATED}, OWN_FOREIGN
    ),
    ("GET", "/api/v1/extension-requests"): Spec(
        _list_extensions,
        {"admin": 403, "officer": 200, "inspector": 200, "enterprise": 200},
        (NONE,),
    ),
    ("POST", "/api/v1/extension-requests/{request_id:int}/decision"): Spec(
        _decide,
        {"admin": 403, "officer": OWN, "inspector": 403, "enterprise": 403},
        OWN_FOREIGN,
    ),
}
