"""The enterprise registry (企业台账): scope, list/filter, create, edit, export.

Who (the product rules, the API contract):
- officer: everything, within their org unit's subtree (elsewhere: 404);
- inspector: read only, the enterprises of batches whose expert group they are in and of
  inspections assigned to them;
- enterprise contact: read only, their own enterprise;
- admin: 403 on every registry endpoint. Admins manage accounts, org units and agencies,
  not the ledger; keeping them out keeps the ledger the officers' responsibility.

Field validation is ``safety.registry.rules`` (pure, shared with the import); the sheet
import is ``safety.registry.sheets`` (pure reading/writing of sheets) and
``safety.registry.sync`` (planning and applying it against the database).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from piccolo.columns.combination import WhereRaw
from piccolo.custom_types import Combinable

from safety import audit
from safety.actors import Actor
from safety.db import contains, write_transaction
from safety.errors import Conflict, NotFound, ValidationFailed
from safety.registry.rules import clean_enterprise
from safety.schemas import MAX_DB_INT
from safety.tables import Enterprise, OrgUnit, OrgUnitKind, RiskColour, Role

# Fields an edit may clear by sending null / an empty value.
CLEARABLE = (
    "industry",
    "industry_detail",
    "address",
    "legal_representative",
    "contact_name",
    "contact_phone",
    "standardisation_date",
)
# The values compared and audited (the row minus bookkeeping).
DATA_FIELDS = (
    "name",
    "uscc",
    "uscc_flagged",
    "industry",
    "industry_detail",
    "scale",
    "address",
    "org_unit",
    "legal_representative",
    "contact_name",
    "contact_phone",
    "is_key",
    "standardisation_level",
    "standardisation_date",
    "active",
)

_ASSIGNED_SQL = (
    '"enterprise"."id" IN ('
    "SELECT be.enterprise FROM batch_enterprise be"
    ' JOIN batch_inspector bi ON bi.batch = be.batch WHERE bi."user" = {}'
    " UNION SELECT i.enterprise FROM inspection i"
    ' JOIN inspection_inspector ii ON ii.inspection = i.id WHERE ii."user" = {})'
)


def _columns() -> tuple:
    return (
        *Enterprise.all_columns(),
        Enterprise.org_unit.name.as_alias("org_unit_name"),
        Enterprise.org_unit.parent.name.as_alias("community_name"),
    )


def to_out(row: dict[str, Any]) -> dict[str, Any]:
    """A selected row in the API's shape (``org_unit`` → ``org_unit_id``)."""
    out = dict(row)
    out["org_unit_id"] = out.pop("org_unit", None)
    return out


def data_of(row: dict[str, Any]) -> dict[str, Any]:
    return {k: row.get(k) for k in DATA_FIELDS}


# ---------------------------------------------------------------- scope


async def officer_prefix(actor: Actor) -> str | None:
    """The ``path`` prefix of the officer's subtree (None: they have no unit)."""
    if actor.org_unit_id is None:
        return None
    unit = await OrgUnit.select(OrgUnit.path).where(OrgUnit.id == actor.org_unit_id).first().run()
    return unit["path"] if unit and unit["path"] else None


async def scope_condition(actor: Actor) -> Combinable:
    """The WHERE condition limiting enterprises to what ``actor`` may see (403 for admins)."""
    actor.require(Role.officer, Role.inspector, Role.enterprise, Role.grid_worker)
    # An officer's subtree; a grid worker's grid or community (网格员: "the enterprises there").
    if actor.role in (Role.officer, Role.grid_worker):
        prefix = await officer_prefix(actor)
        if prefix is None:
            return Enterprise.id == -1
        units = OrgUnit.select(OrgUnit.id).where(OrgUnit.path.like(prefix + "%"))
        return Enterprise.org_unit.is_in(units)
    if actor.role == Role.inspector:
        return WhereRaw(_ASSIGNED_SQL, actor.user_id, actor.user_id)
    return Enterprise.id == (actor.enterprise_id if actor.enterprise_id is not None else -1)


async def get_enterprise(actor: Actor, enterprise_id: int) -> dict[str, Any]:
    """One enterprise the actor may see; 404 when missing or outside their scope."""
    if not _is_row_id(enterprise_id):
        raise NotFound("企业不存在")
    scope = await scope_condition(actor)
    row = (
        await Enterprise.select(*_columns())
        .where(Enterprise.id == enterprise_id, scope)
        .first()
        .run()
    )
    if row is None:
        raise NotFound("企业不存在")
    return to_out(row)


def _is_row_id(value: Any) -> bool:
    """An id the database can hold (a bigger one overflows the query: it names no row)."""
    return not isinstance(value, int) or 1 <= value <= MAX_DB_INT


async def grid_in_scope(actor: Actor, org_unit_id: Any) -> list[dict[str, str]]:
    """Errors for ``org_unit_id`` unless it is a grid in the officer's subtree."""
    if org_unit_id is None or org_unit_id == "":
        return [{"key": "org_unit_id", "message": "请选择所属网格"}]
    if not _is_row_id(org_unit_id):
        return [{"key": "org_unit_id", "message": "网格不存在或不在您的辖区内"}]
    prefix = await officer_prefix(actor)
    unit = (
        await OrgUnit.select(OrgUnit.kind, OrgUnit.path)
        .where(OrgUnit.id == org_unit_id)
        .first()
        .run()
    )
    if unit is None or prefix is None or not unit["path"].startswith(prefix):
        return [{"key": "org_unit_id", "message": "网格不存在或不在您的辖区内"}]
    if unit["kind"] != OrgUnitKind.grid.value:
        return [{"key": "org_unit_id", "message": "企业须归属到网格"}]
    return []


# ---------------------------------------------------------------- list and export


@dataclass
class EnterpriseFilter:
    q: str | None = None
    org_unit_id: int | None = None
    industry: str | None = None
    risk_colour: str | None = None
    key: bool | None = None
    active: bool | None = None
    # a sub-select of enterprise ids the list keeps (a risk-based planning preset's picks)
    within: Any = None


async def _conditions(actor: Actor, flt: EnterpriseFilter) -> list:
    conditions = [await scope_condition(actor)]
    errors = []
    if flt.risk_colour:
        if flt.risk_colour not in {c.value for c in RiskColour}:
            errors.append(
                {"key": "risk_colour", "message": "risk_colour 须为 red/orange/yellow/blue"}
            )
        else:
            conditions.append(Enterprise.risk_colour == flt.risk_colour)
    if flt.industry:
        letter = flt.industry.strip().upper()
        if len(letter) != 1 or not "A" <= letter <= "T":
            errors.append({"key": "industry", "message": "industry 须为门类字母 A–T"})
        else:
            conditions.append(Enterprise.industry == letter)
    if flt.org_unit_id is not None and not _is_row_id(flt.org_unit_id):
        errors.append({"key": "org_unit_id", "message": f"org_unit_id 须为 1..{MAX_DB_INT}"})
    if errors:
        raise ValidationFailed("筛选条件有误", errors)
    if flt.q and flt.q.strip():
        conditions.append(
            contains(
                flt.q,
                Enterprise.name,
                Enterprise.uscc,
                Enterprise.contact_name,
                Enterprise.contact_phone,
            )
        )
    if flt.org_unit_id is not None:
        unit = await OrgUnit.select(OrgUnit.path).where(OrgUnit.id == flt.org_unit_id).first().run()
        if unit is None:
            conditions.append(Enterprise.id == -1)
        else:
            units = OrgUnit.select(OrgUnit.id).where(OrgUnit.path.like(unit["path"] + "%"))
            conditions.append(Enterprise.org_unit.is_in(units))
    if flt.key is not None:
        conditions.append(Enterprise.is_key == flt.key)
    if flt.active is not None:
        conditions.append(Enterprise.active == flt.active)
    if flt.within is not None:
        conditions.append(Enterprise.id.is_in(flt.within))
    return conditions


async def list_enterprises(
    actor: Actor, flt: EnterpriseFilter, limit: int = 50, offset: int = 0
) -> tuple[list[dict[str, Any]], int]:
    """A page of the enterprises the actor may see, matching ``flt``, and the total."""
    conditions = await _conditions(actor, flt)
    rows = (
        await Enterprise.select(*_columns())
        .where(*conditions)
        .order_by(Enterprise.id)
        .limit(limit)
        .offset(offset)
        .run()
    )
    total = await Enterprise.count().where(*conditions).run()
    return [to_out(r) for r in rows], total


async def export_enterprises(actor: Actor, flt: EnterpriseFilter) -> list[dict[str, Any]]:
    """Every enterprise of the filtered list (officers only), for the .xlsx export."""
    actor.require(Role.officer)
    conditions = await _conditions(actor, flt)
    rows = await Enterprise.select(*_columns()).where(*conditions).order_by(Enterprise.id).run()
    return [to_out(r) for r in rows]


# ---------------------------------------------------------------- create and edit


async def create_enterprise(actor: Actor, data: dict[str, Any]) -> dict[str, Any]:
    """Register an enterprise in a grid of the officer's subtree. 400 naming each bad
    field (a failing check character needs ``uscc_confirmed`` and is then flagged);
    409 when the code is registered already."""
    actor.require(Role.officer)
    cleaned = clean_enterprise(data, creating=True)
    errors = cleaned.errors + await grid_in_scope(actor, data.get("org_unit_id"))
    if errors:
        raise ValidationFailed("企业信息有误", errors)
    fields = cleaned.fields
    async with write_transaction():
        await _refuse_duplicate(fields["uscc"])
        ent = Enterprise(**fields, org_unit=data["org_unit_id"])
        await ent.save().run()
        row = await get_enterprise(actor, ent.id)
        await audit.record(actor, "enterprise.create", "enterprise", ent.id, after=data_of(row))
    return row


async def _refuse_duplicate(uscc: str, except_id: int | None = None) -> None:
    query = Enterprise.exists().where(Enterprise.uscc == uscc)
    if except_id is not None:
        query = query.where(Enterprise.id != except_id)
    if await query.run():
        raise Conflict(
            f"统一社会信用代码 {uscc} 已登记",
            [{"key": "uscc", "message": "该统一社会信用代码已登记"}],
        )


async def update_enterprise(
    actor: Actor, enterprise_id: int, data: dict[str, Any], version: int
) -> dict[str, Any]:
    """Change the given fields (``data`` holds only what the client sent; null or "" clears
    an optional field). ``version`` must be the current one, else 409 and nothing changes.
    A change bumps ``version``; a request that changes nothing leaves it as it is."""
    actor.require(Role.officer)
    current = await get_enterprise(actor, enterprise_id)
    errors: list[dict[str, str]] = []
    clear: dict[str, None] = {}
    for key, value in data.items():
        if value is None or (isinstance(value, str) and not value.strip()):
            if key in CLEARABLE:
                clear[key] = None
            elif key in ("name", "uscc", "org_unit_id"):
                errors.append({"key": key, "message": "不能为空"})
    given = {k: v for k, v in data.items() if k not in clear}
    cleaned = clean_enterprise(given, creating=False)
    errors += cleaned.errors
    fields = {**cleaned.fields, **clear}
    if "uscc" not in given:
        fields.pop("uscc_flagged", None)
    if data.get("org_unit_id") not in (None, ""):
        if data["org_unit_id"] != current["org_unit_id"]:
            errors += await grid_in_scope(actor, data["org_unit_id"])
        fields["org_unit"] = data["org_unit_id"]
    if errors:
        raise ValidationFailed("企业信息有误", errors)
    if version != current["version"]:
        raise _stale(current["version"])
    before = data_of({**current, "org_unit": current["org_unit_id"]})
    changes = {k: v for k, v in fields.items() if before.get(k) != v}
    if not changes:
        return current
    async with write_transaction():
        if "uscc" in changes:
            await _refuse_duplicate(changes["uscc"], except_id=enterprise_id)
        values: dict[Any, Any] = {getattr(Enterprise, k): v for k, v in changes.items()}
        values[Enterprise.version] = version + 1
        values[Enterprise.updated_at] = dt.datetime.now(dt.UTC)
        done = (
            await Enterprise.update(values)
            .where(Enterprise.id == enterprise_id, Enterprise.version == version)
            .returning(Enterprise.id)
            .run()
        )
        if not done:
            raise _stale(None)
        await audit.record(
            actor,
            "enterprise.update",
            "enterprise",
            enterprise_id,
            before={k: before.get(k) for k in changes},
            after=changes,
        )
    return await get_enterprise(actor, enterprise_id)


def _stale(current_version: int | None) -> Conflict:
    return Conflict(
        "该企业信息已被他人修改，请刷新后重试"
        if current_version is None
        else f"该企业信息已被他人修改，请刷新后重试，当前版本 {current_version}",
        [{"key": "version", "message": "版本已过期"}],
    )


# ---------------------------------------------------------------- choices for forms


async def unit_choices(actor: Actor, grids_only: bool = False) -> list[tuple[int, str]]:
    """(id, label) of the communities and grids of the officer's subtree, for the pages'
    selects ("寨北社区 / 寨北社区第1网格"). Empty for other roles."""
    if actor.role != Role.officer:
        return []
    prefix = await officer_prefix(actor)
    if prefix is None:
        return []
    kinds = [OrgUnitKind.grid.value]
    if not grids_only:
        kinds.append(OrgUnitKind.community.value)
    rows = (
        await OrgUnit.select(
            OrgUnit.id, OrgUnit.name, OrgUnit.kind, OrgUnit.parent.name.as_alias("parent_name")
        )
        .where(OrgUnit.path.like(prefix + "%"), OrgUnit.kind.is_in(kinds))
        .order_by(OrgUnit.path)
        .run()
    )
    out = []
    for r in rows:
        is_grid = r["kind"] == OrgUnitKind.grid.value
        out.append((r["id"], f"{r['parent_name']} / {r['name']}" if is_grid else r["name"]))
    return out
