"""User accounts: create, change, list (services; the admin's use cases)."""

from __future__ import annotations

from pydantic import BaseModel

from safety import audit
from safety.accounts.auth import hash_password
from safety.accounts.sessions import end_user_sessions, utcnow
from safety.accounts.usernames import normalise_username, username_key, username_problems
from safety.actors import Actor
from safety.db import contains, write_transaction
from safety.errors import Conflict, NotFound, ValidationFailed
from safety.rules import password_problems
from safety.schemas import Password, RowId, Text, email_of, fits
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
    User.email,
    User.created_at,
    User.last_login_at,
)
ROLE_MESSAGE = "role 须为 " + "/".join(r.value for r in Role)
# Roles linked to an org unit; a grid worker (网格员) to a grid or a community only.
UNIT_ROLES = (Role.officer, Role.grid_worker)
GRID_WORKER_UNIT_KINDS = ("grid", "community")


class NewUser(BaseModel):
    username: Text
    password: Password
    role: Text
    display_name: fits(User.display_name) = ""
    enterprise_id: RowId | None = None
    org_unit_id: RowId | None = None
    agency_id: RowId | None = None
    qualification: fits(User.qualification) | None = None
    specialty: fits(User.specialty) | None = None
    phone: fits(User.phone) | None = None
    email: email_of(User.email) = None


def check_password(password: str, username: str) -> None:
    s = get_settings()
    problems = password_problems(password, username, s.password_min_length, s.password_min_classes)
    if problems:
        raise ValidationFailed(
            "密码不符合要求",
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
        Role.grid_worker: ("org_unit_id", OrgUnit),
    }
    if role in needed:
        field, table = needed[role]
        value = getattr(data, field)
        if value is None:
            errors.append({"key": field, "message": f"{role.value} 用户必须指定 {field}"})
        elif not await table.exists().where(table.id == value).run():
            errors.append({"key": field, "message": f"{field} {value} 不存在"})
        elif (
            role == Role.grid_worker
            and not await OrgUnit.exists()
            .where((OrgUnit.id == value) & OrgUnit.kind.is_in(list(GRID_WORKER_UNIT_KINDS)))
            .run()
        ):
            errors.append({"key": field, "message": "网格员须关联到网格或社区"})
    if errors:
        raise ValidationFailed("用户信息有误", errors)


async def create_user(actor: Actor, data: NewUser) -> dict:
    actor.require(Role.admin)
    errors: list[dict[str, str]] = []
    # Stored NFKC-normalised, compared by NFKC + case folding, one script (accounts.usernames).
    username = normalise_username(data.username)
    key = username_key(username)
    errors.extend({"key": "username", "message": p} for p in username_problems(username))
    try:
        role = Role(data.role)
    except ValueError:
        errors.append({"key": "role", "message": ROLE_MESSAGE})
        role = None
    if errors:
        raise ValidationFailed("用户信息有误", errors)
    check_password(data.password, username)
    await _check_links(role, data)
    password_hash = await hash_password(data.password)
    async with write_transaction():
        # By the key, like the database's unique index: no "Ädmin" beside "ädmin".
        if await User.exists().where(User.username_key == key).run():
            raise Conflict(
                f"用户名 {username} 已存在",
                [{"key": "username", "message": "用户名已存在"}],
            )
        user = User(
            username=username,
            username_key=key,
            password_hash=password_hash,
            role=role,
            display_name=data.display_name or username,
            enterprise=data.enterprise_id if role == Role.enterprise else None,
            org_unit=data.org_unit_id if role in UNIT_ROLES else None,
            agency=data.agency_id if role == Role.inspector else None,
            qualification=data.qualification,
            specialty=data.specialty,
            phone=data.phone,
            email=data.email,
        )
        await user.save().run()
        row = await User.select(*PUBLIC_COLUMNS).where(User.id == user.id).first().run()
        await audit.record(actor, "user.create", "user", user.id, after=row)
    return row


# ---------------------------------------------------------------- reading and changing


async def list_users(
    actor: Actor,
    role: str | None = None,
    q: str | None = None,
    active: bool | None = None,
    limit: int = 50,
    offset: int = 0,
) -> dict:
    """Users for the admin; ``q`` matches username or display name (case-insensitive)."""
    actor.require(Role.admin)
    query = User.select(*PUBLIC_COLUMNS)
    count = User.count()
    conditions = []
    if role:
        try:
            conditions.append(User.role == Role(role))
        except ValueError as exc:
            raise ValidationFailed.field("role", ROLE_MESSAGE) from exc
    if q and q.strip():
        conditions.append(contains(q, User.username, User.display_name))
    if active is not None:
        conditions.append(User.active == active)
    for condition in conditions:
        query = query.where(condition)
        count = count.where(condition)
    items = await query.order_by(User.id).limit(limit).offset(offset).run()
    return {"items": items, "total": await count.run()}


async def get_user(actor: Actor, user_id: int) -> dict:
    actor.require(Role.admin)
    row = await User.select(*PUBLIC_COLUMNS).where(User.id == user_id).first().run()
    if row is None:
        raise NotFound("用户不存在")
    return row


class UserPatch(BaseModel):
    """PATCH /api/v1/users/{id}: every field optional. A role change may bring the link
    the new role needs (enterprise_id / org_unit_id / agency_id)."""

    display_name: fits(User.display_name) | None = None
    role: Text | None = None
    active: bool | None = None
    password: Password | None = None
    enterprise_id: RowId | None = None
    org_unit_id: RowId | None = None
    agency_id: RowId | None = None
    qualification: fits(User.qualification) | None = None
    specialty: fits(User.specialty) | None = None
    phone: fits(User.phone) | None = None
    email: email_of(User.email) = None


async def update_user(actor: Actor, user_id: int, patch: UserPatch) -> dict:
    """Change a user. Disabling, a password change or a role change bumps
    ``token_epoch`` (every token issued before dies) and deletes the user's sessions."""
    actor.require(Role.admin)
    current = await User.select().where(User.id == user_id).first().run()
    if current is None:
        raise NotFound("用户不存在")
    fields = patch.model_fields_set
    errors: list[dict[str, str]] = []
    changes: dict = {}

    if "display_name" in fields:
        name = (patch.display_name or "").strip()
        if not name or len(name) > 100:
            errors.append({"key": "display_name", "message": "姓名须为1-100个字符"})
        else:
            changes[User.display_name] = name
    role = Role(current["role"])
    if "role" in fields and patch.role is not None:
        try:
            role = Role(patch.role)
        except ValueError:
            errors.append({"key": "role", "message": ROLE_MESSAGE})
    if "active" in fields and patch.active is None:
        errors.append({"key": "active", "message": "active 须为 true 或 false"})
    if user_id == actor.user_id and (
        patch.active is False or ("role" in fields and role != Role(current["role"]))
    ):
        raise Conflict("不能停用自己或修改自己的角色")
    for key in ("qualification", "specialty", "phone", "email"):
        if key in fields:
            changes[getattr(User, key)] = getattr(patch, key)
    if errors:
        raise ValidationFailed("用户信息有误", errors)

    # The links the (possibly new) role needs, taken from the patch or kept.
    links = NewUser(
        username=current["username"],
        password="",
        role=role.value,
        enterprise_id=patch.enterprise_id if "enterprise_id" in fields else current["enterprise"],
        org_unit_id=patch.org_unit_id if "org_unit_id" in fields else current["org_unit"],
        agency_id=patch.agency_id if "agency_id" in fields else current["agency"],
    )
    await _check_links(role, links)
    changes[User.role] = role
    changes[User.enterprise] = links.enterprise_id if role == Role.enterprise else None
    changes[User.org_unit] = links.org_unit_id if role in UNIT_ROLES else None
    changes[User.agency] = links.agency_id if role == Role.inspector else None

    revoke = False
    password_changed = False
    if "password" in fields and patch.password is not None:
        check_password(patch.password, current["username"])
        changes[User.password_hash] = await hash_password(patch.password)
        changes[User.password_changed_at] = utcnow()
        revoke = password_changed = True
    if "active" in fields and patch.active is not None:
        changes[User.active] = patch.active
        revoke = revoke or (current["active"] and not patch.active)
    if role != Role(current["role"]):
        revoke = True

    async with write_transaction():
        before = await User.select(*PUBLIC_COLUMNS).where(User.id == user_id).first().run()
        if revoke:
            changes[User.token_epoch] = User.token_epoch + 1
        changes[User.version] = User.version + 1
        await User.update(changes).where(User.id == user_id).run()
        if revoke:
            await end_user_sessions(user_id)
        after = await User.select(*PUBLIC_COLUMNS).where(User.id == user_id).first().run()
        audited_after = dict(after)
        if password_changed:
            audited_after["password"] = "changed"  # the fact, never the value or hash  # noqa: S105 - the audit records the fact only
        if revoke:
            audited_after["sessions_ended"] = True
        await audit.record(
            actor, "user.update", "user", user_id, before=before, after=audited_after
        )
    return after


async def link_choices(actor: Actor) -> dict[str, list[tuple[int, str]]]:
    """What a user may be linked to, by name, for the admin's forms: org units (labelled
    with their ancestry, e.g. "怡园街道 / 寨北社区"), agencies, enterprises. Three queries,
    whatever the size of the registry."""
    actor.require(Role.admin)
    units = await OrgUnit.select(OrgUnit.id, OrgUnit.name, OrgUnit.path, OrgUnit.kind).run()
    names = {u["id"]: u["name"] for u in units}

    def label(unit: dict) -> str:
        # Tolerate a malformed path (a row written by hand): label what can be read.
        parts = (unit["path"] or "").strip("/").split("/")
        ids = [int(i) for i in parts if i.isascii() and i.isdigit()]
        return " / ".join(names.get(i, "?") for i in ids) or unit["name"]

    agencies = await Agency.select(Agency.id, Agency.name).order_by(Agency.name).run()
    enterprises = (
        await Enterprise.select(Enterprise.id, Enterprise.name, Enterprise.uscc)
        .order_by(Enterprise.name)
        .run()
    )
    return {
        "org_units": sorted(((u["id"], label(u)) for u in units), key=lambda x: x[1]),
        "agencies": [(a["id"], a["name"]) for a in agencies],
        "enterprises": [(e["id"], f"{e['name']}（{e['uscc']}）") for e in enterprises],
    }
