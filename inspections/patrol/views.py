"""Patrol report rows → the API's shape, and the lists (reads only). A list is one query
for the rows (grid, enterprise, reporter, triager and the hazard's status joined), one for
the photos of the whole page and, when asked, one count: never a query per row."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from inspections.patrol import rules
from inspections.patrol.scope import REPORT, report_condition, report_row
from inspections.patrol.tables import PatrolReport
from safety.actors import Actor
from safety.db import contains, subselect_column
from safety.errors import ValidationFailed
from safety.files import store as files
from safety.tables import OrgUnit

FIRST_DAY, LAST_DAY = dt.date(2000, 1, 1), dt.date(2999, 12, 31)


def columns() -> tuple:
    return (
        *PatrolReport.all_columns(),
        PatrolReport.org_unit.name.as_alias("org_unit_name"),
        PatrolReport.org_unit.parent.name.as_alias("community_name"),
        PatrolReport.enterprise.name.as_alias("enterprise_name"),
        PatrolReport.reported_by.display_name.as_alias("reported_by_name"),
        PatrolReport.triaged_by.display_name.as_alias("triaged_by_name"),
        PatrolReport.hazard.status.as_alias("hazard_status"),
        PatrolReport.hazard.deadline.as_alias("hazard_deadline"),
        PatrolReport.hazard.effective_deadline.as_alias("hazard_effective_deadline"),
    )


def out(row: dict, photos: list[dict]) -> dict:
    triage = None
    if row["triage_action"]:
        triage = {
            "action": row["triage_action"],
            "reason": row["triage_reason"],
            "to": row["triage_to"] or None,
            "by": row["triaged_by_name"],
            "at": row["triaged_at"],
            "duplicate_of": row["duplicate_of"],
        }
    # The deadline in force: an approved extension moves it (a row from before the
    # effective deadline was kept has only the original).
    effective = row.pop("hazard_effective_deadline") or row["hazard_deadline"]
    return {
        **row,
        "hazard_deadline": effective,
        "org_unit_id": row["org_unit"],
        "enterprise_id": row["enterprise"],
        "hazard_id": row["hazard"],
        "reported_by_name": row["reported_by_name"] or "",
        "photos": photos,
        "triage": triage,
    }


async def detail(report_id: int) -> dict:
    row = await PatrolReport.select(*columns()).where(PatrolReport.id == report_id).first().run()
    photos = await files.list_for(REPORT, [report_id])
    return out(row, photos[report_id])


async def get_report(actor: Actor, report_id: int) -> dict:
    """The report shape; 404 outside the actor's scope."""
    row = await report_row(actor, report_id)
    return await detail(row["id"])


@dataclass
class ReportFilter:
    status: str | None = None
    org_unit_id: int | None = None
    enterprise_id: int | None = None
    q: str | None = None
    reported_from: dt.date | None = None
    reported_to: dt.date | None = None
    # True: only reports linked as a duplicate (重复上报); False: none of them
    duplicate: bool | None = None


async def _conditions(actor: Actor, flt: ReportFilter) -> list[Any]:
    conditions = [await report_condition(actor)]
    if flt.status is not None and flt.status not in rules.STATUSES:
        raise ValidationFailed.field("status", "status 须为 " + " / ".join(rules.STATUSES))
    errors = [
        {"key": key, "message": "日期须在 2000-01-01 与 2999-12-31 之间"}
        for key, day in (("reported_from", flt.reported_from), ("reported_to", flt.reported_to))
        if day is not None and not FIRST_DAY <= day <= LAST_DAY
    ]
    if errors:
        raise ValidationFailed("筛选条件有误", errors)
    if flt.status is not None:
        conditions.append(PatrolReport.status == flt.status)
    if flt.duplicate is True:
        conditions.append(PatrolReport.triage_action == "duplicate")
    elif flt.duplicate is False:
        conditions.append(PatrolReport.triage_action != "duplicate")
    if flt.enterprise_id is not None:
        conditions.append(PatrolReport.enterprise == flt.enterprise_id)
    if flt.org_unit_id is not None:
        # ``path`` holds every ancestor id ("/1/4/17/"): the unit's subtree in one match.
        units = OrgUnit.select(OrgUnit.id).where(OrgUnit.path.like(f"%/{flt.org_unit_id}/%"))
        conditions.append(PatrolReport.org_unit.is_in(units))
    if flt.reported_from is not None:
        conditions.append(PatrolReport.reported_at >= _start_of(flt.reported_from))
    if flt.reported_to is not None:
        conditions.append(
            PatrolReport.reported_at < _start_of(flt.reported_to + dt.timedelta(days=1))
        )
    if flt.q and flt.q.strip():
        conditions.append(contains(flt.q, PatrolReport.description, PatrolReport.address))
    return conditions


def _start_of(day: dt.date) -> dt.datetime:
    """Midnight of ``day`` in the configured time zone, as an aware instant."""
    from safety.settings import local_midnight

    return local_midnight(day)


async def list_reports(
    actor: Actor,
    flt: ReportFilter,
    limit: int = 50,
    offset: int = 0,
    *,
    oldest_first: bool = False,
    with_total: bool = True,
) -> tuple[list[dict], int | None]:
    """Reports in the actor's scope (newest first; the triage queue oldest first) with
    their photos, and how many match: two queries — the count is a sub-select of the rows'
    own statement, computed once (a window count made PostgreSQL join every match before
    the limit: a street's triage queue took 300–600 ms at district scale, 50 ms so); a
    page past the end counts on its own. ``with_total=False``: no count."""
    conditions = await _conditions(actor, flt)
    count = PatrolReport.count()
    for condition in conditions:
        count = count.where(condition)
    extra = [subselect_column(count, "matched")] if with_total else []
    query = PatrolReport.select(*columns(), *extra)
    for condition in conditions:
        query = query.where(condition)
    rows = (
        await query.order_by(PatrolReport.reported_at, ascending=oldest_first)
        .order_by(PatrolReport.id, ascending=oldest_first)
        .limit(limit)
        .offset(offset)
        .run()
    )
    photos = await files.list_for(REPORT, [r["id"] for r in rows])
    total = None
    if with_total:
        total = rows[0]["matched"] if rows else (await count.run() if offset else 0)
        for r in rows:
            del r["matched"]
    return [out(r, photos[r["id"]]) for r in rows], total
