"""User accounts: create, change, list (services; the admin's use cases)."""

from __future__ import annotations

from pydantic import BaseModel

from safety import audit
from safety.auth import Actor, hash_password
from safety.db import write_transaction
from safety.errors import Conflict, ValidationFailed
from safety.rules import password_problems
from safety.settings import get_settings
from safety.tables import Agency, Enterprise, OrgUnit, Role, User

# Columns safe to show or audit (never the hash).
PUBLIC_COLUMNS = (
    User.id,
    User.username,
    User.role,
    User.display_name,
    User.enterprise,
    User.org_unit,
    User.agency,
    User.active,
    User.qualification,
    User.specialty,
    User.phone,
    User.created_at,
    User.last_login_at,
)


class NewUser(BaseModel):
    username: str
    password: str
    role: str
    display_name: str = ""
    enterprise_id: int | None = None
    org_unit_id: int | None = None
    agency_id: int | None = None
    qualification: str | None = None
    specialty: str | None = None
    phone: str | None = None


def check_password(password: str, username: str) -> None:
    s = get_settings()
    problems = password_problems(password, username, s.password_min_length, s.password_min_classes)
    if problems:
        raise ValidationFailed(
            "密码不符合要求 (password refused)",
            [{"key": "password", "message": p} for p in problems],
        )


async def _check_links(role: Role, data: NewUser) -> None:
    """Each role needs its link: enterprise → enterprise, officer → org unit,
    inspector → agency."""
    errors: list[dict[str, str]] = []
    needed = {
        Role.enterprise: ("enterprise_id", Enterprise),
        Role.officer: ("org_unit_id", OrgUnit),
        Role.inspector: ("agency_id", Agency),
    }
    if role in needed:
        field, table = needed[role]
        value = getattr(data, field)
        if value is None:
            errors.append({"key": field, "message": f"{role.value} 用户必须指定 {field}"})
        elif not await table.exists().where(table.id == value).run():
            errors.append({"key": field, "message": f"{field} {value} 不存在 (does not exist)"})
    if errors:
        raise ValidationFailed("用户信息有误 (invalid user)", errors)


async def create_user(actor: Actor, data: NewUser) -> dict:
    actor.require(Role.admin)
    errors: list[dict[str, str]] = []
    username = data.username.strip()
    if not username or len(username) > 64:
        errors.append({"key": "username", "message": "用户名须为1-64个字符"})
    try:
        role = Role(data.role)
    except ValueError:
        errors.append({"key": "role", "message": "role 须为 admin/officer/inspector/enterprise"})
        role = None
    if errors:
        raise ValidationFailed("用户信息有误 (invalid user)", errors)
    check_password(data.password, username)
    await _check_links(role, data)
    password_hash = await hash_password(data.password)
    async with write_transaction():
        if await User.exists().where(User.username == username).run():
            raise Conflict(
                f"用户名 {username} 已存在 (username taken)",
                [{"key": "username", "message": "用户名已存在"}],
            )
        user = User(
            username=username,
            password_hash=password_hash,
            role=role,
            display_name=data.display_name or username,
            enterprise=data.enterprise_id if role == Role.enterprise else None,
            org_unit=data.org_unit_id if role == Role.officer else None,
            agency=data.agency_id if role == Role.inspector else None,
            qualification=data.qualification,
            specialty=data.specialty,
            phone=data.phone,
        )
        await user.save().run()
        row = await User.select(*PUBLIC_COLUMNS).where(User.id == user.id).first().run()
        await audit.record(actor, "user.create", "user", user.id, after=row)
    return row
