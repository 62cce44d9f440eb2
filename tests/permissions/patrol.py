"""Rules for grid patrol (/api/v1/patrol-reports…, /api/v1/referral-departments…).

"own": a report made by the World's grid worker in the World's grid1; "foreign": one made
by the foreign street's grid worker. A grid worker sees only their own reports and posts
in their own grids; an officer reads and triages their subtree's reports; admins keep the
referral departments; inspectors and enterprise contacts are refused everything (403).
Every build makes fresh rows (a triage is tried on a fresh report)."""

from __future__ import annotations

from tests import factories as f
from tests.imagegen import jpeg
from tests.patrol.helpers import report
from tests.permissions import LOGIN, NONE, OWN_FOREIGN, Req, Spec

OWN = {"own": 200, "foreign": 404}
OWN_CREATED = {"own": 201, "foreign": 404}
READERS = {"admin": 403, "officer": 200, "inspector": 403, "enterprise": 403, "grid_worker": 200}
OWN_READERS = {
    "admin": 403,
    "officer": OWN,
    "inspector": 403,
    "enterprise": 403,
    "grid_worker": OWN,
}
WORKER_CREATES = {
    "admin": 403,
    "officer": 403,
    "inspector": 403,
    "enterprise": 403,
    "grid_worker": 201,
}
WORKER_CREATES_ON_OWN = {**WORKER_CREATES, "grid_worker": OWN_CREATED}
OFFICER_ON_OWN = {
    "admin": 403,
    "officer": OWN,
    "inspector": 403,
    "enterprise": 403,
    "grid_worker": 403,
}
DEPARTMENT_READERS = {
    "admin": 200,
    "officer": 200,
    "inspector": 403,
    "enterprise": 403,
    "grid_worker": 403,
}
ADMIN_ONLY = {"admin": 200, "officer": 403, "inspector": 403, "enterprise": 403}
ADMIN_CREATES = {"admin": 201, "officer": 403, "inspector": 403, "enterprise": 403}
REPORT = "/api/v1/patrol-reports/{report_id:int}"


async def _report(w, target: str) -> dict:
    return await report(w.grid_worker if target == "own" else w.foreign_grid_worker)


async def _list(w, target):
    return Req("GET", "/api/v1/patrol-reports")


async def _submit(w, target):
    return Req("POST", "/api/v1/patrol-reports", json={"description": "堵塞", "address": "北门"})


async def _get(w, target):
    r = await _report(w, target)
    return Req("GET", f"/api/v1/patrol-reports/{r['id']}")


async def _photo(w, target):
    r = await _report(w, target)
    return Req(
        "POST",
        f"/api/v1/patrol-reports/{r['id']}/photos",
        files={"file": ("p.jpg", jpeg((64, 48)), "image/jpeg")},
    )


async def _triage(w, target):
    r = await _report(w, target)
    body = {"action": "dismiss", "reason": "已现场处理"}
    return Req("POST", f"/api/v1/patrol-reports/{r['id']}/triage", json=body)


async def _departments(w, target):
    return Req("GET", "/api/v1/referral-departments")


async def _new_department(w, target):
    return Req("POST", "/api/v1/referral-departments", json={"name": f"部门{f.n()}"})


_department_ids: list[int] = []


async def _patch_department(w, target):
    if not _department_ids:
        from inspections.patrol.departments import create_department
        from inspections.patrol.schemas import DepartmentIn

        made = await create_department(f.actor(w.admin), DepartmentIn(name=f"部门{f.n()}"))
        _department_ids.append(made["id"])
    return Req("PATCH", f"/api/v1/referral-departments/{_department_ids[0]}", json={"position": 5})


SPECS = {
    ("GET", "/api/v1/patrol-reports"): Spec(_list, READERS),
    ("POST", "/api/v1/patrol-reports"): Spec(_submit, WORKER_CREATES),
    ("GET", REPORT): Spec(_get, OWN_READERS, OWN_FOREIGN),
    ("POST", REPORT + "/photos"): Spec(_photo, WORKER_CREATES_ON_OWN, OWN_FOREIGN),
    ("POST", REPORT + "/triage"): Spec(_triage, OFFICER_ON_OWN, OWN_FOREIGN),
    ("GET", "/api/v1/referral-departments"): Spec(_departments, DEPARTMENT_READERS, (NONE,)),
    ("POST", "/api/v1/referral-departments"): Spec(_new_department, ADMIN_CREATES),
    ("PATCH", "/api/v1/referral-departments/{department_id:int}"): Spec(
        _patch_department, ADMIN_ONLY
    ),
}


# ---------------------------------------------------------------- pages (303 after a POST)

DONE = {"own": 303, "foreign": 404}
WORKER_PAGE = {"admin": 403, "officer": 403, "inspector": 403, "enterprise": 403}
OFFICER_PAGE = {**WORKER_PAGE, "officer": 200, "grid_worker": 403}
ADMIN_PAGE = {**WORKER_PAGE, "admin": 200}
ADMIN_FORM = {**WORKER_PAGE, "admin": 303}
PAGE = "/patrol/reports/{report_id:int}"


async def _page_triage(w, target):
    r = await _report(w, target)
    form = {"action": "dismiss", "reason": "已现场处理"}
    return Req("POST", f"/patrol/reports/{r['id']}/triage", form=form)


async def _page_photo(w, target):
    r = await _report(w, target)
    files = {"file": ("p.jpg", jpeg((64, 48)), "image/jpeg")}
    return Req("POST", f"/patrol/reports/{r['id']}/photos", files=files)


async def _page_report(w, target):
    r = await _report(w, target)
    return Req("GET", f"/patrol/reports/{r['id']}")


async def _page_new_department(w, target):
    return Req("POST", "/admin/referral-departments", form={"name": f"部门{f.n()}"})


async def _page_patch_department(w, target):
    req = await _patch_department(w, target)
    return Req("POST", req.path.replace("/api/v1/", "/admin/"), form={"position": "3"})


SPECS.update(
    {
        ("GET", "/patrol"): Spec(
            lambda w, t: _fixed("GET", "/patrol"),
            {**WORKER_PAGE, "grid_worker": 200},
            anonymous=LOGIN,
        ),
        ("GET", "/patrol/new"): Spec(
            lambda w, t: _fixed("GET", "/patrol/new"),
            {**WORKER_PAGE, "grid_worker": 200},
            anonymous=LOGIN,
        ),
        ("POST", "/patrol/reports"): Spec(
            lambda w, t: _fixed(
                "POST", "/patrol/reports", form={"description": "堵塞", "address": "北门"}
            ),
            {**WORKER_PAGE, "grid_worker": 303},
            anonymous=LOGIN,
        ),
        ("POST", PAGE + "/photos"): Spec(
            _page_photo, {**WORKER_PAGE, "grid_worker": DONE}, OWN_FOREIGN, LOGIN
        ),
        ("GET", "/patrol/triage"): Spec(
            lambda w, t: _fixed("GET", "/patrol/triage"), OFFICER_PAGE, anonymous=LOGIN
        ),
        ("GET", PAGE): Spec(
            _page_report,
            {**WORKER_PAGE, "officer": OWN, "grid_worker": OWN},
            OWN_FOREIGN,
            LOGIN,
        ),
        ("POST", PAGE + "/triage"): Spec(
            _page_triage, {**WORKER_PAGE, "officer": DONE, "grid_worker": 403}, OWN_FOREIGN, LOGIN
        ),
        ("GET", "/admin/referral-departments"): Spec(
            lambda w, t: _fixed("GET", "/admin/referral-departments"), ADMIN_PAGE, anonymous=LOGIN
        ),
        ("POST", "/admin/referral-departments"): Spec(
            _page_new_department, ADMIN_FORM, anonymous=LOGIN
        ),
        ("POST", "/admin/referral-departments/{department_id:int}"): Spec(
            _page_patch_department, ADMIN_FORM, anonymous=LOGIN
        ),
    }
)


async def _fixed(method: str, path: str, **kw) -> Req:
    return Req(method, path, **kw)
