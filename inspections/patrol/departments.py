"""转办 departments: the list a report may be referred to (市场监管, 消防救援, 城管执法 …),
kept by the admin; defaults seeded by a migration. A department is never deleted (past
referrals name it): it is deactivated, and leaves the choices."""

from __future__ import annotations

from inspections.patrol.schemas import DepartmentIn, DepartmentPatch
from inspections.patrol.tables import ReferralDepartment
from inspections.services.scope import is_row_id
from safety import audit
from safety.actors import Actor
from safety.db import write_transaction
from safety.errors import Conflict, NotFound, ValidationFailed
from safety.tables import Role

COLUMNS = (
    ReferralDepartment.id,
    ReferralDepartment.name,
    ReferralDepartment.active,
    ReferralDepartment.position,
)


async def list_departments(actor: Actor, active_only: bool = False) -> list[dict]:
    """Admins (who keep the list) and officers (who refer) read it."""
    actor.require(Role.admin, Role.officer)
    return await active_departments() if active_only else await _all()


async def _all() -> list[dict]:
    return (
        await ReferralDepartment.select(*COLUMNS)
        .order_by(ReferralDepartment.position)
        .order_by(ReferralDepartment.id)
        .run()
    )


async def active_departments() -> list[dict]:
    return (
        await ReferralDepartment.select(*COLUMNS)
        .where(ReferralDepartment.active.eq(True))
        .order_by(ReferralDepartment.position)
        .order_by(ReferralDepartment.id)
        .run()
    )


def _name(raw: str) -> str:
    name = " ".join(raw.split())
    if not name:
        raise ValidationFailed.field("name", "部门名称不能为空")
    return name


async def _taken(name: str, other_than: int | None = None) -> None:
    query = ReferralDepartment.exists().where(ReferralDepartment.name == name)
    if other_than is not None:
        query = query.where(ReferralDepartment.id != other_than)
    if await query.run():
        raise Conflict(f"部门 {name} 已存在", [{"key": "name", "message": "已存在"}])


async def create_department(actor: Actor, data: DepartmentIn) -> dict:
    actor.require(Role.admin)
    name = _name(data.name)
    async with write_transaction():
        await _taken(name)
        row = ReferralDepartment(name=name, active=data.active, position=data.position)
        await row.save().run()
        out = {"id": row.id, "name": name, "active": data.active, "position": data.position}
        await audit.record(
            actor, "referral_department.create", "referral_department", row.id, after=out
        )
    return out


async def update_department(actor: Actor, department_id: int, data: DepartmentPatch) -> dict:
    actor.require(Role.admin)
    missing = NotFound("部门不存在")
    if not is_row_id(department_id):
        raise missing
    fields = data.model_fields_set
    changes = {}
    name = None
    if "name" in fields and data.name is not None:
        name = _name(data.name)
        changes[ReferralDepartment.name] = name
    for key in ("active", "position"):
        if key in fields and getattr(data, key) is not None:
            changes[getattr(ReferralDepartment, key)] = getattr(data, key)
    async with write_transaction():
        before = (
            await ReferralDepartment.select(*COLUMNS)
            .where(ReferralDepartment.id == department_id)
            .first()
            .run()
        )
        if before is None:
            raise missing
        if name is not None:
            await _taken(name, department_id)
        if changes:
            await (
                ReferralDepartment.update(changes)
                .where(ReferralDepartment.id == department_id)
                .run()
            )
        after = (
            await ReferralDepartment.select(*COLUMNS)
            .where(ReferralDepartment.id == department_id)
            .first()
            .run()
        )
        await audit.record(
            actor,
            "referral_department.update",
            "referral_department",
            department_id,
            before=before,
            after=after,
        )
    return after
