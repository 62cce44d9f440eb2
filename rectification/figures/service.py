"""The figures as services: a campaign's, an org unit's, and the enterprises behind a
campaign's planned/inspected counts. A constant number of queries whatever the size: one
GROUP BY over the hazards, one over the planned enterprises (campaigns), plus the scope
look-ups. The predicates come from ``rectification.figures.definitions``."""

from __future__ import annotations

import datetime as dt
from fractions import Fraction
from typing import Any

from rectification.figures import definitions as d
from rectification.figures.queries import (
    ZEROS,
    campaign_and_path,
    counts_sql,
    in_subtree,
    make_as_of,
    org_unit_where,
    plan_sql,
    raw_rows,
    subtree_units,
)
from safety.actors import Actor
from safety.errors import NotFound, ValidationFailed
from safety.registry.rules import INDUSTRY_SECTIONS
from safety.tables import Role

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


def check_group_by(group_by: str | None, allowed: tuple[str, ...] = d.GROUPS) -> None:
    if group_by is not None and group_by not in allowed:
        raise ValidationFailed.field("group_by", "group_by 须为 " + " / ".join(allowed))


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


async def group_label(actor: Actor, campaign_id: int, group_by: str, key: Any) -> str:
    """The label ``campaign_stats`` gives group ``key`` of ``group_by``, looked up alone:
    the name of the campaign's batch, of an agency of its batches, of an org unit of the
    officer's subtree; the key itself when there is none (the campaign's scope is the
    caller's to check)."""
    if key is None or group_by not in ("batch", "agency", "community", "grid"):
        return _label(group_by, key, key)
    campaign, found = int(campaign_id), int(key)
    sql = {
        "batch": f"SELECT b.name AS name FROM batch b WHERE b.id = {found}"
        f" AND b.campaign = {campaign}",
        "agency": f"SELECT a.name AS name FROM agency a WHERE a.id = {found}"
        f" AND a.id IN (SELECT b.agency FROM batch b WHERE b.campaign = {campaign})",
    }.get(
        group_by,
        f"SELECT ou.name AS name FROM org_unit ou JOIN org_unit me ON me.id ="
        f" {int(actor.org_unit_id or 0)} WHERE ou.id = {found} AND me.path <> ''"
        " AND ou.path LIKE me.path || '%'",
    )
    rows = await raw_rows(sql)
    return _label(group_by, key, rows[0]["name"] if rows else None)


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
        raise NotFound("检查活动不存在")
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
    sql = counts_sql(
        where, asof, group_by, campaign_id=campaign_id, units=units, extra=tuple(extra)
    )
    rows = await raw_rows(sql)
    found = [r for r in rows if r["part"] == "c"]
    if not found:
        raise NotFound("检查活动不存在")
    hazard_rows = [r for r in rows if r["part"] == "h"]
    enterprise_rows = [r for r in rows if r["part"] == "e"]
    plan_part = "t" if group_by in ("batch", "agency") else "e"
    plan_rows = [r for r in rows if r["part"] == plan_part]
    out = _campaign_figures(found[0], asof, hazard_rows, plan_rows)
    if group_by:
        out["group_by"] = group_by
        out["groups"] = _groups(group_by, hazard_rows, enterprise_rows)
    return out


def _campaign_figures(
    check: dict, asof: d.AsOf, hazard_rows: list[dict], plan_rows: list[dict]
) -> dict[str, Any]:
    """The campaign's figures from its scope check's row, its hazard and plan rows."""
    # (the id rides in an integer column: the key's type varies with the breakdown)
    totals = _sum(hazard_rows, d.FIGURES)
    planned = _sum(plan_rows, ("planned", "inspected"))
    figures = {
        "enterprises_planned": planned["planned"],
        "enterprises_inspected": planned["inspected"],
        **_hazard_figures(totals),
    }
    return {
        "campaign_id": int(check["planned"]),
        "campaign_name": check["glabel"],
        "as_of": asof.day,
        **_with_rates(figures),
    }


async def campaigns_stats(
    actor: Actor,
    campaign_ids: list[int],
    as_of: dt.date | None = None,
    *,
    units: str | None = None,
) -> dict[int, dict[str, Any]]:
    """``campaign_stats`` (no breakdown) of several campaigns in ONE statement, by id: the
    hazard and plan counts grouped by campaign. Campaigns outside the officer's subtree
    are left out; 403 for other roles. ``units``: the officer's ``subtree_units`` when the
    caller has read them already (the home page), saving that statement."""
    actor.require(Role.officer)
    ids = sorted({int(i) for i in campaign_ids if 1 <= int(i) <= 2**31 - 1})
    if actor.org_unit_id is None or not ids:
        return {}
    asof = make_as_of(as_of)
    if units is None:
        units = await subtree_units(actor.org_unit_id, actor.org_unit_id)
    listed = ", ".join(map(str, ids))
    where = f"hazard.campaign IN ({listed}) AND e.org_unit IN {units}"
    check = (
        f"SELECT 'c', c.id, c.name, NULL, {ZEROS}, c.id, 0 FROM campaign c"
        f" WHERE c.id IN ({listed}) AND c.org_unit IN {units}"
    )
    sql = counts_sql(where, asof, "campaign", campaign_id=ids, units=units, extra=(check,))
    by_part: dict[tuple[str, int], list[dict]] = {}
    for r in await raw_rows(sql):
        by_part.setdefault((r["part"], int(r["gkey"])), []).append(r)
    return {
        cid: _campaign_figures(
            checks[0], asof, by_part.get(("h", cid), []), by_part.get(("e", cid), [])
        )
        for cid in ids
        if (checks := by_part.get(("c", cid)))
    }


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
        raise ValidationFailed("统计条件有误", errors)
    actor.require(Role.officer)
    if actor.org_unit_id is None or not 1 <= org_unit_id <= 2**31 - 1:
        raise NotFound("组织单元不存在")
    asof = make_as_of(as_of)
    units = await subtree_units(org_unit_id, actor.org_unit_id)
    where = org_unit_where(units, found_from, found_to, source, asof)
    check = (
        f"SELECT 'u', NULL, top.name, NULL, {ZEROS}, top.id, 0 FROM org_unit top"
        f" JOIN org_unit me ON me.id = {int(actor.org_unit_id)} WHERE top.id = {int(org_unit_id)}"
        " AND me.path <> '' AND top.path LIKE me.path || '%'"
    )
    grouping = None if group_by == "source" else group_by
    all_rows = await raw_rows(counts_sql(where, asof, grouping, True, extra=(check,)))
    found = [r for r in all_rows if r["part"] == "u"]
    if not found:
        raise NotFound("组织单元不存在")
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
        raise ValidationFailed("筛选条件有误", errors)
    campaign, path = await campaign_and_path(actor, campaign_id)
    asof = make_as_of(as_of)
    inspected = d.inspected_sql(asof, int(campaign["id"]), "ce.enterprise")
    where = [f"ce.campaign = {int(campaign['id'])}", in_subtree(path, "e.org_unit")]
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
    rows = await raw_rows(
        "SELECT e.id AS id, e.name AS name, e.uscc AS uscc, e.industry AS industry,"
        " g.id AS grid_id, g.name AS grid_name, c.id AS community_id, c.name AS community_name,"
        f" CASE WHEN {inspected} THEN 1 ELSE 0 END AS inspected"
        f"{base} ORDER BY e.name, e.id LIMIT {int(limit)} OFFSET {int(offset)}"
    )
    total = await raw_rows(f"SELECT COUNT(*) AS n{base}")
    items = [{**r, "inspected": bool(r["inspected"])} for r in rows]
    return items, int(total[0]["n"])
