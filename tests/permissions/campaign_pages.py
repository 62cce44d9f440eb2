"""Rules for the officer's campaign pages: /campaigns…, a campaign's batches and their
inspections, and /inspections/{id}/review and /cancel.

Officers only (inspectors, enterprise contacts and admins: 403). "own" objects are in the
World's street; "foreign" ones in the other street, made by its officer with an expert
and an enterprise of their own (so the World's inspector and foreign enterprise stay
unassigned there)."""

from __future__ import annotations

import datetime as dt

from inspections import services
from inspections.schemas import BatchIn, BatchInspectionsIn, CampaignIn
from safety.settings import local_today
from tests import factories as f
from tests.inspections import factories as fi
from tests.permissions import LOGIN, OWN_FOREIGN, Req, Spec

OFFICER_ONLY = {"admin": 403, "officer": 200, "inspector": 403, "enterprise": 403}
OFFICER_REDIRECTS = {"admin": 403, "officer": 303, "inspector": 403, "enterprise": 403}
OWN = {"admin": 403, "officer": {"own": 200, "foreign": 404}, "inspector": 403, "enterprise": 403}
OWN_REDIRECTS = {
    "admin": 403,
    "officer": {"own": 303, "foreign": 404},
    "inspector": 403,
    "enterprise": 403,
}


async def _foreign_visit(w) -> fi.Visit:
    """A planned inspection in the World's other street, by that street's officer."""
    officer = f.actor(w.foreign_officer)
    today = local_today()
    ent = await f.enterprise(w.foreign_tree["grid1"]["id"])
    expert = await f.user("inspector", agency_id=w.agency["id"])
    campaign = await services.create_campaign(
        officer,
        CampaignIn(
            name=f"外街道活动{f.n()}",
            kind="routine",
            starts_on=today,
            ends_on=today + dt.timedelta(days=30),
            org_unit_id=w.foreign_tree["street"]["id"],
            enterprise_ids=[ent["id"]],
        ),
    )
    batch = await services.add_batch(
        officer,
        campaign["id"],
        BatchIn(
            name="第一批次",
            agency_id=w.agency["id"],
            enterprise_ids=[ent["id"]],
            inspector_ids=[expert["id"]],
            starts_on=today,
            ends_on=today + dt.timedelta(days=30),
        ),
    )
    tpl = await fi.checklist()
    made = await services.create_batch_inspections(
        officer, batch["id"], BatchInspectionsIn(checklist_id=tpl["id"], scheduled_on=today)
    )
    return fi.Visit(campaign, batch, tpl, made["items"][0])


async def _visit(w, target: str) -> fi.Visit:
    return await fi.visit(w) if target == "own" else await _foreign_visit(w)


def fixed(method: str, path: str):
    async def build(w, target):
        return Req(method, path)

    return build


async def _create(w, target):
    ent = await f.enterprise(w.tree["grid2"]["id"])
    today = local_today()
    form = {
        "action": "create",
        "name": f"矩阵活动{f.n()}",
        "kind": "routine",
        "starts_on": today.isoformat(),
        "ends_on": today.isoformat(),
        "org_unit_id": str(w.tree["street"]["id"]),
        "general_days": "15",
        "major_days": "60",
        "codes": ent["uscc"],
    }
    return Req("POST", "/campaigns/new", form=form)


async def _campaign(w, target):
    return Req("GET", f"/campaigns/{(await _visit(w, target)).campaign['id']}")


async def _batch_page(w, target):
    return Req("GET", f"/campaigns/{(await _visit(w, target)).campaign['id']}/batches/new")


async def _batch_form(w, target):
    if target == "own":
        ent = await f.enterprise(w.tree["grid2"]["id"])
        campaign = await fi.campaign(w, [ent["id"]])
    else:
        campaign = (await _foreign_visit(w)).campaign
        ent = {"id": campaign["enterprises"][0]["enterprise_id"]}
    today = local_today()
    form = {
        "name": f"批次{f.n()}",
        "starts_on": today.isoformat(),
        "ends_on": today.isoformat(),
        "agency_id": str(w.agency["id"]),
        "lead": str(w.inspector["id"]),
        "enterprise_id": str(ent["id"]),
    }
    return Req("POST", f"/campaigns/{campaign['id']}/batches/new", form=form)


async def _batch_inspections(w, target):
    v = await _visit(w, target)
    form = {"checklist_id": str(v.checklist["id"]), "scheduled_on": local_today().isoformat()}
    path = f"/campaigns/{v.campaign['id']}/batches/{v.batch['id']}/inspections"
    return Req("POST", path, form=form)


async def _review(w, target):
    return Req("GET", f"/inspections/{(await _visit(w, target)).inspection['id']}/review")


async def _cancel(w, target):
    v = await _visit(w, target)
    return Req("POST", f"/inspections/{v.inspection['id']}/cancel", form={"reason": "企业停产"})


SPECS = {
    ("GET", "/campaigns"): Spec(fixed("GET", "/campaigns"), OFFICER_ONLY, anonymous=LOGIN),
    ("GET", "/campaigns/new"): Spec(fixed("GET", "/campaigns/new"), OFFICER_ONLY, anonymous=LOGIN),
    ("POST", "/campaigns/new"): Spec(_create, OFFICER_REDIRECTS, anonymous=LOGIN),
    ("GET", "/campaigns/{campaign_id:int}"): Spec(_campaign, OWN, OWN_FOREIGN, anonymous=LOGIN),
    ("GET", "/campaigns/{campaign_id:int}/batches/new"): Spec(
        _batch_page, OWN, OWN_FOREIGN, anonymous=LOGIN
    ),
    ("POST", "/campaigns/{campaign_id:int}/batches/new"): Spec(
        _batch_form, OWN_REDIRECTS, OWN_FOREIGN, anonymous=LOGIN
    ),
    ("POST", "/campaigns/{campaign_id:int}/batches/{batch_id:int}/inspections"): Spec(
        _batch_inspections, OWN_REDIRECTS, OWN_FOREIGN, anonymous=LOGIN
    ),
    ("GET", "/inspections/{inspection_id:int}/review"): Spec(
        _review, OWN, OWN_FOREIGN, anonymous=LOGIN
    ),
    ("POST", "/inspections/{inspection_id:int}/cancel"): Spec(
        _cancel, OWN_REDIRECTS, OWN_FOREIGN, anonymous=LOGIN
    ),
}
