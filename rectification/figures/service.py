"""The figures as services: a campaign's, an org unit's, and the enterprises behind a
campaign's planned/inspected counts. A constant number of queries whatever the size: one
GROUP BY over the hazards, one over the planned enterprises (campaigns), plus the scope
look-ups. The predicates come from ``rectification.figures.definitions``."""

from __future__ import annotations

import datetime as dt
import re
from fractions import Fraction
from typing import Any

from rectification.figures import definitions as d
from safety.auth import Actor
from safety.db import is_sqlite
from safety.errors import NotFound, ValidationFailed
from safety.registry.rules import INDUSTRY_SECTIONS
from safety.settings import get_settings, local_today
from safety.tables import OrgUnit, Role

SOURCE_LABELS = {"inspection": "检查发现", "self_report": "企业自查", "patrol": "网格巡查"}
NONE_LABEL = "(无)"

# numerator and denominator of each rate, by figure name
RATES = {
    "inspection_completion_rate": ("enterprises_inspected", "enterprises_planned"),
    "rectification_rate": ("hazards_closed", "hazards_found"),
    "major_rectification_rate": ("hazards_major_closed", "hazards_major"),
    "general_rectification_rate": ("hazards_general_closed", "hazards_general"),
    "on_time_rate": ("hazards_closed_on_time", "hazards_closed"),
}
_HAZARD_COUNTS = {
    "hazards_found": "found",
    "hazards_major": "major",
    "hazards_general": "general",
    "hazards_closed": "closed",
    "hazards_major_closed": "major_closed",
    "hazards_general_closed": "general_closed",
    "hazards_closed_on_time": "on_time",
    "hazards_overdue": "overdue",
    "hazards_open": "open",
}


def rate(numerator: int, denominator: int) -> float | None:
    """An exact fraction as a float; None (shown "—") for a zero denominator."""
    return None if not denominator else float(Fraction(numerator, denominator))


def make_as_of(as_of: dt.date | None) -> d.AsOf:
    day = as_of or local_today()
    if not d.FIRST_DAY <= day <= d.LAST_DAY:
        raise ValidationFailed.field("as_of", d.DAY_RANGE_MESSAGE)
    return d.AsOf.make(day, get_settings().timezone, is_sqlite())


def check_group_by(group_by: str | None, allowed: tuple[str, ...] = d.GROUPS) -> None:
    if group_by is not None and group_by not in allowed:
        raise ValidationFailed.field("group_by", "group_by 须为 " + " / ".join(allowed))


async def _raw(sql: str) -> list[dict[str, Any]]:
    return await OrgUnit.raw(sql).run()


def _safe_path(path: str) -> str:
    return path if re.fullmatch(r"/(\d+/)+", path or "") else ""


def _in_subtree(path: str, column: str) -> str:
    """``column`` (an org unit id) lies in the subtree at ``path``."""
    if not path:
        return "1 = 0"
    return f"{column} IN (SELECT ou.id FROM org_unit ou WHERE ou.path LIKE '{path}%')"


# ---------------------------------------------------------------- SQL builders


def counts_sql(
    where: str,
    asof: d.AsOf,
    group_by: str | None,
    by_source: bool = False,
    campaign_id: int | None = None,
    units: str = "",
    extra: tuple[str, ...] = (),
) -> str:
    """ONE statement: per group key (and source, with ``by_source``) each hazard figure's
    count over the hazards matching ``where`` (over ``hazard`` and its joins), rows with
    ``part`` 'h'; for a campaign, UNION ALL the planned/inspected counts per group, rows
    with ``part`` 'e' (``units``: the org-unit ids in scope, as SQL); then the ``extra``
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


def plan_sql(asof: d.AsOf, group_by: str | None, campaign_id: int, units: str, part: str) -> str:
    """A union part: planned and inspected enterprises per group (``part`` names it)."""
    key, label = d.group_key(group_by) if group_by else ("NULL", "NULL")
    inspected = d.inspected_sql(asof, campaign_id, "ce.enterprise")
    return (
        f"SELECT '{part}', {key}, MAX({label}), NULL, {ZEROS}, COUNT(DISTINCT e.id),"
        f" COUNT(DISTINCT CASE WHEN {inspected} THEN e.id END)"
        f" FROM campaign_enterprise ce{d.enterprise_joins(group_by, campaign_id)}"
        f" WHERE ce.campaign = {int(campaign_id)} AND e.org_unit IN {units}"
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
    rows = await _raw(subtree_sql(unit_id, officer_unit_id)[1:-1])
    ids = sorted(int(r["id"]) for r in rows)
    return "(" + (", ".join(map(str, ids)) or "NULL") + ")"


def _merge(rows: list[dict], column: str) -> list[dict]:
    """Add up result rows (per group and source) by ``column`` (gkey or gsource)."""
    out: dict[Any, dict] = {}
    for r in rows:
        k = r[column]
        into = out.setdefault(k, {"gkey": k, "glabel": r["glabel"] if column == "gkey" else k})
        for f in (*d.FIGURES, "planned", "inspected"):
            into[f] = into.get(f, 0) + int(r.get(f) or 0)
    return list(out.values())


# ---------------------------------------------------------------- shaping


def _hazard_figures(row: dict | None) -> dict[str, Any]:
    row = row or {}
    return {name: int(row.get(col) or 0) for name, col in _HAZARD_COUNTS.items()}


def _with_rates(figures: dict[str, Any]) -> dict[str, Any]:
    out = dict(figures)
    fractions = {}
    for name, (num, den) in RATES.items():
        if num in figures and den in figures:
            out[name] = rate(figures[num], figures[den])
            fractions[name] = {"numerator": figures[num], "denominator": figures[den]}
    out["fractions"] = fractions
    return out


def _label(group_by: str, key: Any, label: Any) -> str:
    if key is None:
        return NONE_LABEL
    if group_by == "industry":
        return f"{key} {INDUSTRY_SECTIONS.get(str(key), '')}".strip()
    if group_by == "source":
        return SOURCE_LABELS.get(str(key), str(key))
    return str(label) if label is not None else str(key)


def _key(value: Any) -> Any:
    if value is None or isinstance(value, str):
        return value
    return int(value)


def _sort_key(group: dict) -> tuple:
    key = group["key"]
    text = str(key) if isinstance(key, str) else ""
    return (key is None, text, key if isinstance(key, int) else 0)


def _groups(
    group_by: str, hazard_rows: list[dict], enterprise_rows: list[dict] | None
) -> list[dict]:
    by_key: dict[Any, dict] = {}
    for r in hazard_rows:
        k = _key(r["gkey"])
        by_key.setdefault(k, {"key": k, "label": _label(group_by, k, r["glabel"])})
        by_key[k].update(_hazard_figures(r))
    for r in enterprise_rows or []:
        k = _key(r["gkey"])
        by_key.setdefault(k, {"key": k, "label": _label(group_by, k, r["glabel"])})
        by_key[k]["enterprises_planned"] = int(r["planned"] or 0)
        by_key[k]["enterprises_inspected"] = int(r["inspected"] or 0)
    groups = []
    for g in by_key.values():
        figures = {**_hazard_figures(None), **g}
        if enterprise_rows is not None:
            figures.setdefault("enterprises_planned", 0)
            figures.setdefault("enterprises_inspected", 0)
        groups.append(_with_rates(figures))
    return sorted(groups, key=_sort_key)


def _sum(rows: list[dict], columns: tuple[str, ...]) -> dict[str, int]:
    return {c: sum(int(r[c] or 0) for r in rows) for c in columns}


# ---------------------------------------------------------------- services


async def _campaign_and_path(actor: Actor, campaign_id: int) -> tuple[dict, str]:
    """The campaign if it lies in the officer's subtree (404 otherwise; 403 for other
    roles) and the officer's path, in one query."""
    actor.require(Role.officer)
    row = None
    if actor.org_unit_id is not None and 1 <= campaign_id <= 2**31 - 1:
        rows = await _raw(
            "SELECT c.id AS id, c.name AS name, u.path AS path FROM campaign c"
            f" JOIN org_unit u ON u.id = {int(actor.org_unit_id)}"
            f" WHERE c.id = {int(campaign_id)} AND c.org_unit IN"
            " (SELECT ou.id FROM org_unit ou WHERE ou.path LIKE u.path || '%')"
        )
        row = rows[0] if rows else None
    if row is None or not _safe_path(row["path"]):
        raise NotFound("检查活动不存在 (campaign not found)")
    return row, row["path"]


async def campaign_stats(
    actor: Actor,
    campaign_id: int,
    as_of: dt.date | None = None,
    group_by: str | None = None,
) -> dict[str, Any]:
    """The campaign's figures as of ``as_of`` (default today in the configured zone), over
    the enterprises of the officer's subtree; ``group_by`` adds ``groups``. 404 outside
    the officer's scope, 403 for other roles."""
    check_group_by(group_by)
    actor.require(Role.officer)
    if actor.org_unit_id is None or not 1 <= campaign_id <= 2**31 - 1:
        raise NotFound("检查活动不存在 (campaign not found)")
    asof = make_as_of(as_of)
    units = await subtree_units(actor.org_unit_id, actor.org_unit_id)
    where = f"hazard.campaign = {int(campaign_id)} AND e.org_unit IN {units}"
    # the scope check rides along: the campaign's row only if it lies in the subtree
    check = (
        f"SELECT 'c', NULL, c.name, NULL, {ZEROS}, c.id, 0 FROM campaign c"
        f" WHERE c.id = {int(campaign_id)} AND c.org_unit IN {units}"
    )
    extra = [check]
    if group_by in ("batch", "agency"):  # a planned enterprise may sit in two batches
        extra.append(plan_sql(asof, None, campaign_id, units, "t"))
    sql = counts_sql(where, asof, group_by, campaign_id=campaign_id, units=units, extra=extra)
    rows = await _raw(sql)
    found = [r for r in rows if r["part"] == "c"]
    if not found:
        raise NotFound("检查活动不存在 (campaign not found)")
    # (the id rides in an integer column: the key's type varies with the breakdown)
    campaign = {"id": int(found[0]["planned"]), "name": found[0]["glabel"]}
    hazard_rows = [r for r in rows if r["part"] == "h"]
    enterprise_rows = [r for r in rows if r["part"] == "e"]
    totals = _sum(hazard_rows, d.FIGURES)
    plan_part = "t" if group_by in ("batch", "agency") else "e"
    planned = _sum([r for r in rows if r["part"] == plan_part], ("planned", "inspected"))
    figures = {
        "enterprises_planned": planned["planned"],
        "enterprises_inspected": planned["inspected"],
        **_hazard_figures(totals),
    }
    out: dict[str, Any] = {
        "campaign_id": campaign["id"],
        "campaign_name": campaign["name"],
        "as_of": asof.day,
        **_with_rates(figures),
    }
    if group_by:
        out["group_by"] = group_by
        out["groups"] = _groups(group_by, hazard_rows, enterprise_rows)
    return out


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


async def org_unit_stats(
    actor: Actor,
    org_unit_id: int,
    found_from: dt.date | None = None,
    found_to: dt.date | None = None,
    source: str | None = None,
    group_by: str | None = None,
    as_of: dt.date | None = None,
) -> dict[str, Any]:
    """The hazard figures of an org unit's subtree over all campaigns and sources (found
    between ``found_from`` and ``found_to``), as of ``as_of``; ``by_source`` always,
    ``groups`` with ``group_by`` (also ``source``). 404 outside the officer's subtree."""
    errors = []
    if group_by is not None and group_by not in d.ORG_GROUPS:
        errors.append({"key": "group_by", "message": "group_by 须为 " + " / ".join(d.ORG_GROUPS)})
    if source is not None and source not in SOURCE_LABELS:
        errors.append({"key": "source", "message": "source 须为 " + " / ".join(SOURCE_LABELS)})
    if found_from and found_to and found_to < found_from:
        errors.append({"key": "to", "message": "结束日期不能早于开始日期"})
    if errors:
        raise ValidationFailed("统计条件有误 (invalid figures request)", errors)
    actor.require(Role.officer)
    if actor.org_unit_id is None or not 1 <= org_unit_id <= 2**31 - 1:
        raise NotFound("组织单元不存在 (org unit not found)")
    asof = make_as_of(as_of)
    units = await subtree_units(org_unit_id, actor.org_unit_id)
    where = org_unit_where(units, found_from, found_to, source, asof)
    check = (
        f"SELECT 'u', NULL, top.name, NULL, {ZEROS}, top.id, 0 FROM org_unit top"
        f" JOIN org_unit me ON me.id = {int(actor.org_unit_id)} WHERE top.id = {int(org_unit_id)}"
        " AND me.path <> '' AND top.path LIKE me.path || '%'"
    )
    grouping = None if group_by == "source" else group_by
    all_rows = await _raw(counts_sql(where, asof, grouping, True, extra=(check,)))
    found = [r for r in all_rows if r["part"] == "u"]
    if not found:
        raise NotFound("组织单元不存在 (org unit not found)")
    unit = {"id": int(found[0]["planned"]), "name": found[0]["glabel"]}
    rows = [r for r in all_rows if r["part"] == "h"]
    by_source = _merge(rows, "gsource")
    out: dict[str, Any] = {
        "org_unit_id": unit["id"],
        "org_unit_name": unit["name"],
        "as_of": asof.day,
        "found_from": found_from,
        "found_to": found_to,
        "source": source,
        **_with_rates(_hazard_figures(_sum(rows, d.FIGURES))),
        "by_source": _groups("source", by_source, None),
    }
    if group_by == "source":
        out["group_by"], out["groups"] = group_by, out["by_source"]
    elif group_by:
        out["group_by"], out["groups"] = group_by, _groups(group_by, _merge(rows, "gkey"), None)
    return out


async def campaign_enterprises(
    actor: Actor,
    campaign_id: int,
    figure: str = "planned",
    as_of: dt.date | None = None,
    group_by: str | None = None,
    key: int | str | None = None,
    limit: int = 50,
    offset: int = 0,
) -> tuple[list[dict], int]:
    """The planned enterprises behind ``enterprises_planned``/``enterprises_inspected``
    (``figure``), optionally of one group (``group_by`` + ``key``), with grid and
    community names and whether each was inspected as of the day; by name."""
    errors = []
    if figure not in d.ENTERPRISE_FIGURES:
        errors.append({"key": "figure", "message": "figure 须为 planned / inspected"})
    if group_by is not None and group_by not in d.GROUPS:
        errors.append({"key": "group_by", "message": "group_by 须为 " + " / ".join(d.GROUPS)})
    if errors:
        raise ValidationFailed("筛选条件有误 (invalid filter)", errors)
    campaign, path = await _campaign_and_path(actor, campaign_id)
    asof = make_as_of(as_of)
    inspected = d.inspected_sql(asof, campaign["id"], "ce.enterprise")
    where = [f"ce.campaign = {int(campaign['id'])}", _in_subtree(path, "e.org_unit")]
    if figure == "inspected":
        where.append(inspected)
    if group_by:
        where.append(d.enterprise_group_condition(group_by, key, campaign["id"]))
    base = (
        f" FROM campaign_enterprise ce{d.enterprise_joins(None, campaign['id'], 'gc')} WHERE "
        + " AND ".join(where)
    )
    # one row per enterprise even if planned twice: the lowest plan row represents it
    base += (
        " AND ce.id = (SELECT MIN(ce2.id) FROM campaign_enterprise ce2"
        " WHERE ce2.campaign = ce.campaign AND ce2.enterprise = ce.enterprise)"
    )
    rows = await _raw(
        "SELECT e.id AS id, e.name AS name, e.uscc AS uscc, e.industry AS industry,"
        " g.id AS grid_id, g.name AS grid_name, c.id AS community_id, c.name AS community_name,"
        f" CASE WHEN {inspected} THEN 1 ELSE 0 END AS inspected"
        f"{base} ORDER BY e.name, e.id LIMIT {int(limit)} OFFSET {int(offset)}"
    )
    total = await _raw(f"SELECT COUNT(*) AS n{base}")
    items = [{**r, "inspected": bool(r["inspected"])} for r in rows]
    return items, int(total[0]["n"])
