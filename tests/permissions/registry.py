"""Rules for the enterprise registry: /api/v1/enterprises… and the /enterprises pages.

Admins get 403 on all of it (they manage accounts, not the ledger). "own" is the World's
enterprise, which the World's inspector is assigned to through a batch; "foreign" is the
other street's enterprise."""

from __future__ import annotations

from safety.registry import sync as registry_sync
from safety.settings import local_today
from safety.tables import Batch, BatchEnterprise, BatchInspector, Campaign, Enterprise
from tests import factories as f
from tests.permissions import LOGIN, OWN_FOREIGN, Req, Spec
from tests.safety.sheets import HEADER, xlsx

OFFICER_ONLY = {"admin": 403, "officer": 200, "inspector": 403, "enterprise": 403}
OFFICER_CREATES = {"admin": 403, "officer": 201, "inspector": 403, "enterprise": 403}
OFFICER_REDIRECTS = {"admin": 403, "officer": 303, "inspector": 403, "enterprise": 403}
READERS = {"admin": 403, "officer": 200, "inspector": 200, "enterprise": 200}
OWN_READERS = {r: {"own": 200, "foreign": 404} for r in ("officer", "inspector", "enterprise")}
OFFICER_OWN = {"own": 200, "foreign": 404}

_assigned: set[int] = set()


async def _assign_inspector(w) -> None:
    """Put the World's enterprise in a batch of the World's inspector (once per World)."""
    if w.enterprise["id"] in _assigned:
        return
    today = local_today()
    campaign = Campaign(
        name=f"权限矩阵活动{f.n()}",
        kind="third_party",
        starts_on=today,
        ends_on=today,
        org_unit=w.tree["street"]["id"],
    )
    await campaign.save().run()
    batch = Batch(
        campaign=campaign.id, name="第一批次", agency=w.agency["id"], starts_on=today, ends_on=today
    )
    await batch.save().run()
    await BatchEnterprise(batch=batch.id, enterprise=w.enterprise["id"]).save().run()
    await BatchInspector(batch=batch.id, user=w.inspector["id"], is_lead=True).save().run()
    _assigned.add(w.enterprise["id"])


def _target(w, target: str) -> dict:
    return w.enterprise if target == "own" else w.foreign_enterprise


def fixed(method: str, path: str):
    async def build(w, target):
        return Req(method, path)

    return build


def _new_body(w) -> dict:
    return {
        "name": f"矩阵企业{f.n()}",
        "uscc": f.uscc(),
        "org_unit_id": w.tree["grid1"]["id"],
        "contact_phone": "13800138000",
    }


async def _create(w, target):
    return Req("POST", "/api/v1/enterprises", json=_new_body(w))


async def _create_form(w, target):
    body = {k: str(v) for k, v in _new_body(w).items()}
    return Req("POST", "/enterprises", form={**body, "scale": "small", "active": "1"})


async def _detail(w, target):
    await _assign_inspector(w)
    return Req("GET", f"/api/v1/enterprises/{_target(w, target)['id']}")


async def _detail_page(w, target):
    await _assign_inspector(w)
    return Req("GET", f"/enterprises/{_target(w, target)['id']}")


async def _edit_page(w, target):
    return Req("GET", f"/enterprises/{_target(w, target)['id']}/edit")


async def _current(e: dict) -> dict:
    return await Enterprise.select().where(Enterprise.id == e["id"]).first().run()


async def _patch(w, target):
    row = await _current(_target(w, target))
    return Req(
        "PATCH",
        f"/api/v1/enterprises/{row['id']}",
        json={"version": row["version"], "address": f"矩阵路{f.n()}号"},
    )


async def _edit_form(w, target):
    row = await _current(_target(w, target))
    grid = w.tree["grid1"] if target == "own" else w.foreign_tree["grid1"]
    form = {
        "version": str(row["version"]),
        "name": row["name"],
        "uscc": row["uscc"],
        "org_unit_id": str(grid["id"]),
        "address": f"矩阵路{f.n()}号",
        "scale": "small",
        "active": "1",
    }
    return Req("POST", f"/enterprises/{row['id']}", form=form)


def _sheet(w) -> bytes:
    row = [
        f"矩阵导入{f.n()}",
        f.uscc(),
        w.tree["community"]["name"],
        w.tree["grid1"]["name"],
        "C",
        "张三",
        "13800138000",
    ]
    return xlsx(HEADER, [row])


async def _import(w, target):
    return Req("POST", "/api/v1/enterprises/import", files={"file": ("m.xlsx", _sheet(w))})


async def _import_form(w, target):
    return Req("POST", "/enterprises/import", files={"file": ("m.xlsx", _sheet(w))})


async def _token(w, target) -> str:
    owner = w.officer if target == "own" else w.foreign_officer
    return await registry_sync.store_upload(f.actor(owner), "m.xlsx", _sheet(w))


async def _confirm(w, target):
    return Req("POST", f"/enterprises/import/{await _token(w, target)}", form={})


async def _error_sheet(w, target):
    return Req("GET", f"/enterprises/import/{await _token(w, target)}/errors.xlsx")


OFFICER_ON_OWN = {
    "admin": 403,
    "officer": OFFICER_OWN,
    "inspector": 403,
    "enterprise": 403,
}

SPECS = {
    ("GET", "/api/v1/enterprises"): Spec(fixed("GET", "/api/v1/enterprises"), READERS),
    ("POST", "/api/v1/enterprises"): Spec(_create, OFFICER_CREATES),
    ("GET", "/api/v1/enterprises/{enterprise_id:int}"): Spec(
        _detail, {"admin": 403, **OWN_READERS}, OWN_FOREIGN
    ),
    ("PATCH", "/api/v1/enterprises/{enterprise_id:int}"): Spec(_patch, OFFICER_ON_OWN, OWN_FOREIGN),
    ("POST", "/api/v1/enterprises/import"): Spec(_import, OFFICER_ONLY),
    ("GET", "/api/v1/enterprises/export.xlsx"): Spec(
        fixed("GET", "/api/v1/enterprises/export.xlsx"), OFFICER_ONLY
    ),
    ("GET", "/enterprises"): Spec(fixed("GET", "/enterprises"), READERS, anonymous=LOGIN),
    ("GET", "/enterprises/export.xlsx"): Spec(
        fixed("GET", "/enterprises/export.xlsx"), OFFICER_ONLY, anonymous=LOGIN
    ),
    ("GET", "/enterprises/{enterprise_id:int}"): Spec(
        _detail_page, {"admin": 403, **OWN_READERS}, OWN_FOREIGN, anonymous=LOGIN
    ),
    ("GET", "/enterprises/new"): Spec(
        fixed("GET", "/enterprises/new"), OFFICER_ONLY, anonymous=LOGIN
    ),
    ("POST", "/enterprises"): Spec(_create_form, OFFICER_REDIRECTS, anonymous=LOGIN),
    ("GET", "/enterprises/{enterprise_id:int}/edit"): Spec(
        _edit_page, OFFICER_ON_OWN, OWN_FOREIGN, anonymous=LOGIN
    ),
    ("POST", "/enterprises/{enterprise_id:int}"): Spec(
        _edit_form,
        {**OFFICER_ON_OWN, "officer": {"own": 303, "foreign": 404}},
        OWN_FOREIGN,
        anonymous=LOGIN,
    ),
    ("GET", "/enterprises/import"): Spec(
        fixed("GET", "/enterprises/import"), OFFICER_ONLY, anonymous=LOGIN
    ),
    ("POST", "/enterprises/import"): Spec(_import_form, OFFICER_ONLY, anonymous=LOGIN),
    ("POST", "/enterprises/import/{token:str}"): Spec(
        _confirm, OFFICER_ON_OWN, OWN_FOREIGN, anonymous=LOGIN
    ),
    ("GET", "/enterprises/import/{token:str}/errors.xlsx"): Spec(
        _error_sheet, OFFICER_ON_OWN, OWN_FOREIGN, anonymous=LOGIN
    ),
}
