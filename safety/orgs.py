"""Org units (区 › 街道 › 社区 › 网格) and agencies: services and the subtree helper."""

from __future__ import annotations

from pydantic import BaseModel

from safety import audit
from safety.actors import Actor
from safety.db import contains, write_transaction
from safety.errors import Conflict, NotFound, ValidationFailed
from safety.schemas import RowId, Text, fits
from safety.tables import Agency, OrgUnit, OrgUnitKind, Role

# Which kind may sit under which (None: a root).
ALLOWED_PARENT = {
    OrgUnitKind.district: None,
    OrgUnitKind.street: OrgUnitKind.district,
    OrgUnitKind.community: OrgUnitKind.street,
    OrgUnitKind.grid: OrgUnitKind.community,
}


class OrgUnitIn(BaseModel):
    name: fits(OrgUnit.name)
    kind: Text
    parent_id: RowId | None = None
    code: fits(OrgUnit.code) | None = None


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
                    "message": f"{kind.value} 的上级须为 {wanted.value}"
                    if wanted
                    else f"{kind.value} 不能有上级单位",
                }
            )
    if errors:
        raise ValidationFailed("单位信息有误", errors)
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


async def org_scope(actor: Actor) -> list[int] | None:
    """The org unit ids the actor may see: None = all (admin); an officer's subtree;
    nothing for the other roles (they reach org units only through their objects)."""
    if actor.role == Role.admin:
        return None
    if actor.role == Role.officer and actor.org_unit_id is not None:
        return await subtree_ids(actor.org_unit_id)
    return []


async def get_org_unit(actor: Actor, org_unit_id: int) -> dict:
    """One unit; an officer outside their subtree gets 404, like a missing one."""
    actor.require(Role.admin, Role.officer)
    scope = await org_scope(actor)
    row = await OrgUnit.select().where(OrgUnit.id == org_unit_id).first().run()
    if row is None or (scope is not None and row["id"] not in scope):
        raise NotFound("单位不存在")
    return row


async def list_org_units(
    actor: Actor,
    kind: str | None = None,
    parent_id: int | None = None,
    limit: int = 500,
    offset: int = 0,
) -> dict:
    """Units in tree order (by materialised path): all for an admin, the own subtree for
    an officer."""
    actor.require(Role.admin, Role.officer)
    query = OrgUnit.select()
    count = OrgUnit.count()
    conditions = []
    scope = await org_scope(actor)
    if scope is not None:
        conditions.append(OrgUnit.id.is_in(scope or [0]))
    if kind:
        try:
            conditions.append(OrgUnit.kind == OrgUnitKind(kind))
        except ValueError as exc:
            raise ValidationFailed.field(
                "kind", "kind 须为 district/street/community/grid"
            ) from exc
    if parent_id is not None:
        conditions.append(OrgUnit.parent == parent_id)
    for condition in conditions:
        query = query.where(condition)
        count = count.where(condition)
    items = await query.order_by(OrgUnit.path).limit(limit).offset(offset).run()
    return {"items": items, "total": await count.run()}


class AgencyIn(BaseModel):
    name: fits(Agency.name)
    contact_name: fits(Agency.contact_name) | None = None
    contact_phone: fits(Agency.contact_phone) | None = None


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


async def list_agencies(
    actor: Actor, q: str | None = None, limit: int = 50, offset: int = 0
) -> dict:
    actor.require(Role.admin, Role.officer)
    query = Agency.select()
    count = Agency.count()
    if q and q.strip():
        condition = contains(q, Agency.name)
        query, count = query.where(condition), count.where(condition)
    items = await query.order_by(Agency.name).limit(limit).offset(offset).run()
    return {"items": items, "total": await count.run()}
