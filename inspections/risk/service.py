"""Risk point use cases (安全风险分级管控), for the JSON API and the pages alike.

Who: an officer, for the enterprises of their subtree; an enterprise contact, for their own
enterprise (they keep their own register: small and micro enterprises run their own
dual-prevention system). Inspectors and admins: 403. Outside one's scope: 404.

The enterprise's colour (``Enterprise.risk_colour``) is derived: the worst colour of its
active risk points, None (未评估) without any. It is a stored column kept by
``refresh_colour`` inside the same write transaction as every risk point write (create,
edit, deactivate, import), so the registry's ``risk_colour`` filter stays one indexed
comparison and can never disagree with the points. It does not bump the enterprise's
``version`` (an officer's open edit form of the registry stays valid).
"""

from __future__ import annotations

import datetime as dt
import json
from functools import lru_cache
from typing import Any

from piccolo.query.functions.aggregate import Count
from piccolo.query.functions.conditional import Case, When

from inspections.risk.cleaning import INPUT_FIELDS, MEASURE_FIELDS, STORED_FIELDS, clean_point
from inspections.risk.rules import COLOURS, MEASURE_KINDS, Bands, parse_bands, worst_colour
from inspections.services.scope import is_row_id, officer_units
from inspections.tables import RiskPoint
from safety import audit
from safety.actors import Actor
from safety.db import codepoint_order, write_transaction
from safety.errors import Conflict, NotFound, ValidationFailed
from safety.settings import get_settings
from safety.tables import Enterprise, Role

WRITERS = (Role.officer, Role.enterprise)


@lru_cache
def _parsed(lec: str, ls: str) -> tuple[Bands, Bands]:
    return parse_bands(lec), parse_bands(ls)


def bands() -> tuple[Bands, Bands]:
    """(LEC bands, LS bands) in force (settings)."""
    s = get_settings()
    return _parsed(s.risk_lec_bands, s.risk_ls_bands)


# ---------------------------------------------------------------- scope


async def enterprise_scope(actor: Actor) -> Any:
    """The condition on ``Enterprise`` limiting it to what ``actor`` may grade."""
    actor.require(*WRITERS)
    if actor.role == Role.officer:
        units = await officer_units(actor)
        return Enterprise.id == -1 if units is None else Enterprise.org_unit.is_in(units)
    return Enterprise.id == (actor.enterprise_id or -1)


async def enterprise_row(actor: Actor, enterprise_id: int) -> dict[str, Any]:
    """The enterprise (id, name, uscc, org unit, colour) if ``actor`` may grade it; 404."""
    condition = await enterprise_scope(actor)
    row = None
    if is_row_id(enterprise_id):
        row = (
            await Enterprise.select(
                Enterprise.id,
                Enterprise.name,
                Enterprise.uscc,
                Enterprise.org_unit,
                Enterprise.risk_colour,
                Enterprise.is_key,
            )
            .where(Enterprise.id == enterprise_id, condition)
            .first()
            .run()
        )
    if row is None:
        raise NotFound("企业不存在", object_type="enterprise")
    return row


def _columns() -> tuple:
    return (
        *RiskPoint.all_columns(),
        RiskPoint.enterprise.name.as_alias("enterprise_name"),
        RiskPoint.enterprise.uscc.as_alias("enterprise_uscc"),
    )


def to_out(row: dict[str, Any]) -> dict[str, Any]:
    """A selected row in the API's shape."""
    types = row.get("accident_types")
    if isinstance(types, str):
        types = json.loads(types or "[]")
    return {
        "id": row["id"],
        "enterprise_id": row["enterprise"],
        "enterprise_name": row.get("enterprise_name"),
        "enterprise_uscc": row.get("enterprise_uscc"),
        "name": row["name"],
        "hazard_factors": row["hazard_factors"],
        "accident_types": types or [],
        "method": row["method"],
        "likelihood": row["likelihood"],
        "exposure": row["exposure"],
        "consequence": row["consequence"],
        "severity": row["severity"],
        "score": row["score"],
        "level": row["level"],
        "colour": row["colour"],
        "control_measures": {k: row[f"measure_{k}"] for k in MEASURE_KINDS},
        "control_tier": row["control_tier"],
        "responsible_person": row["responsible_person"],
        "review_on": row["review_on"],
        "active": row["active"],
        "version": row["version"],
        "created_at": row["created_at"],
        "updated_at": row["updated_at"],
    }


def stored_of(point: dict[str, Any]) -> dict[str, Any]:
    """The stored fields of a point in ``to_out``'s shape (for comparing and auditing)."""
    flat = {k: point.get(k) for k in STORED_FIELDS if k in point}
    for kind in MEASURE_KINDS:
        flat[f"measure_{kind}"] = point["control_measures"][kind]
    return flat


async def point_row(actor: Actor, point_id: int) -> dict[str, Any]:
    condition = await enterprise_scope(actor)
    row = None
    if is_row_id(point_id):
        row = (
            await RiskPoint.select(*_columns())
            .where(
                RiskPoint.id == point_id,
                RiskPoint.enterprise.is_in(Enterprise.select(Enterprise.id).where(condition)),
            )
            .first()
            .run()
        )
    if row is None:
        raise NotFound("风险点不存在", object_type="risk_point")
    return to_out(row)


# ---------------------------------------------------------------- colour roll-up


async def refresh_colour(enterprise_id: int) -> tuple[str | None, str | None]:
    """Set the enterprise's colour to its worst active point's (call inside the write
    transaction of the change). Returns (before, after)."""
    colours = (
        await RiskPoint.select(RiskPoint.colour)
        .where(RiskPoint.enterprise == enterprise_id, RiskPoint.active.eq(True))
        .distinct()
        .run()
    )
    new = worst_colour([r["colour"] for r in colours])
    old = (
        await Enterprise.select(Enterprise.risk_colour)
        .where(Enterprise.id == enterprise_id)
        .first()
        .run()
    )["risk_colour"]
    if old != new:
        await (
            Enterprise.update({Enterprise.risk_colour: new})
            .where(Enterprise.id == enterprise_id)
            .run()
        )
    return old, new


# ---------------------------------------------------------------- reading


async def points_of(
    enterprise_id: int,
    colour: str | None = None,
    include_inactive: bool = False,
    limit: int | None = None,
    offset: int = 0,
) -> tuple[list[dict[str, Any]], int]:
    """A page of the points of an enterprise already in scope and their number, worst
    first: active ones first, by colour, by score (highest first), by name (in code-point
    order, as Python compares strings)."""
    conditions = [RiskPoint.enterprise == enterprise_id]
    if colour:
        conditions.append(RiskPoint.colour == _colour(colour))
    if not include_inactive:
        conditions.append(RiskPoint.active.eq(True))
    rank = Case(*(When(RiskPoint.colour == c, i) for i, c in enumerate(COLOURS)))
    query = (
        RiskPoint.select(*_columns())
        .where(*conditions)
        .order_by(RiskPoint.active, ascending=False)
        .order_by(rank)
        .order_by(RiskPoint.score, ascending=False)
        .order_by(codepoint_order(RiskPoint.name))
    )
    if limit is None:
        rows = await query.run()
        return [to_out(r) for r in rows], len(rows)
    rows = await query.limit(limit).offset(offset).run()
    return [to_out(r) for r in rows], await RiskPoint.count().where(*conditions).run()


async def list_points(
    actor: Actor,
    enterprise_id: int,
    colour: str | None = None,
    include_inactive: bool = False,
) -> list[dict[str, Any]]:
    """The enterprise's risk points, worst first (by score within a colour)."""
    await enterprise_row(actor, enterprise_id)
    return (await points_of(enterprise_id, colour, include_inactive))[0]


def _colour(value: str) -> str:
    if value not in COLOURS:
        raise ValidationFailed.field("colour", "colour 须为 red/orange/yellow/blue")
    return value


async def distribution(actor: Actor, enterprise_id: int) -> dict[str, Any]:
    """四色分布 of the enterprise's active points: counts per colour, and per colour ×
    control tier (SQL GROUP BY)."""
    await enterprise_row(actor, enterprise_id)
    return await spread_of(enterprise_id)


async def spread_of(enterprise_id: int) -> dict[str, Any]:
    """``distribution`` of an enterprise already in scope."""
    rows = (
        await RiskPoint.select(RiskPoint.colour, RiskPoint.control_tier, Count(alias="n"))
        .where(RiskPoint.enterprise == enterprise_id, RiskPoint.active.eq(True))
        .group_by(RiskPoint.colour, RiskPoint.control_tier)
        .run()
    )
    by_colour = {c: 0 for c in COLOURS}
    cells: dict[tuple[str, str], int] = {}
    for r in rows:
        by_colour[r["colour"]] = by_colour.get(r["colour"], 0) + r["n"]
        cells[(r["colour"], r["control_tier"])] = r["n"]
    return {"by_colour": by_colour, "cells": cells, "total": sum(by_colour.values())}


# ---------------------------------------------------------------- writing


def _invalid(errors: list[dict[str, str]]) -> ValidationFailed:
    return ValidationFailed("风险点信息有误", errors)


async def _refuse_duplicate(enterprise_id: int, name: str, except_id: int | None = None) -> None:
    query = RiskPoint.exists().where(RiskPoint.enterprise == enterprise_id, RiskPoint.name == name)
    if except_id is not None:
        query = query.where(RiskPoint.id != except_id)
    if await query.run():
        raise Conflict(
            f"该企业已有名为“{name}”的风险点",
            [{"key": "name", "message": "该企业已有同名风险点"}],
        )


def db_values(fields: dict[str, Any]) -> dict[str, Any]:
    out = {k: v for k, v in fields.items() if k in STORED_FIELDS}
    if "accident_types" in out:
        out["accident_types"] = json.dumps(out["accident_types"], ensure_ascii=False)
    return out


def audit_of(fields: dict[str, Any]) -> dict[str, Any]:
    return {
        k: (v.isoformat() if isinstance(v, dt.date) else v)
        for k, v in fields.items()
        if k in STORED_FIELDS
    }


async def create_point(actor: Actor, enterprise_id: int, data: dict[str, Any]) -> dict[str, Any]:
    """A new risk point, graded with the bands in force; 400 naming each bad field (a
    value off its scale, a 重大风险 not at company level or without a person); 409 for a
    name the enterprise has already."""
    await enterprise_row(actor, enterprise_id)
    lec, ls = bands()
    cleaned = clean_point(data, base=None, lec_bands=lec, ls_bands=ls)
    if cleaned.errors:
        raise _invalid(cleaned.errors)
    fields = cleaned.fields
    async with write_transaction():
        await _refuse_duplicate(enterprise_id, fields["name"])
        point = RiskPoint(enterprise=enterprise_id, created_by=actor.user_id, **db_values(fields))
        await point.save().run()
        before, after = await refresh_colour(enterprise_id)
        await audit.record(
            actor,
            "risk_point.create",
            "risk_point",
            point.id,
            after={**audit_of(fields), "enterprise": enterprise_id}
            | ({"enterprise_colour": after} if before != after else {}),
        )
    return await point_row(actor, point.id)


async def update_point(
    actor: Actor, point_id: int, data: dict[str, Any], version: int
) -> dict[str, Any]:
    """Change the given fields and re-grade (the bands in force); ``version`` must be the
    current one (else 409, nothing changed). ``active: false`` retires a point (it no
    longer counts toward the enterprise's colour)."""
    current = await point_row(actor, point_id)
    base = stored_of(current)
    lec, ls = bands()
    cleaned = clean_point(data, base=base, lec_bands=lec, ls_bands=ls)
    if cleaned.errors:
        raise _invalid(cleaned.errors)
    if version != current["version"]:
        raise _stale(current["version"])
    changes = {k: v for k, v in cleaned.fields.items() if base.get(k) != v}
    if not changes:
        return current
    enterprise_id = current["enterprise_id"]
    async with write_transaction():
        if "name" in changes:
            await _refuse_duplicate(enterprise_id, changes["name"], except_id=point_id)
        values: dict[Any, Any] = {getattr(RiskPoint, k): v for k, v in db_values(changes).items()}
        values[RiskPoint.version] = version + 1
        values[RiskPoint.updated_at] = dt.datetime.now(dt.UTC)
        done = (
            await RiskPoint.update(values)
            .where(RiskPoint.id == point_id, RiskPoint.version == version)
            .returning(RiskPoint.id)
            .run()
        )
        if not done:
            raise _stale(None)
        old_colour, new_colour = await refresh_colour(enterprise_id)
        after = audit_of(changes)
        if old_colour != new_colour:
            after["enterprise_colour"] = new_colour
        await audit.record(
            actor,
            "risk_point.update",
            "risk_point",
            point_id,
            before=audit_of({k: base.get(k) for k in changes}),
            after=after,
        )
    return await point_row(actor, point_id)


def _stale(current_version: int | None) -> Conflict:
    return Conflict(
        "该风险点已被他人修改，请刷新后重试"
        if current_version is None
        else f"该风险点已被他人修改，请刷新后重试，当前版本 {current_version}",
        [{"key": "version", "message": "版本已过期"}],
    )


# ---------------------------------------------------------------- export


__all__ = [
    "INPUT_FIELDS",
    "MEASURE_FIELDS",
    "bands",
    "create_point",
    "distribution",
    "enterprise_row",
    "enterprise_scope",
    "list_points",
    "point_row",
    "points_of",
    "refresh_colour",
    "spread_of",
    "update_point",
]
