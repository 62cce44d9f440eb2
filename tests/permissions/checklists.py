"""Rules for the checklist library: /api/v1/checklists… and the /admin/checklists pages.

Checklists are not scoped: every role reads them through the API; admins, officers and
inspectors read the library pages; only admins publish and import. "own"/"foreign" for a
kept import is the calling admin's upload / another admin's."""

from __future__ import annotations

from inspections.checklists import imports, service
from safety.actors import SYSTEM
from tests import factories as f
from tests.checklists.helpers import body, xlsx
from tests.permissions import LOGIN, OWN_FOREIGN, Req, Spec

EVERYONE = {"admin": 200, "officer": 200, "inspector": 200, "enterprise": 200}
PAGE_READERS = {"admin": 200, "officer": 200, "inspector": 200, "enterprise": 403}
ADMIN_ONLY = {"admin": 200, "officer": 403, "inspector": 403, "enterprise": 403}
ADMIN_CREATES = {"admin": 201, "officer": 403, "inspector": 403, "enterprise": 403}
ROW = ["配电箱", "M-01", "配电箱前方0.8米范围内无堆放物品", "GB 50054-2011 第4章", "一般"]

_checklist: dict = {}


async def _one(w) -> int:
    if "id" not in _checklist:
        _checklist["id"] = (await service.publish(SYSTEM, body())).checklist["id"]
    return _checklist["id"]


def fixed(method: str, path: str):
    async def build(w, target):
        return Req(method, path)

    return build


def on_checklist(method: str, template: str):
    async def build(w, target):
        return Req(method, template.format(id=await _one(w)))

    return build


async def _create(w, target):
    return Req("POST", "/api/v1/checklists", json=body())


async def _upload(w, target):
    return Req(
        "POST",
        "/admin/checklists/import",
        form={"code": f"matrix_{f.n()}", "name": "矩阵检查表"},
        files={"file": ("m.xlsx", xlsx([ROW]))},
    )


async def _confirm(w, target):
    owner = w.admin if target == "own" else await f.user("admin")
    form = {"code": f"matrix_{f.n()}", "name": "矩阵检查表", "domain": ""}
    token = await imports.store_upload(f.actor(owner), form, "m.xlsx", xlsx([ROW]))
    return Req("POST", f"/admin/checklists/import/{token}", form={})


SPECS = {
    ("GET", "/api/v1/checklists"): Spec(fixed("GET", "/api/v1/checklists"), EVERYONE),
    ("GET", "/api/v1/checklists/{checklist_id:int}"): Spec(
        on_checklist("GET", "/api/v1/checklists/{id}"), EVERYONE
    ),
    ("POST", "/api/v1/checklists"): Spec(_create, ADMIN_CREATES),
    ("GET", "/admin/checklists"): Spec(
        fixed("GET", "/admin/checklists"), PAGE_READERS, anonymous=LOGIN
    ),
    ("GET", "/admin/checklists/{checklist_id:int}"): Spec(
        on_checklist("GET", "/admin/checklists/{id}"), PAGE_READERS, anonymous=LOGIN
    ),
    ("GET", "/admin/checklists/{checklist_id:int}/export.xlsx"): Spec(
        on_checklist("GET", "/admin/checklists/{id}/export.xlsx"), PAGE_READERS, anonymous=LOGIN
    ),
    ("GET", "/admin/checklists/import"): Spec(
        fixed("GET", "/admin/checklists/import"), ADMIN_ONLY, anonymous=LOGIN
    ),
    ("POST", "/admin/checklists/import"): Spec(_upload, ADMIN_ONLY, anonymous=LOGIN),
    ("POST", "/admin/checklists/import/{token:str}"): Spec(
        _confirm,
        {
            "admin": {"own": 200, "foreign": 404},
            "officer": 403,
            "inspector": 403,
            "enterprise": 403,
        },
        OWN_FOREIGN,
        anonymous=LOGIN,
    ),
}
