"""Reads of the inspection records: the history list (``GET /inspections``) and an
enterprise's 检查记录 (the registry's enterprise page). Scoped by
``inspections.services.scope.inspection_condition`` (an inspector: the inspections whose
group they are in; an officer: their area's; an enterprise contact: its own), and
bounded: the history runs at most 3 statements per page (the officer's area, the rows,
the count), the enterprise's records 3 (the area, the inspections, the rechecks),
whatever the number of rows (tests/inspections/test_history.py counts them)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from piccolo.query.functions.conditional import Case, When

from inspections.documents.issuer import is_own_recheck
from inspections.services.scope import inspection_condition
from inspections.tables import Inspection
from rectification.figures.queries import inspection_hazard_count
from rectification.records import rules
from rectification.tables import Verification
from safety.actors import Actor
from safety.db import contains
from safety.tables import Enterprise


@dataclass
class HistoryFilter:
    date_from: dt.date | None = None
    date_to: dt.date | None = None
    q: str | None = None  # enterprise name contains
    state: str | None = None
    enterprise_id: int | None = None


def _columns() -> tuple:
    return (
        Inspection.id,
        Inspection.kind,
        Inspection.state,
        Inspection.scheduled_on,
        Inspection.submitted_at,
        Inspection.enterprise.as_alias("enterprise_id"),
        Inspection.enterprise.name.as_alias("enterprise_name"),
        Inspection.campaign.as_alias("campaign_id"),
        Inspection.campaign.name.as_alias("campaign_name"),
        inspection_hazard_count(),
    )


def _out(row: dict) -> dict:
    return {
        **row,
        "hazards": int(row["hazards"] or 0),
        "documents": rules.has_documents(row["state"]),
    }


async def _conditions(actor: Actor, flt: HistoryFilter) -> list[Any]:
    conditions: list[Any] = [await inspection_condition(actor)]
    if flt.date_from is not None:
        conditions.append(Inspection.scheduled_on >= flt.date_from)
    if flt.date_to is not None:
        conditions.append(Inspection.scheduled_on <= flt.date_to)
    if flt.state:
        conditions.append(Inspection.state == flt.state)
    if flt.enterprise_id is not None:
        conditions.append(Inspection.enterprise == flt.enterprise_id)
    if flt.q and flt.q.strip():
        named = Enterprise.select(Enterprise.id).where(contains(flt.q, Enterprise.name))
        conditions.append(Inspection.enterprise.is_in(named))
    return conditions


# The records first, newest day first; then the visits still 已安排 (planned), the next
# one first: an inspector opens the history for what was done, the agenda is elsewhere.
_PLANNED_LAST = Case(When(Inspection.state == "planned", 1), default=0)
_PLANNED_DAY = Case(When(Inspection.state == "planned", Inspection.scheduled_on))


async def _rows(conditions: list[Any], limit: int, offset: int) -> list[dict]:
    query = Inspection.select(*_columns())
    for condition in conditions:
        query = query.where(condition)
    rows = (
        await query.order_by(_PLANNED_LAST)
        .order_by(_PLANNED_DAY)
        .order_by(Inspection.scheduled_on, ascending=False)
        .order_by(Inspection.id, ascending=False)
        .limit(limit)
        .offset(offset)
        .run()
    )
    return [_out(r) for r in rows]


async def latest(actor: Actor, flt: HistoryFilter, limit: int) -> list[dict]:
    """The first ``limit`` records matching ``flt``, in the history's order: one statement
    (the enterprise's home lists its 5 latest submitted inspections with it)."""
    return await _rows(await _conditions(actor, flt), limit, 0)


async def history(
    actor: Actor, flt: HistoryFilter, limit: int = rules.PAGE_SIZE, offset: int = 0
) -> tuple[list[dict], int]:
    """The inspections in the actor's scope matching ``flt`` (the records newest day
    first, then the planned ones soonest first; ties: the latest created first), and how
    many match."""
    conditions = await _conditions(actor, flt)
    count = Inspection.count()
    for condition in conditions:
        count = count.where(condition)
    return await _rows(conditions, limit, offset), await count.run()


async def enterprise_records(
    actor: Actor, enterprise_id: int, limit: int = rules.RECORDS_LIMIT
) -> dict:
    """The enterprise's inspections (campaign and self) the actor may see, in the
    history's order, each with the recheck opinions of its closed hazards; ``more`` when
    some were left off."""
    conditions = await _conditions(actor, HistoryFilter(enterprise_id=enterprise_id))
    rows = await _rows(conditions, limit + 1, 0)
    more, rows = len(rows) > limit, rows[:limit]
    ids = [r["id"] for r in rows]
    rechecks: dict[int, dict[int, dict]] = {}
    if ids:
        verifications = (
            await Verification.select(
                Verification.hazard.as_alias("hazard_id"),
                Verification.hazard.inspection.as_alias("inspection_id"),
                Verification.hazard.description.as_alias("description"),
                Verification.hazard.source.as_alias("source"),
                Verification.verified_by.role.as_alias("by_role"),
            )
            .where(
                Verification.hazard.inspection.is_in(ids),
                Verification.hazard.status == "closed",
            )
            .order_by(Verification.verified_at)
            .order_by(Verification.id)
            .run()
        )
        for v in verifications:  # the latest verification of each hazard is its recheck
            rechecks.setdefault(v["inspection_id"], {})[v["hazard_id"]] = {
                "id": v["hazard_id"],
                "description": v["description"],
                "own": is_own_recheck(v["source"], v["by_role"]),
            }
    return {
        "rows": [
            {**r, "rechecks": sorted(rechecks.get(r["id"], {}).values(), key=lambda h: h["id"])}
            for r in rows
        ],
        "more": more,
        "limit": limit,
    }
