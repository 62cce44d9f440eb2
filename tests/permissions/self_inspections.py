"""Rules for self-inspections (企业自查): ``POST /api/v1/self-inspections`` and the pages
``/self-inspections``. Only an enterprise's contact starts one, of its own enterprise
("own": no ``enterprise_id`` or its own; "foreign": naming another enterprise → 404);
an officer lists their subtree's on the page; inspectors and admins have no business here.
The walk routes' rules for a self-inspection are tested in
tests/inspections/test_self_inspection.py."""

from __future__ import annotations

from safety.settings import local_today
from tests.inspections import factories as fi
from tests.permissions import LOGIN, NONE, OWN_FOREIGN, Req, Spec

ENTERPRISE_CREATES_OWN = {
    "admin": 403,
    "officer": 403,
    "inspector": 403,
    "enterprise": {"own": 201, "foreign": 404},
}


async def _create(w, target):
    tpl = await fi.checklist(sections=1, items=1)
    body = {"checklist_id": tpl["id"], "scheduled_on": local_today().isoformat()}
    if target == "foreign":
        body["enterprise_id"] = w.foreign_enterprise["id"]
    return Req("POST", "/api/v1/self-inspections", json=body)


async def _risk_point_hazards(w, target):
    from tests.selfcheck.test_risk_link import risk_point

    if target == "own":
        point = await risk_point(w.officer, w.enterprise["id"])
    else:
        point = await risk_point(w.foreign_officer, w.foreign_enterprise["id"])
    return Req("GET", f"/api/v1/risk-points/{point['id']}/hazards")


async def _risk_point_hazards_page(w, target):
    req = await _risk_point_hazards(w, target)
    return Req("GET", req.path.removeprefix("/api/v1"))


async def _list_page(w, target):
    return Req("GET", "/self-inspections")


async def _start_page(w, target):
    tpl = await fi.checklist(sections=1, items=1)
    form = {"checklist_id": str(tpl["id"]), "scheduled_on": local_today().isoformat()}
    return Req("POST", "/self-inspections", form=form)


SPECS = {
    ("POST", "/api/v1/self-inspections"): Spec(_create, ENTERPRISE_CREATES_OWN, OWN_FOREIGN),
    # the risk point's hazards (the two pillars joined): readers of the risk point
    ("GET", "/api/v1/risk-points/{point_id:int}/hazards"): Spec(
        _risk_point_hazards,
        {
            "admin": 403,
            "officer": {"own": 200, "foreign": 404},
            "inspector": 403,
            "enterprise": {"own": 200, "foreign": 404},
        },
        OWN_FOREIGN,
    ),
    ("GET", "/risk-points/{point_id:int}/hazards"): Spec(
        _risk_point_hazards_page,
        {
            "admin": 403,
            "officer": {"own": 200, "foreign": 404},
            "inspector": 403,
            "enterprise": {"own": 200, "foreign": 404},
        },
        OWN_FOREIGN,
        anonymous=LOGIN,
    ),
    ("GET", "/self-inspections"): Spec(
        _list_page,
        {"admin": 403, "officer": 200, "inspector": 403, "enterprise": 200},
        (NONE,),
        anonymous=LOGIN,
    ),
    ("POST", "/self-inspections"): Spec(
        _start_page,
        {"admin": 403, "officer": 403, "inspector": 403, "enterprise": 303},
        (NONE,),
        anonymous=LOGIN,
    ),
}
