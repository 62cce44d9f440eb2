"""Rules for campaigns, batches, inspections and hazards (/api/v1/campaigns…,
/api/v1/batches…, /api/v1/inspections…, /api/v1/hazards…).

"own": a campaign of the World's street; an inspection of the World's enterprise whose
group is the World's inspector; its hazards. "foreign": the same in the foreign street,
planned by the foreign officer, with another inspector's group. Admins get 403 on all of
it. Every build makes fresh rows (a transition is tried on a fresh inspection)."""

from __future__ import annotations

import datetime as dt

from inspections import services
from inspections.schemas import HazardIn, ResultIn
from safety.settings import local_today
from tests import factories as f
from tests.inspections import factories as fi
from tests.permissions import NONE, OWN_FOREIGN, Req, Spec

TODAY = local_today()
OWN = {"own": 200, "foreign": 404}
OWN_CREATED = {"own": 201, "foreign": 404}
OFFICER_ONLY = {"admin": 403, "officer": 200, "inspector": 403, "enterprise": 403}
OFFICER_CREATES = {"admin": 403, "officer": 201, "inspector": 403, "enterprise": 403}
READERS = {"admin": 403, "officer": 200, "inspector": 200, "enterprise": 200}
OWN_READERS = {"admin": 403, "officer": OWN, "inspector": OWN, "enterprise": OWN}
OFFICER_ON_OWN = {"admin": 403, "officer": OWN, "inspector": 403, "enterprise": 403}
OFFICER_CREATES_ON_OWN = {
    "admin": 403,
    "officer": OWN_CREATED,
    "inspector": 403,
    "enterprise": 403,
}
# The enterprise walks its own self-inspections only (企业自查, tests/selfcheck): on a
# campaign inspection of its own enterprise 403, on another enterprise's 404 (out of scope).
NOT_ITS_SELF_INSPECTION = {"own": 403, "foreign": 404}
GROUP_ON_OWN = {
    "admin": 403,
    "officer": 403,
    "inspector": OWN,
    "enterprise": NOT_ITS_SELF_INSPECTION,
}
GROUP_CREATES_ON_OWN = {
    "admin": 403,
    "officer": 403,
    "inspector": OWN_CREATED,
    "enterprise": NOT_ITS_SELF_INSPECTION,
}


_foreign_inspectors: dict[int, dict] = {}


async def _visit(w, target: str) -> fi.Visit:
    if target == "own":
        return await fi.visit(w, enterprise=w.enterprise)
    key = w.foreign_officer["id"]
    if key not in _foreign_inspectors:  # one per World: users are slow to make (argon2)
        _foreign_inspectors[key] = await f.user("inspector", agency_id=w.agency["id"])
    return await fi.visit(
        w, enterprise=w.foreign_enterprise, foreign=True, inspectors=[_foreign_inspectors[key]]
    )


async def _started(w, target: str) -> fi.Visit:
    v = await _visit(w, target)
    lead = v.inspection["inspectors"][0]["id"]
    await services.start_inspection(_inspector_actor(w, lead), v.inspection["id"])
    return v


def _inspector_actor(w, user_id: int):
    from safety.actors import Actor
    from safety.tables import Role

    return Actor(user_id=user_id, username=f"inspector{user_id}", role=Role.inspector)


def _campaign_body(w) -> dict:
    return {
        "name": f"矩阵活动{f.n()}",
        "kind": "routine",
        "starts_on": TODAY.isoformat(),
        "ends_on": (TODAY + dt.timedelta(days=30)).isoformat(),
        "org_unit_id": w.tree["street"]["id"],
        "enterprise_ids": [w.enterprise["id"]],
    }


async def _list_campaigns(w, target):
    return Req("GET", "/api/v1/campaigns")


async def _create_campaign(w, target):
    return Req("POST", "/api/v1/campaigns", json=_campaign_body(w))


async def _campaign(w, target):
    if target == "own":
        return await fi.campaign(w)
    return await fi.campaign(
        w,
        [w.foreign_enterprise["id"]],
        officer=w.foreign_officer,
        org_unit_id=w.foreign_tree["street"]["id"],
    )


async def _get_campaign(w, target):
    return Req("GET", f"/api/v1/campaigns/{(await _campaign(w, target))['id']}")


async def _add_batch(w, target):
    camp = await _campaign(w, target)
    body = {
        "name": f"矩阵批次{f.n()}",
        "starts_on": TODAY.isoformat(),
        "ends_on": TODAY.isoformat(),
    }
    return Req("POST", f"/api/v1/campaigns/{camp['id']}/batches", json=body)


async def _batch_inspections(w, target):
    v = await _visit(w, target)
    tpl = await fi.checklist(sections=1, items=1)
    body = {"checklist_id": tpl["id"], "scheduled_on": TODAY.isoformat()}
    return Req("POST", f"/api/v1/batches/{v.batch['id']}/inspections", json=body)


async def _list_inspections(w, target):
    return Req("GET", "/api/v1/inspections")


async def _create_inspection(w, target):
    camp = await fi.campaign(w)
    tpl = await fi.checklist(sections=1, items=1)
    body = {
        "campaign_id": camp["id"],
        "enterprise_id": w.enterprise["id"],
        "checklist_id": tpl["id"],
        "inspector_ids": [w.inspector["id"]],
        "scheduled_on": TODAY.isoformat(),
    }
    return Req("POST", "/api/v1/inspections", json=body)


async def _get_inspection(w, target):
    v = await _visit(w, target)
    return Req("GET", f"/api/v1/inspections/{v.inspection['id']}")


async def _start(w, target):
    v = await _visit(w, target)
    return Req("POST", f"/api/v1/inspections/{v.inspection['id']}/start")


async def _ready_to_submit(w, target) -> fi.Visit:
    """Started, every item answered, the inspector signed, the enterprise refused."""
    v = await _started(w, target)
    actor = _inspector_actor(w, v.inspection["inspectors"][0]["id"])
    iid = v.inspection["id"]
    await services.save_results(
        actor, iid, [ResultIn(item_id=i["id"], result="pass") for i in v.checklist["items"]]
    )
    await services.add_signature(actor, iid, "inspector", signer_name="王工", content=fi.png())
    await services.add_signature(actor, iid, "enterprise", refused_reason="负责人拒绝签字")
    return v


async def _submit(w, target):
    v = await _ready_to_submit(w, target)
    return Req("POST", f"/api/v1/inspections/{v.inspection['id']}/submit")


async def _cancel(w, target):
    v = await _visit(w, target)
    return Req("POST", f"/api/v1/inspections/{v.inspection['id']}/cancel", json={"reason": "停产"})


async def _results(w, target):
    v = await _started(w, target)
    body = [{"item_id": v.checklist["items"][0]["id"], "result": "na", "note": ""}]
    return Req("PUT", f"/api/v1/inspections/{v.inspection['id']}/results", json=body)


async def _signature(w, target):
    v = await _started(w, target)
    return Req(
        "POST",
        f"/api/v1/inspections/{v.inspection['id']}/signatures",
        form={"signer": "inspector", "signer_name": "王工"},
        files={"file": ("sign.png", fi.png(), "image/png")},
    )


HAZARD_BODY = {"description": "安全出口堵塞", "level": "general", "category": "site"}


async def _log_hazard(w, target):
    v = await _started(w, target)
    return Req("POST", f"/api/v1/inspections/{v.inspection['id']}/hazards", json=HAZARD_BODY)


async def _hazard(w, target) -> dict:
    v = await _started(w, target)
    actor = _inspector_actor(w, v.inspection["inspectors"][0]["id"])
    return await services.log_hazard(actor, v.inspection["id"], HazardIn(**HAZARD_BODY))


async def _list_hazards(w, target):
    return Req("GET", "/api/v1/hazards")


async def _get_hazard(w, target):
    return Req("GET", f"/api/v1/hazards/{(await _hazard(w, target))['id']}")


async def _photo(w, target):
    hazard = await _hazard(w, target)
    return Req(
        "POST",
        f"/api/v1/hazards/{hazard['id']}/photos",
        form={"kind": "problem"},
        files={"file": ("p.jpg", fi.jpeg(320, 240), "image/jpeg")},
    )


INSPECTION = "/api/v1/inspections/{inspection_id:int}"

SPECS = {
    ("GET", "/api/v1/campaigns"): Spec(_list_campaigns, OFFICER_ONLY, (NONE,)),
    ("POST", "/api/v1/campaigns"): Spec(_create_campaign, OFFICER_CREATES, (NONE,)),
    ("GET", "/api/v1/campaigns/{campaign_id:int}"): Spec(
        _get_campaign, OFFICER_ON_OWN, OWN_FOREIGN
    ),
    ("POST", "/api/v1/campaigns/{campaign_id:int}/batches"): Spec(
        _add_batch, OFFICER_CREATES_ON_OWN, OWN_FOREIGN
    ),
    ("POST", "/api/v1/batches/{batch_id:int}/inspections"): Spec(
        _batch_inspections, OFFICER_CREATES_ON_OWN, OWN_FOREIGN
    ),
    ("GET", "/api/v1/inspections"): Spec(_list_inspections, READERS, (NONE,)),
    ("POST", "/api/v1/inspections"): Spec(_create_inspection, OFFICER_CREATES, (NONE,)),
    ("GET", INSPECTION): Spec(_get_inspection, OWN_READERS, OWN_FOREIGN),
    ("POST", INSPECTION + "/start"): Spec(_start, GROUP_ON_OWN, OWN_FOREIGN),
    ("POST", INSPECTION + "/submit"): Spec(_submit, GROUP_ON_OWN, OWN_FOREIGN),
    ("POST", INSPECTION + "/cancel"): Spec(_cancel, OFFICER_ON_OWN, OWN_FOREIGN),
    ("PUT", INSPECTION + "/results"): Spec(_results, GROUP_ON_OWN, OWN_FOREIGN),
    ("POST", INSPECTION + "/signatures"): Spec(_signature, GROUP_CREATES_ON_OWN, OWN_FOREIGN),
    ("POST", INSPECTION + "/hazards"): Spec(_log_hazard, GROUP_CREATES_ON_OWN, OWN_FOREIGN),
    ("GET", "/api/v1/hazards"): Spec(_list_hazards, READERS, (NONE,)),
    ("GET", "/api/v1/hazards/{hazard_id:int}"): Spec(_get_hazard, OWN_READERS, OWN_FOREIGN),
    # the enterprise adds its after-photos (kind rectified) to its own hazards
    ("POST", "/api/v1/hazards/{hazard_id:int}/photos"): Spec(
        _photo, {**GROUP_CREATES_ON_OWN, "enterprise": OWN_CREATED}, OWN_FOREIGN
    ),
}
