"""The hazard list's filter (隐患筛选): which hazards a list shows, as the WHERE of a
Piccolo query over ``hazard`` — the actor's scope, the plain filters, and the records
behind a figure (``figure=`` as of a day, and a breakdown's group), whose SQL is THE
figure definitions' (``inspections.hazard_figures``), so a list's ``total`` is the number
it was opened from."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Any, Literal, get_args

from inspections import hazard_figures as figures
from inspections import rules
from inspections.services.scope import hazard_condition, hazards_under, is_row_id
from inspections.tables import Hazard
from safety.actors import Actor
from safety.db import contains, is_sqlite
from safety.errors import ValidationFailed
from safety.settings import get_settings
from safety.tables import Enterprise, OrgUnit, Role

# The fixed vocabularies of the filter. The query parameters declare them (an ``enum`` in
# the OpenAPI document: ``inspections.hazard_filter_query``), but the values stay plain
# strings until ``filter_conditions`` checks them (levels: ``rules.LEVELS``, figures:
# ``hazard_figures.FIGURES``): that check comes after the service's
# role check (another role's bad filter is a 403) and names the field in Chinese.
HazardStatus = Literal["pending", "rectifying", "submitted", "closed", "voided"]
HazardSource = Literal["inspection", "self_report", "patrol"]
STATUSES: tuple[str, ...] = get_args(HazardStatus)
SOURCES: tuple[str, ...] = get_args(HazardSource)


@dataclass
class HazardFilter:
    # status, level, source, figure: one of STATUSES, rules.LEVELS, SOURCES, figures.FIGURES
    # once filter_conditions has accepted them
    status: str | None = None
    level: str | None = None
    enterprise_id: int | None = None
    campaign_id: int | None = None
    inspection_id: int | None = None
    org_unit_id: int | None = None
    risk_point_id: int | None = None
    source: str | None = None
    q: str | None = None
    found_from: dt.date | None = None
    found_to: dt.date | None = None
    overdue: bool | None = None
    # the records behind a figure (rectification.figures): ``figure`` as of ``as_of``
    # (default today), and the breakdowns' groups (0 / "none": the group without one)
    figure: str | None = None
    as_of: dt.date | None = None
    batch_id: int | None = None
    agency_id: int | None = None
    industry: str | None = None


def _choice(errors: list, key: str, value: str | None, allowed: tuple[str, ...]) -> None:
    if value is not None and value not in allowed:
        errors.append({"key": key, "message": f"{key} 须为 " + " / ".join(allowed)})


async def _paths(*unit_ids: int | None) -> dict[int, str]:
    """The paths of these org units, in one query (a missing unit is left out)."""
    wanted = list(dict.fromkeys(u for u in unit_ids if is_row_id(u)))
    if not wanted:
        return {}
    rows = await OrgUnit.select(OrgUnit.id, OrgUnit.path).where(OrgUnit.id.is_in(wanted)).run()
    return {r["id"]: r["path"] or "" for r in rows}


async def _officer_subtree(actor: Actor, unit_id: int) -> Any:
    """An officer's scope and ``org_unit_id`` as one condition: both are subtrees, so
    their intersection is the deeper of the two (or nothing). Its path is read first,
    with the officer's in the same query, and written into the statement: with the
    look-up inside it PostgreSQL could not tell how many hazards lie below and counted
    them by probing the enterprise index one enterprise at a time."""
    paths = await _paths(unit_id, actor.org_unit_id)
    unit, mine = paths.get(unit_id, ""), paths.get(actor.org_unit_id or 0, "")
    deeper = unit if unit.startswith(mine) else mine if mine.startswith(unit) else ""
    return hazards_under(deeper if unit and mine else "")


async def filter_conditions(actor: Actor, flt: HazardFilter, today: dt.date) -> list[Any]:
    """The WHERE of ``list_hazards`` (scope and filters; a bad filter is a 400 naming it),
    also for readers that must list exactly the same hazards (the ledger export)."""
    if flt.org_unit_id is not None and actor.role == Role.officer:
        conditions = [await _officer_subtree(actor, flt.org_unit_id)]
    else:
        conditions = [await hazard_condition(actor)]
        if flt.org_unit_id is not None:
            conditions.append(
                hazards_under((await _paths(flt.org_unit_id)).get(flt.org_unit_id, ""))
            )
    errors: list[dict[str, str]] = []
    _choice(errors, "status", flt.status, STATUSES)
    _choice(errors, "level", flt.level, rules.LEVELS)
    _choice(errors, "source", flt.source, SOURCES)
    _choice(errors, "figure", flt.figure, figures.FIGURES)
    if flt.as_of is not None and not figures.FIRST_DAY <= flt.as_of <= figures.LAST_DAY:
        errors.append({"key": "as_of", "message": figures.DAY_RANGE_MESSAGE})
    if flt.industry is not None and not re.fullmatch(r"[A-T]|none", flt.industry):
        errors.append({"key": "industry", "message": "industry 须为门类字母 A–T 或 none"})
    if flt.found_from and flt.found_to and flt.found_to < flt.found_from:
        errors.append({"key": "found_to", "message": "结束日期不能早于开始日期"})
    if errors:
        raise ValidationFailed("筛选条件有误", errors)
    for value, column in (
        (flt.status, Hazard.status),
        (flt.level, Hazard.level),
        (flt.source, Hazard.source),
        (flt.enterprise_id, Hazard.enterprise),
        (flt.campaign_id, Hazard.campaign),
        (flt.inspection_id, Hazard.inspection),
        (flt.risk_point_id, Hazard.risk_point),
    ):
        if value is not None:
            conditions.append(column == value)
    if flt.found_from is not None:
        conditions.append(Hazard.found_on >= flt.found_from)
    if flt.found_to is not None:
        conditions.append(Hazard.found_on <= flt.found_to)
    if flt.figure is not None:
        asof = figures.AsOf.make(flt.as_of or today, get_settings().timezone, is_sqlite(), now=None)
        conditions.append(figures.hazard_figure_where(flt.figure, asof))
    for group_by, key in (("batch", flt.batch_id), ("agency", flt.agency_id)):
        if key is not None:
            conditions.append(figures.hazard_group_where(group_by, key or None))
    if flt.industry is not None:
        industry = None if flt.industry == "none" else flt.industry
        conditions.append(figures.hazard_group_where("industry", industry))
    if flt.q and flt.q.strip():
        named = Enterprise.select(Enterprise.id).where(contains(flt.q, Enterprise.name))
        conditions.append(
            contains(flt.q, Hazard.description, Hazard.location, Hazard.legal_basis)
            | Hazard.enterprise.is_in(named)
        )
    if flt.overdue is True:
        conditions.append(Hazard.status.is_in(list(rules.OPEN_STATUSES)))
        conditions.append(Hazard.effective_deadline < today)
    elif flt.overdue is False:
        conditions.append(
            Hazard.status.not_in(list(rules.OPEN_STATUSES)) | (Hazard.effective_deadline >= today)
        )
    return conditions
