"""Patrol figures (网格巡查统计): per grid and per grid worker — reports, the hazards made
from them, how many of those are closed, reports referred (转办) and dismissed, reports
still untriaged, the median time to triage — and the patrol logs kept and enterprises
visited. SQL aggregation in a constant number of queries (six whatever the size; a seventh
when a worker counted here has since moved elsewhere).

Definitions (decided here; the product rules' figures rule — hazards ``voided`` are left out):
- the reports counted are those reported in [from, to] (local dates, configured time
  zone) in a grid of the org unit's subtree; per worker, by ``reported_by``;
- ``reports``: those reports; ``untriaged``: of them, status ``new``;
- ``hazards``: distinct hazards (not voided) made from them; ``closed``: of those, closed;
- ``referred`` / ``dismissed``: reports with that status;
- ``median_triage_seconds``: the exact median of ``triaged_at − reported_at`` over the
  triaged reports (null when none): ``percentile_cont(0.5)`` on PostgreSQL; on SQLite
  the middle row (or the mean of the two middle rows) by ``ROW_NUMBER()`` over the
  ordered durations — the same number;
- ``logs`` / ``visits``: patrol logs whose day is in [from, to], and their visits.
"""

from __future__ import annotations

import datetime as dt

from inspections.patrol.logs import units_of
from inspections.services.scope import is_row_id
from safety.actors import Actor
from safety.db import is_sqlite
from safety.errors import NotFound, ValidationFailed
from safety.settings import local_midnight, local_today
from safety.tables import OrgUnit, Role

GROUPS = {"grid": ("r.org_unit", "l.org_unit"), "worker": ("r.reported_by", "l.worker")}
COUNTS = ("reports", "untriaged", "hazards", "closed", "referred", "dismissed")
DEFAULT_DAYS = 30


def _instant(day: dt.date) -> dt.datetime:
    """Local midnight starting ``day``, as UTC."""
    return local_midnight(day).astimezone(dt.UTC)


def _duration_sql() -> str:
    if is_sqlite():
        return "(julianday(r.triaged_at) - julianday(r.reported_at)) * 86400.0"
    return "EXTRACT(EPOCH FROM (r.triaged_at - r.reported_at))"


def _where(alias: str = "r") -> str:
    return (
        f"{alias}.org_unit IN (SELECT id FROM org_unit WHERE path LIKE {{}}) "
        f"AND {alias}.reported_at >= {{}} AND {alias}.reported_at < {{}}"
    )


def _counts_sql(key: str | None) -> str:
    select_key = f"{key} AS key" if key else "NULL AS key"
    group = f" GROUP BY {key}" if key else ""
    return (
        f"SELECT {select_key}, COUNT(*) AS reports, "
        "SUM(CASE WHEN r.status = 'new' THEN 1 ELSE 0 END) AS untriaged, "
        "COUNT(DISTINCT CASE WHEN h.status <> 'voided' THEN h.id END) AS hazards, "
        "COUNT(DISTINCT CASE WHEN h.status = 'closed' THEN h.id END) AS closed, "
        "SUM(CASE WHEN r.status = 'referred' THEN 1 ELSE 0 END) AS referred, "
        "SUM(CASE WHEN r.status = 'dismissed' THEN 1 ELSE 0 END) AS dismissed "
        f"FROM patrol_report r LEFT JOIN hazard h ON h.id = r.hazard WHERE {_where()}{group}"
    )


def _median_sql(key: str | None) -> str:
    """The exact median per group (or of everything, ``key`` None)."""
    duration = _duration_sql()
    triaged = f"{_where()} AND r.triaged_at IS NOT NULL"
    if not is_sqlite():
        select_key = f"{key} AS key" if key else "NULL AS key"
        group = f" GROUP BY {key}" if key else ""
        return (
            f"SELECT {select_key}, percentile_cont(0.5) "
            f"WITHIN GROUP (ORDER BY ({duration})::float8) AS median "
            f"FROM patrol_report r WHERE {triaged}{group}"
        )
    part = f"PARTITION BY {key} " if key else ""
    select_key = f"{key} AS key" if key else "NULL AS key"
    return (
        "SELECT key, AVG(s) AS median FROM ("
        f"SELECT {select_key}, {duration} AS s, "
        f"ROW_NUMBER() OVER ({part}ORDER BY {duration}, r.id) AS rn, "
        f"COUNT(*) OVER ({part or ''}) AS n "
        f"FROM patrol_report r WHERE {triaged}"
        ") AS d WHERE rn IN ((n + 1) / 2, (n + 2) / 2) GROUP BY key"
    )


def _logs_sql(key: str) -> str:
    return (
        f"SELECT {key} AS key, COUNT(DISTINCT l.id) AS logs, COUNT(v.id) AS visits "
        "FROM patrol_log l LEFT JOIN patrol_log_visit v ON v.log = l.id "
        "WHERE l.org_unit IN (SELECT id FROM org_unit WHERE path LIKE {}) "
        f"AND l.day >= {{}} AND l.day <= {{}} GROUP BY {key}"
    )


def _labels_sql(group: str) -> str:
    if group == "grid":
        return (
            "SELECT u.id AS key, u.name AS label, p.name AS parent FROM org_unit u "
            "LEFT JOIN org_unit p ON p.id = u.parent WHERE u.kind = 'grid' AND u.path LIKE {}"
        )
    return (
        "SELECT w.id AS key, w.display_name AS label, u.name AS parent FROM app_user w "
        "JOIN org_unit u ON u.id = w.org_unit WHERE w.role = 'grid_worker' AND u.path LIKE {}"
    )


async def _missing_workers(keys: set[int]) -> list[dict]:
    """Workers who reported or logged here but belong elsewhere now (moved): one query,
    and only when there are any."""
    from safety.tables import User

    if not keys:
        return []
    return await (
        User.select(
            User.id.as_alias("key"),
            User.display_name.as_alias("label"),
            User.org_unit.name.as_alias("parent"),
        )
        .where(User.id.is_in(sorted(keys)))
        .run()
    )


async def _scope(actor: Actor, org_unit_id: int | None) -> dict:
    actor.require(Role.officer)
    units = await units_of(actor)
    unit_id = actor.org_unit_id if org_unit_id is None else org_unit_id
    row = None
    if units is not None and unit_id is not None and is_row_id(unit_id):
        row = (
            await OrgUnit.select(OrgUnit.id, OrgUnit.name, OrgUnit.path)
            .where(OrgUnit.id == unit_id, OrgUnit.id.is_in(units))
            .first()
            .run()
        )
    if row is None:
        raise NotFound("单位不存在", object_type="org_unit")
    return row


# Dates at the calendar's edges (to=9999-12-31, the next day being computed) are clamped,
# never overflowed.
FIRST_DAY, LAST_DAY = dt.date(1900, 1, 1), dt.date(9999, 12, 30)


def _clamp(day: dt.date) -> dt.date:
    return min(max(day, FIRST_DAY + dt.timedelta(days=DEFAULT_DAYS)), LAST_DAY)


def period(date_from: dt.date | None, date_to: dt.date | None) -> tuple[dt.date, dt.date]:
    """The period (default: the last 30 days up to today, local); from after to is a 400."""
    to = _clamp(date_to or local_today())
    start = _clamp(date_from or to - dt.timedelta(days=DEFAULT_DAYS - 1))
    if start > to:
        raise ValidationFailed.field("from", "from 晚于 to")
    return start, to


def _row(raw: dict | None, median: float | None, logs: dict | None) -> dict:
    raw = raw or {}
    out = {k: int(raw.get(k) or 0) for k in COUNTS}
    out["median_triage_seconds"] = None if median is None else round(float(median))
    out["logs"] = int((logs or {}).get("logs") or 0)
    out["visits"] = int((logs or {}).get("visits") or 0)
    return out


async def patrol_figures(
    actor: Actor,
    org_unit_id: int | None = None,
    date_from: dt.date | None = None,
    date_to: dt.date | None = None,
    group_by: str = "grid",
) -> dict:
    """The figures of the subtree of ``org_unit_id`` (default: the officer's own unit),
    grouped by ``grid`` or ``worker``, with the totals."""
    if group_by not in GROUPS:
        raise ValidationFailed.field("group_by", "group_by 须为 grid / worker")
    unit = await _scope(actor, org_unit_id)
    start, to = period(date_from, date_to)
    like = unit["path"] + "%"
    window = (like, _instant(start), _instant(to + dt.timedelta(days=1)))
    key, log_key = GROUPS[group_by]
    run = OrgUnit.raw
    counts = {r["key"]: r for r in await run(_counts_sql(key), *window).run()}
    medians = {r["key"]: r["median"] for r in await run(_median_sql(key), *window).run()}
    totals = await run(_counts_sql(None), *window).run()
    total_median = await run(_median_sql(None), *window).run()
    logs = {r["key"]: r for r in await run(_logs_sql(log_key), like, start, to).run()}
    labels = await run(_labels_sql(group_by), like).run()
    if group_by == "worker":
        known = {lab["key"] for lab in labels}
        labels += await _missing_workers((set(counts) | set(logs)) - known - {None})
    groups = []
    for lab in labels:
        k = lab["key"]
        groups.append(
            {
                "key": k,
                "label": lab["label"] or "",
                "parent": lab["parent"] or "",
                **_row(counts.get(k), medians.get(k), logs.get(k)),
            }
        )
    groups.sort(key=lambda g: (-g["reports"], g["parent"], g["label"], g["key"]))
    log_totals = {
        "logs": sum(g["logs"] for g in groups),
        "visits": sum(g["visits"] for g in groups),
    }
    return {
        "org_unit_id": unit["id"],
        "org_unit_name": unit["name"],
        "from": start,
        "to": to,
        "group_by": group_by,
        "totals": _row(
            totals[0] if totals else None,
            total_median[0]["median"] if total_median else None,
            log_totals,
        ),
        "groups": groups,
    }
