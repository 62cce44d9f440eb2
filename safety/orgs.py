"""Org units (区 › 街道 › 社区 › 网格) and agencies: services and the subtree helper."""

from __future__ import annotations

from pydantic import BaseModel

from safety import audit
from safety.auth import Actor
from safety.db import write_transaction
from safety.errors import Conflict, NotFound, ValidationFailed
from safety.tables import Agency, OrgUnit, OrgUnitKind, Role

# Which kind may sit under which (None: a root).
ALLOWED_PARENT = {
    OrgUnitKind.district: None,
    OrgUnitKind.street: OrgUnitKind.district,
    OrgUnitKind.community: OrgUnitKind.street,
    OrgUnitKind.grid: OrgUnitKind.community,
}


class OrgUnitIn(BaseModel):
    name: str
    kind: str
    parent_id: int | None = None
    code: str | None = None


async def subtree_ids(org_unit_id: int) -> list[int]:
    """The unit and all its descendants (one indexed prefix match on ``path``)."""
    unit = await OrgUnit.select(OrgUnit.path).where(OrgUnit.id == org_unit_id).first().run()
    if not unit:
        return []
    rows = await OrgUnit.select(OrgUnit.id).where(OrgUnit.path.like(unit["path"] + "%")).run()
    return [r["id"] for r in rows]


async def create_org_unit(actor: Actor, data: OrgUnitIn) -> dict:
    """Add a unit under its parent. A street may also be a root (a deployment for one
    street office needs no district above it)."""
    actor.require(Role.admin)
    errors = []
    name = data.name.strip()
    if not name or len(name) > 100:
        errors.append({"key": "name", "message": "名称须为1-100个字符"})
    try:
        kind = OrgUnitKind(data.kind)
    except ValueError:
        errors.append({"key": "kind", "message": "kind 须为 district/street/community/grid"})
        kind = None
    parent = None
    if data.parent_id is not None:
        parent = await OrgUnit.select().where(OrgUnit.id == data.parent_id).first().run()
        if parent is None:
            errors.append({"key": "parent_id", "message": f"上级单位 {data.parent_id} 不存在"})
    if kind is not None and not errors:
        wanted = ALLOWED_PARENT[kind]
        parent_kind = OrgUnitKind(parent["kind"]) if parent else None
        ok = parent_kind == wanted or (kind == OrgUnitKind.street and parent is None)
        if not ok:
            errors.append(
                {
                    "key": "parent_id",
                    "message": f"{kind.value} 的上级须为 {wanted.value if wanted else '无'}",
                }
            )
    if errors:
        raise ValidationFailed("单位信息有误 (invalid org unit)", errors)
    async with write_transaction():
        dup = OrgUnit.exists().where(OrgUnit.name == name)
        dup = dup.where(OrgUnit.parent == parent["id"] if parent else OrgUnit.parent.is_null())
        if await dup.run():
            raise Conflict(
                f"同级已有名为 {name} 的单位", [{"key": "name", "message": "同级名称重复"}]
            )
        unit = OrgUnit(
            name=name, kind=kind, parent=parent["id"] if parent else None, code=data.code
        )
        await unit.save().run()
        path = f"{parent['path'] if parent else '/'}{unit.id}/"
        await OrgUnit.update({OrgUnit.path: path}).where(OrgUnit.id == unit.id).run()
        row = await OrgUnit.select().where(OrgUnit.id == unit.id).first().run()
        await audit.record(actor, "org_unit.create", "org_unit", unit.id, after=row)
    return row


async def get_org_unit(org_unit_id: int) -> dict:
    row = await OrgUnit.select().where(OrgUnit.id == org_unit_id).first().run()
    if row is None:
        raise NotFound("单位不存在 (org unit not found)")
    return row


class AgencyIn(BaseModel):
    name: str
    contact_name: str | None = None
    contact_phone: str | None = None


async def create_agency(actor: Actor, data: AgencyIn) -> dict:
    actor.require(Role.admin, Role.officer)
    name = data.name.strip()
    if not name or len(name) > 200:
        raise ValidationFailed.field("name", "名称须为1-200个字符")
    async with write_transaction():
        if await Agency.exists().where(Agency.name == name).run():
            raise Conflict(f"机构 {name} 已存在", [{"key": "name", "message": "名称重复"}])
        agency = Agency(name=name, contact_name=data.contact_name, contact_phone=data.contact_phone)
        await agency.save().run()
        row = await Agency.select().where(Agency.id == agency.id).first().run()
        await audit.record(actor, "agency.create", "agency", agency.id, after=row)
    return row
