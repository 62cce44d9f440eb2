"""Rules for the hazard ledger (隐患台账) downloads: officers only (their subtree's
hazards); every other role 403; anonymous 401 on /api, the login page for the page."""

from __future__ import annotations

from tests.permissions import LOGIN, NONE, Req, Spec

OFFICER_ONLY = {"admin": 403, "officer": 200, "inspector": 403, "enterprise": 403}


async def _api(w, target):
    return Req("GET", "/api/v1/hazards/export.xlsx", params={"status": "pending"})


async def _page(w, target):
    return Req("GET", "/hazards/export.xlsx", params={"level": "general"})


SPECS = {
    ("GET", "/api/v1/hazards/export.xlsx"): Spec(_api, OFFICER_ONLY, (NONE,)),
    ("GET", "/hazards/export.xlsx"): Spec(_page, OFFICER_ONLY, (NONE,), LOGIN),
}
