"""Rules for the rectification API: plan, evidence, verification, void, extension requests
and decisions. "own"/"foreign" hazards as in ``tests.permissions.inspections``: a hazard of
the World's enterprise found by the World's inspector, or of the foreign street's."""

from __future__ import annotations

import datetime as dt

from rectification import services as rectification
from rectification.schemas import ExtensionIn
from tests import factories as f
from tests.permissions import NONE, OWN_FOREIGN, Req, Spec
from tests.permissions.inspections import READERS, _hazard
from tests.rectification import evidence

OWN = {"own": 200, "foreign": 404}
OWN_CREATED = {"own": 201, "foreign": 404}
REFUSED = {"own": 403, "foreign": 404}  # the role may not, but it sees the hazard
HAZARD = "/api/v1/hazards/{hazard_id:int}"

ENTERPRISE_ACTS = {"admin": 403, "officer": REFUSED, "inspector": REFUSED, "enterprise": OWN}
ENTERPRISE_CREATES = {
    "admin": 403,
    "officer": REFUSED,
    "inspector": REFUSED,
    "enterprise": OWN_CREATED,
}
VERIFIERS = {"admin": 403, "officer": OWN_CREATED, "inspector": OWN_CREATED, "enterprise": REFUSED}
OFFICER_ONLY_ON_OWN = {"admin": 403, "officer": OWN, "inspector": 403, "enterprise": 403}


def _contact(w, target):
    return w.enterprise_user if target == "own" else w.foreign_enterprise_user


async def _plan(w, target):
    h = await _hazard(w, target)
    return Req("PUT", f"/api/v1/hazards/{h['id']}/plan", json={"measures": "清理杂物"})


async def _submission(w, target):
    h = await _hazard(w, target)
    photo = await evidence.after_photo(f.actor(_contact(w, target)), h["id"])
    body = {"description": "已清理", "completed_on": str(h["found_on"]), "photo_ids": [photo]}
    return Req("POST", f"/api/v1/hazards/{h['id']}/submissions", json=body)


async def _verification(w, target):
    h = await _hazard(w, target)
    await evidence.submit(f.actor(_contact(w, target)), h["id"], "已清理", h["found_on"])
    return Req("POST", f"/api/v1/hazards/{h['id']}/verifications", json={"result": "pass"})


async def _void(w, target):
    h = await _hazard(w, target)
    return Req("POST", f"/api/v1/hazards/{h['id']}/void", json={"reason": "重复录入"})


def _later(h: dict) -> str:
    return str(h["effective_deadline"] + dt.timedelta(days=30))


async def _extension(w, target):
    h = await _hazard(w, target)
    body = {"new_deadline": _later(h), "reason": "设备到货延迟"}
    return Req("POST", f"/api/v1/hazards/{h['id']}/extension-requests", json=body)


async def _extensions(w, target):
    return Req("GET", "/api/v1/extension-requests")


async def _decision(w, target):
    h = await _hazard(w, target)
    request = await rectification.request_extension(
        f.actor(_contact(w, target)),
        h["id"],
        ExtensionIn(new_deadline=h["effective_deadline"] + dt.timedelta(days=30), reason="待料"),
    )
    return Req(
        "POST",
        f"/api/v1/extension-requests/{request['id']}/decision",
        json={"approved": True, "comment": "同意"},
    )


SPECS = {
    ("PUT", HAZARD + "/plan"): Spec(_plan, ENTERPRISE_ACTS, OWN_FOREIGN),
    ("POST", HAZARD + "/submissions"): Spec(_submission, ENTERPRISE_CREATES, OWN_FOREIGN),
    ("POST", HAZARD + "/verifications"): Spec(_verification, VERIFIERS, OWN_FOREIGN),
    ("POST", HAZARD + "/void"): Spec(_void, OFFICER_ONLY_ON_OWN, OWN_FOREIGN),
    ("POST", HAZARD + "/extension-requests"): Spec(_extension, ENTERPRISE_CREATES, OWN_FOREIGN),
    ("GET", "/api/v1/extension-requests"): Spec(_extensions, READERS, (NONE,)),
    ("POST", "/api/v1/extension-requests/{request_id:int}/decision"): Spec(
        _decision, OFFICER_ONLY_ON_OWN, OWN_FOREIGN
    ),
}
