"""The records behind each patrol figure: the same period, subtree and group as
``inspections.patrol.figures``, narrowed by the figure's own predicate — so the list a
number opens has exactly that many rows. Two queries (count, page).

``hazards`` and ``closed`` count distinct hazards, so they list hazards (one row per
hazard, with the first report that made it); every other figure lists reports.
``median`` lists the triaged reports, quickest first, with their time to triage.
"""

from __future__ import annotations

import datetime as dt

from inspections.patrol import figures
from safety.actors import Actor
from safety.db import is_sqlite
from safety.errors import ValidationFailed
from safety.tables import OrgUnit

REPORT_FIGURES = {
    "reports": "1 = 1",
    "untriaged": "r.status = 'new'",
    "referred": "r.status = 'referred'",
    "dismissed": "r.status = 'dismissed'",
    "median": "r.triaged_at IS NOT NULL",
}
HAZARD_FIGURES = {
    "hazards": "h.status <> 'voided'",
    "closed": "h.status = 'closed'",
}
FIGURES = (*REPORT_FIGURES, *HAZARD_FIGURES)
GROUP_COLUMN = {"grid": "r.org_unit", "worker": "r.reported_by"}


def _as_date(value):
    return dt.date.fromisoformat(value) if isinstance(value, str) else value


def _as_time(value):
    return dt.datetime.fromisoformat(value) if isinstance(value, str) else value


async def figure_records(
    actor: Actor,
    figure: str,
    org_unit_id: int | None = None,
    date_from: dt.date | None = None,
    date_to: dt.date | None = None,
    group_by: str = "grid",
    key: int | None = None,
    limit: int = 50,
    offset: int = 0,
) -> dict:
    """{"kind": "reports"|"hazards", "items": [...], "total": N, ...the scope}."""
    errors = []
    if figure not in FIGURES:
        errors.append({"key": "figure", "message": "figure 须为 " + " / ".join(FIGURES)})
    if group_by not in GROUP_COLUMN:
        errors.append({"key": "group_by", "message": "group_by 须为 grid / worker"})
    if errors:
        raise ValidationFailed("统计项有误", errors)
    unit = await figures._scope(actor, org_unit_id)
    start, to = figures.period(date_from, date_to)
    window = [
        unit["path"] + "%",
        figures._instant(start),
        figures._instant(to + dt.timedelta(days=1)),
    ]
    where = figures._where()
    if key is not None:
        where += f" AND {GROUP_COLUMN[group_by]} = {{}}"
        window.append(key)
    run = OrgUnit.raw
    if figure in HAZARD_FIGURES:
        base = (
            "FROM patrol_report r JOIN hazard h ON h.id = r.hazard "
            f"WHERE {where} AND {HAZARD_FIGURES[figure]}"
        )
        total = await run(f"SELECT COUNT(DISTINCT h.id) AS n {base}", *window).run()
        rows = await run(
            "SELECT h.id AS hazard_id, h.status AS hazard_status, h.description, "
            "h.found_on, COALESCE(h.effective_deadline, h.deadline) AS deadline, "
            "e.name AS enterprise_name, MIN(r.id) AS report_id "
            f"{base.replace('WHERE', 'LEFT JOIN enterprise e ON e.id = h.enterprise WHERE', 1)} "
            "GROUP BY h.id, h.status, h.description, h.found_on, h.effective_deadline, "
            "h.deadline, e.name "
            "ORDER BY h.found_on DESC, h.id DESC LIMIT {} OFFSET {}",
            *window,
            limit,
            offset,
        ).run()
        for r in rows:
            r["found_on"], r["deadline"] = _as_date(r["found_on"]), _as_date(r["deadline"])
        kind = "hazards"
    else:
        duration = figures._duration_sql()
        order = f"{duration}, r.id" if figure == "median" else "r.reported_at DESC, r.id DESC"
        base = (
            "FROM patrol_report r JOIN org_unit u ON u.id = r.org_unit "
            "JOIN app_user w ON w.id = r.reported_by "
            "LEFT JOIN enterprise e ON e.id = r.enterprise "
            f"WHERE {where} AND {REPORT_FIGURES[figure]}"
        )
        total = await run(f"SELECT COUNT(*) AS n {base}", *window).run()
        seconds = f"{duration}" if is_sqlite() else f"({duration})::float8"
        rows = await run(
            "SELECT r.id, r.status, r.description, r.address, r.reported_at, r.triaged_at, "
            "r.hazard AS hazard_id, u.name AS grid_name, w.display_name AS worker_name, "
            f"e.name AS enterprise_name, CASE WHEN r.triaged_at IS NULL THEN NULL "
            f"ELSE {seconds} END AS triage_seconds {base} "
            f"ORDER BY {order} LIMIT {{}} OFFSET {{}}",
            *window,
            limit,
            offset,
        ).run()
        for r in rows:
            r["reported_at"], r["triaged_at"] = (
                _as_time(r["reported_at"]),
                _as_time(r["triaged_at"]),
            )
        kind = "reports"
    return {
        "kind": kind,
        "figure": figure,
        "items": rows,
        "total": total[0]["n"] if total else 0,
        "org_unit_id": unit["id"],
        "org_unit_name": unit["name"],
        "from": start,
        "to": to,
        "group_by": group_by,
        "key": key,
    }
