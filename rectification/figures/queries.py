"""The statements behind the figures' services (``rectification.figures.service``) and
the campaign's chart series (``rectification.figures.series``): the day as of which they
count, the officer's scope (a campaign in their subtree, the org units under a unit) and
the one-statement SQL of the counts, built from ``rectification.figures.definitions``."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from piccolo.query import SelectRaw
from piccolo.querystring import QueryString

from rectification.figures import definitions as d
from safety.actors import Actor
from safety.db import is_sqlite
from safety.errors import NotFound, ValidationFailed
from safety.settings import get_settings, local_today
from safety.tables import OrgUnit, Role

# ---------------------------------------------------------------- per-row aggregates
# Kept SQL for the lists of other modules (docs/dev/sql.md): a correlated aggregate per
# row of a Piccolo select, which the query builder cannot say, in one statement.


def inspection_hazard_count() -> SelectRaw:
    """A column ``hazards`` of a select over ``inspection``: its hazards, voided ones left
    out (the records list; the count the walk shows)."""
    return SelectRaw(
        "(SELECT COUNT(*) FROM hazard hz WHERE hz.inspection = inspection.id"
        " AND hz.status <> 'voided') AS hazards"
    )


# each hazard's latest evidence submission (NULL: none yet), over Piccolo's ``hazard``
_LATEST_SUBMISSION = (
    "(SELECT MAX(s.submitted_at) FROM evidence_submission s WHERE s.hazard = hazard.id)"
)


def latest_submission_order() -> tuple[QueryString, QueryString]:
    """Sort keys of a select over ``hazard``: those with no submission first, then by
    their latest submission, oldest first (the verification queue)."""
    return QueryString(f"{_LATEST_SUBMISSION} IS NOT NULL"), QueryString(_LATEST_SUBMISSION)


def make_as_of(as_of: dt.date | None) -> d.AsOf:
    day = as_of or local_today()
    if not d.FIRST_DAY <= day <= d.LAST_DAY:
        raise ValidationFailed.field("as_of", d.DAY_RANGE_MESSAGE)
    return d.AsOf.make(day, get_settings().timezone, is_sqlite())


async def raw_rows(sql: str) -> list[dict[str, Any]]:
    return await OrgUnit.raw(sql).run()


def safe_path(path: str) -> str:
    return path if re.fullmatch(r"/(\d+/)+", path or "") else ""


def in_subtree(path: str, column: str) -> str:
    """``column`` (an org unit id) lies in the subtree at ``path``."""
    if not safe_path(path):  # the path goes into the SQL text: digits and slashes only
        return "1 = 0"
    return f"{column} IN (SELECT ou.id FROM org_unit ou WHERE ou.path LIKE '{path}%')"


# ---------------------------------------------------------------- SQL builders


def counts_sql(
    where: str,
    asof: d.AsOf,
    group_by: str | None,
    by_source: bool = False,
    campaign_id: int | list[int] | None = None,
    units: str = "",
    extra: tuple[str, ...] = (),
) -> str:
    """ONE statement: per group key (and source, with ``by_source``) each hazard figure's
    count over the hazards matching ``where`` (over ``hazard`` and its joins), rows with
    ``part`` 'h'; for a campaign, UNION ALL the planned/inspected counts per group, rows
    with ``part`` 'e' (``units``: the org-unit ids in scope, as SQL; several campaigns'
    with ``group_by`` "campaign"); then the ``extra``
    parts (the scope check's row, say). Each hazard's status and deadline as of the day
    are computed once (a MATERIALIZED CTE: both engines would otherwise inline the
    correlated look-ups into every figure)."""
    key, label = d.group_key(group_by) if group_by else ("NULL", "NULL")
    source = "hazard.source" if by_source else "NULL"
    inner = (
        f"SELECT hazard.level AS level, hazard.rectified_on AS rectified_on,"
        f" {d.status_sql(asof)} AS st, {d.deadline_sql(asof)} AS eff,"
        f" {key} AS gkey, {label} AS glabel, {source} AS gsource"
        f" FROM hazard{d.hazard_joins(group_by)} WHERE {where}"
    )
    materialized = "" if asof.current else " MATERIALIZED"
    sums = ", ".join(
        f"SUM(CASE WHEN {d.figure_sql(f, asof, 's.st', 's.eff', 's')} THEN 1 ELSE 0 END) AS {f}"
        for f in d.FIGURES
    )
    sql = (
        f"WITH s AS{materialized} ({inner})"
        f" SELECT 'h' AS part, s.gkey AS gkey, MAX(s.glabel) AS glabel, s.gsource AS gsource,"
        f" {sums}, 0 AS planned, 0 AS inspected FROM s GROUP BY s.gkey, s.gsource"
    )
    parts = [sql]
    if campaign_id is not None:
        parts.append(plan_sql(asof, group_by, campaign_id, units, "e"))
    return " UNION ALL ".join([*parts, *extra])


ZEROS = ", ".join("0" for _ in d.FIGURES)


def plan_sql(
    asof: d.AsOf, group_by: str | None, campaign_id: int | list[int], units: str, part: str
) -> str:
    """A union part: planned and inspected enterprises per group (``part`` names it), of
    one campaign or several (grouped by ``campaign``)."""
    key, label = d.group_key(group_by, "ce") if group_by else ("NULL", "NULL")
    ids = [campaign_id] if isinstance(campaign_id, int) else sorted(set(campaign_id))
    # one campaign: its batch memberships and inspected set read once (the fast form);
    # several (grouped by campaign, which needs no batch join): per ``ce`` row
    one = int(ids[0]) if len(ids) == 1 else None
    inspected = d.inspected_sql(asof, one if one is not None else ids, "ce.enterprise")
    if one is None and group_by != "campaign":
        raise ValueError("several campaigns' planned enterprises are grouped by campaign")
    return (
        f"SELECT '{part}', {key}, MAX({label}), NULL, {ZEROS}, COUNT(DISTINCT e.id),"
        f" COUNT(DISTINCT CASE WHEN {inspected} THEN e.id END)"
        f" FROM campaign_enterprise ce{d.enterprise_joins(group_by, one or 0)}"
        f" WHERE ce.campaign IN ({', '.join(str(int(i)) for i in ids)})"
        f" AND e.org_unit IN {units}"
        + (f" GROUP BY {key}" if group_by else "")  # (PostgreSQL refuses GROUP BY NULL)
    )


def subtree_sql(unit_id: int, officer_unit_id: int) -> str:
    """SQL: the ids of the org units under ``unit_id`` (itself included), none unless it
    lies in the subtree of the officer's unit (one look-up inside the statement)."""
    return (
        "(SELECT ou.id FROM org_unit ou JOIN org_unit top ON top.id ="
        f" {int(unit_id)} JOIN org_unit me ON me.id = {int(officer_unit_id)}"
        " WHERE me.path <> '' AND top.path LIKE me.path || '%' AND ou.path LIKE top.path || '%')"
    )


async def subtree_units(unit_id: int, officer_unit_id: int) -> str:
    """The ids of ``subtree_sql`` read first and written into the statement as constants:
    given a look-up inside the statement, PostgreSQL cannot estimate how many hazards the
    subtree holds — it scanned all of a campaign's few (8–13x slower at a million
    hazards) and probed a street's 100,000 one by one through the enterprise index (3x)."""
    rows = await raw_rows(subtree_sql(unit_id, officer_unit_id)[1:-1])
    ids = sorted(int(r["id"]) for r in rows)
    return "(" + (", ".join(map(str, ids)) or "NULL") + ")"


# ---------------------------------------------------------------- scope and filters


async def campaign_and_path(actor: Actor, campaign_id: int) -> tuple[dict, str]:
    """The campaign if it lies in the officer's subtree (404 otherwise; 403 for other
    roles) and the officer's path, in one query."""
    actor.require(Role.officer)
    row = None
    if actor.org_unit_id is not None and 1 <= campaign_id <= 2**31 - 1:
        rows = await raw_rows(
            "SELECT c.id AS id, c.name AS name, u.path AS path FROM campaign c"
            f" JOIN org_unit u ON u.id = {int(actor.org_unit_id)}"
            f" WHERE c.id = {int(campaign_id)} AND c.org_unit IN"
            " (SELECT ou.id FROM org_unit ou WHERE ou.path LIKE u.path || '%')"
        )
        row = rows[0] if rows else None
    if row is None or not safe_path(row["path"]):
        raise NotFound("检查活动不存在")
    return row, row["path"]


def org_unit_where(
    units: str,
    found_from: dt.date | None,
    found_to: dt.date | None,
    source: str | None,
    asof: d.AsOf,
) -> str:
    parts = [f"e.org_unit IN {units}"]
    if found_from is not None:
        parts.append(f"hazard.found_on >= {asof.date(found_from)}")
    if found_to is not None:
        parts.append(f"hazard.found_on <= {asof.date(found_to)}")
    if source is not None:
        parts.append(f"hazard.source = '{source}'")
    return " AND ".join(parts)
