"""Rules for the kernel's routes: health, auth, users, org units, agencies, audit trail,
and their pages."""

from __future__ import annotations

from tests import factories as f
from tests.permissions import LOGIN, OWN_FOREIGN, Req, Spec

ADMIN_ONLY = {"admin": 200, "officer": 403, "inspector": 403, "enterprise": 403}
ADMIN_CREATES = {"admin": 201, "officer": 403, "inspector": 403, "enterprise": 403}
ADMIN_REDIRECTS = {"admin": 303, "officer": 403, "inspector": 403, "enterprise": 403}
ADMIN_OFFICER = {"admin": 200, "officer": 200, "inspector": 403, "enterprise": 403}
EVERYONE = {"admin": 200, "officer": 200, "inspector": 200, "enterprise": 200}


def fixed(method: str, path: str, **kw):
    async def build(w, target):
        return Req(method, path, **kw)

    return build


async def _token(w, target):
    if target == "good":
        return Req(
            "POST",
            "/api/v1/auth/token",
            json={"username": w.admin["username"], "password": f.PASSWORD},
        )
    # a fresh unknown username each time, so the matrix never trips the lock
    return Req(
        "POST", "/api/v1/auth/token", json={"username": f"nobody{f.n()}", "password": "Wrong@Pass1"}
    )


async def _login_form(w, target):
    if target == "good":
        form = {"username": w.inspector["username"], "password": f.PASSWORD, "next": "/"}
    else:
        form = {"username": f"nobody{f.n()}", "password": "Wrong@Pass1", "next": "/"}
    return Req("POST", "/login", form=form)


def _new_user_body() -> dict:
    return {
        "username": f"matrix{f.n()}",
        "password": f.PASSWORD,
        "role": "admin",
        "display_name": "矩阵",
    }


async def _create_user(w, target):
    return Req("POST", "/api/v1/users", json=_new_user_body())


async def _create_user_form(w, target):
    return Req("POST", "/admin/users", form=_new_user_body())


async def _a_user(w, target):
    return Req("GET", f"/api/v1/users/{w.foreign_officer['id']}")


async def _patch_user(w, target):
    victim = await f.user("inspector", agency_id=w.agency["id"])
    return Req("PATCH", f"/api/v1/users/{victim['id']}", json={"display_name": f"改名{f.n()}"})


async def _user_page(w, target):
    return Req("GET", f"/admin/users/{w.foreign_officer['id']}")


async def _user_form(w, target):
    victim = await f.user("inspector", agency_id=w.agency["id"])
    return Req("POST", f"/admin/users/{victim['id']}", form={"display_name": f"改名{f.n()}"})


def _new_grid(w) -> dict:
    return {"name": f"网格M{f.n()}", "kind": "grid", "parent_id": w.tree["community"]["id"]}


async def _create_org(w, target):
    return Req("POST", "/api/v1/org-units", json=_new_grid(w))


async def _create_org_form(w, target):
    return Req("POST", "/admin/org-units", form=_new_grid(w))


async def _org_unit(w, target):
    tree = w.tree if target == "own" else w.foreign_tree
    return Req("GET", f"/api/v1/org-units/{tree['grid1']['id']}")


async def _create_agency(w, target):
    return Req("POST", "/api/v1/agencies", json={"name": f"矩阵机构{f.n()}"})


async def _create_agency_form(w, target):
    return Req("POST", "/admin/agencies", form={"name": f"矩阵机构{f.n()}"})


SPECS = {
    # ------------------------------------------------------------ public
    ("GET", "/health"): Spec(fixed("GET", "/health"), EVERYONE, anonymous=200),
    ("POST", "/api/v1/auth/token"): Spec(
        _token,
        {r: {"good": 200, "bad": 401} for r in EVERYONE},
        targets=("good", "bad"),
        anonymous={"good": 200, "bad": 401},
    ),
    ("GET", "/login"): Spec(fixed("GET", "/login"), EVERYONE, anonymous=200),
    ("POST", "/login"): Spec(
        _login_form,
        {r: {"good": 303, "bad": 401} for r in EVERYONE},
        targets=("good", "bad"),
        anonymous={"good": 303, "bad": 401},
    ),
    ("POST", "/logout"): Spec(
        fixed("POST", "/logout", form={}), {r: 303 for r in EVERYONE}, anonymous=303
    ),
    ("GET", "/lang/{code:str}"): Spec(
        fixed("GET", "/lang/en", params={"next": "/"}),
        {r: 303 for r in EVERYONE},
        anonymous=303,
    ),
    # ------------------------------------------------------------ any signed-in user
    ("GET", "/api/v1/me"): Spec(fixed("GET", "/api/v1/me"), EVERYONE),
    # Each role's home is its queue (rectification.home), the grid worker's too.
    ("GET", "/"): Spec(fixed("GET", "/"), {**EVERYONE, "grid_worker": 200}, anonymous=LOGIN),
    # ------------------------------------------------------------ users (admin)
    ("GET", "/api/v1/users"): Spec(fixed("GET", "/api/v1/users"), ADMIN_ONLY),
    ("POST", "/api/v1/users"): Spec(_create_user, ADMIN_CREATES),
    ("GET", "/api/v1/users/{user_id:int}"): Spec(_a_user, ADMIN_ONLY),
    ("PATCH", "/api/v1/users/{user_id:int}"): Spec(_patch_user, ADMIN_ONLY),
    ("GET", "/admin/users"): Spec(fixed("GET", "/admin/users"), ADMIN_ONLY, anonymous=LOGIN),
    ("POST", "/admin/users"): Spec(_create_user_form, ADMIN_REDIRECTS, anonymous=LOGIN),
    ("GET", "/admin/users/{user_id:int}"): Spec(_user_page, ADMIN_ONLY, anonymous=LOGIN),
    ("POST", "/admin/users/{user_id:int}"): Spec(_user_form, ADMIN_REDIRECTS, anonymous=LOGIN),
    # ------------------------------------------------------------ org units
    ("GET", "/api/v1/org-units"): Spec(fixed("GET", "/api/v1/org-units"), ADMIN_OFFICER),
    ("POST", "/api/v1/org-units"): Spec(_create_org, ADMIN_CREATES),
    ("GET", "/api/v1/org-units/{org_unit_id:int}"): Spec(
        _org_unit,
        {
            "admin": 200,
            "officer": {"own": 200, "foreign": 404},
            "inspector": 403,
            "enterprise": 403,
        },
        targets=OWN_FOREIGN,
    ),
    ("GET", "/admin/org-units"): Spec(
        fixed("GET", "/admin/org-units"), ADMIN_OFFICER, anonymous=LOGIN
    ),
    ("POST", "/admin/org-units"): Spec(_create_org_form, ADMIN_REDIRECTS, anonymous=LOGIN),
    # ------------------------------------------------------------ agencies
    ("GET", "/api/v1/agencies"): Spec(fixed("GET", "/api/v1/agencies"), ADMIN_OFFICER),
    ("POST", "/api/v1/agencies"): Spec(
        _create_agency, {"admin": 201, "officer": 201, "inspector": 403, "enterprise": 403}
    ),
    ("GET", "/admin/agencies"): Spec(
        fixed("GET", "/admin/agencies"), ADMIN_OFFICER, anonymous=LOGIN
    ),
    ("POST", "/admin/agencies"): Spec(
        _create_agency_form,
        {"admin": 303, "officer": 303, "inspector": 403, "enterprise": 403},
        anonymous=LOGIN,
    ),
    # ------------------------------------------------------------ audit trail (admin)
    ("GET", "/api/v1/audit-events"): Spec(fixed("GET", "/api/v1/audit-events"), ADMIN_ONLY),
    ("GET", "/admin/audit"): Spec(fixed("GET", "/admin/audit"), ADMIN_ONLY, anonymous=LOGIN),
}
