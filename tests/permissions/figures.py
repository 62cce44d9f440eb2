"""Rules for the figures (rectification.figures.api): campaign stats and the enterprises
behind them (a campaign of the World's street, or of the foreign street), and org-unit
stats (the World's street, or the foreign street). Officers only; outside their subtree
404; other roles 403."""

from __future__ import annotations

from tests.permissions import OWN_FOREIGN, Req, Spec
from tests.permissions.inspections import OFFICER_ON_OWN, _campaign


async def _campaign_stats(w, target):
    camp = await _campaign(w, target)
    return Req("GET", f"/api/v1/campaigns/{camp['id']}/stats", params={"group_by": "batch"})


async def _campaign_enterprises(w, target):
    camp = await _campaign(w, target)
    return Req("GET", f"/api/v1/campaigns/{camp['id']}/enterprises", params={"figure": "inspected"})


async def _org_unit_stats(w, target):
    tree = w.tree if target == "own" else w.foreign_tree
    return Req(
        "GET", f"/api/v1/org-units/{tree['street']['id']}/stats", params={"group_by": "grid"}
    )


SPECS = {
    ("GET", "/api/v1/campaigns/{campaign_id:int}/stats"): Spec(
        _campaign_stats, OFFICER_ON_OWN, OWN_FOREIGN
    ),
    ("GET", "/api/v1/campaigns/{campaign_id:int}/enterprises"): Spec(
        _campaign_enterprises, OFFICER_ON_OWN, OWN_FOREIGN
    ),
    ("GET", "/api/v1/org-units/{org_unit_id:int}/stats"): Spec(
        _org_unit_stats, OFFICER_ON_OWN, OWN_FOREIGN
    ),
}
