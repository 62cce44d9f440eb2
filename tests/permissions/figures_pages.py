"""Rules for the officer's figures pages: /dashboard, a campaign's /figures and the
enterprises behind its planned/inspected counts. Officers only (others 403); a campaign
outside the officer's street is 404; anonymous requests are sent to the login page."""

from __future__ import annotations

from tests.inspections import factories as fi
from tests.permissions import LOGIN, NONE, OWN_FOREIGN, Req, Spec

OFFICER_ONLY = {"admin": 403, "officer": 200, "inspector": 403, "enterprise": 403}
OWN = {"admin": 403, "officer": {"own": 200, "foreign": 404}, "inspector": 403, "enterprise": 403}


async def _campaign(w, target: str) -> dict:
    if target == "own":
        return await fi.campaign(w)
    return await fi.campaign(
        w,
        [w.foreign_enterprise["id"]],
        officer=w.foreign_officer,
        org_unit_id=w.foreign_tree["street"]["id"],
    )


async def _dashboard(w, target):
    return Req("GET", "/dashboard")


async def _figures(w, target):
    c = await _campaign(w, target)
    return Req("GET", f"/campaigns/{c['id']}/figures", params={"group_by": "batch"})


async def _enterprises(w, target):
    c = await _campaign(w, target)
    return Req("GET", f"/campaigns/{c['id']}/figures/enterprises", params={"figure": "inspected"})


SPECS = {
    ("GET", "/dashboard"): Spec(_dashboard, OFFICER_ONLY, (NONE,), LOGIN),
    ("GET", "/campaigns/{campaign_id:int}/figures"): Spec(_figures, OWN, OWN_FOREIGN, LOGIN),
    ("GET", "/campaigns/{campaign_id:int}/figures/enterprises"): Spec(
        _enterprises, OWN, OWN_FOREIGN, LOGIN
    ),
}
