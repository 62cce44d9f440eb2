"""What the officer's dashboard and a campaign's figures page show, from the figures
services (``rectification.figures.service``: THE definitions) and the chart series
(``rectification.figures.series``), plus the links from every number to the records
behind it (the hazard list with its ``figure=`` filters, or the campaign's enterprise
list), so that the list's total is the number the officer clicked.

  active_campaigns(actor, today) -> list[dict]     campaigns running today, in scope
  dashboard_cards(actor, today) -> list[dict]      each with its figures (as of today)
  ended_campaigns(actor, today) -> list[dict]      the latest campaigns that have ended,
                                                   each with its figures (as of today)
  figure_link(field, campaign_id, as_of, group_by=None, key=...) -> str | None
  sort_groups(groups, sort, direction) -> list[dict]
"""

from __future__ import annotations

import datetime as dt
from typing import Any
from urllib.parse import urlencode

from inspections.services.scope import campaign_condition
from rectification.figures import links
from rectification.figures.service import campaigns_stats
from safety.actors import Actor
from safety.tables import Campaign

ACTIVE_LIMIT = 20  # a street runs a handful of campaigns at once
ENDED_LIMIT = 5  # the dashboard recalls the last few finished campaigns (the rest: /campaigns)
NO_KEY = object()  # "no group": the whole campaign

# Columns of the breakdown table that can be sorted (server-side, ?sort=&dir=).
SORTABLE = (
    "label",
    "enterprises_planned",
    "enterprises_inspected",
    "inspection_completion_rate",
    "hazards_found",
    "hazards_major",
    "hazards_closed",
    "hazards_overdue",
    "rectification_rate",
    "on_time_rate",
)


async def active_campaigns(
    actor: Actor, today: dt.date, *, ended: bool = False
) -> list[dict[str, Any]]:
    """The campaigns of the officer's scope whose period holds ``today``, latest first;
    with ``ended``, the latest ones whose period is over instead."""
    condition = await campaign_condition(actor)
    when = (
        (Campaign.ends_on < today,)
        if ended
        else (Campaign.starts_on <= today, Campaign.ends_on >= today)
    )
    return (
        await Campaign.select(
            Campaign.id,
            Campaign.name,
            Campaign.kind,
            Campaign.starts_on,
            Campaign.ends_on,
            Campaign.org_unit.name.as_alias("org_unit_name"),
        )
        .where(condition, *when)
        .order_by(Campaign.ends_on if ended else Campaign.starts_on, ascending=False)
        .order_by(Campaign.id, ascending=False)
        .limit(ENDED_LIMIT if ended else ACTIVE_LIMIT)
        .run()
    )


async def _with_stats(
    actor: Actor, campaigns: list[dict[str, Any]], today: dt.date
) -> list[dict[str, Any]]:
    """Each campaign with its ``campaign_stats`` as of ``today``, all in one statement."""
    stats = await campaigns_stats(actor, [c["id"] for c in campaigns], today)
    return [{**c, "stats": stats[c["id"]]} for c in campaigns]


async def dashboard_cards(actor: Actor, today: dt.date) -> list[dict[str, Any]]:
    """Each active campaign with its figures as of ``today`` (a fixed number of queries
    whatever the number of campaigns)."""
    return await _with_stats(actor, await active_campaigns(actor, today), today)


async def ended_campaigns(actor: Actor, today: dt.date) -> list[dict[str, Any]]:
    """The last few campaigns that have ended, with their figures as of ``today`` (what
    officers report upward: e.g. 96 enterprises inspected, 整改率 100 %)."""
    return await _with_stats(actor, await active_campaigns(actor, today, ended=True), today)


# ---------------------------------------------------------------- links


def hazard_link(
    field: str,
    campaign_id: int,
    as_of: dt.date,
    group_by: str | None = None,
    key: Any = NO_KEY,
) -> str | None:
    """The officer's hazard list showing the hazards behind a hazard figure (stats' field
    name: ``hazards_found``, ``hazards_overdue`` …) of the campaign as of the day, for one
    group (the query string of ``rectification.figures.links``). None when no list can
    show the group: a community or grid key missing (an enterprise without one)."""
    if key is NO_KEY:
        group_by, key = None, None
    if group_by in ("community", "grid") and key is None:
        return None
    params = links.figure_params(
        field, as_of=as_of, campaign_id=campaign_id, group_by=group_by, key=key
    )
    return "/hazards?" + urlencode(params)


def enterprise_link(
    field: str,
    campaign_id: int,
    as_of: dt.date,
    group_by: str | None = None,
    key: Any = NO_KEY,
) -> str:
    """The campaign's planned (or inspected) enterprises as of the day, for one group."""
    query = {"figure": links.ENTERPRISE_FIGURE_OF[field], "as_of": as_of.isoformat()}
    if group_by is not None and key is not NO_KEY:
        query["group_by"] = group_by
        query["key"] = "none" if key is None else str(key)
    return f"/campaigns/{campaign_id}/figures/enterprises?" + urlencode(query)


def figure_link(
    field: str, campaign_id: int, as_of: dt.date, group_by: str | None = None, key: Any = NO_KEY
) -> str | None:
    """The link behind the number of figure ``field`` (stats' output field name)."""
    if field in links.HAZARD_FIGURE_OF:
        return hazard_link(field, campaign_id, as_of, group_by, key)
    if field in links.ENTERPRISE_FIGURE_OF:
        return enterprise_link(field, campaign_id, as_of, group_by, key)
    return None


# ---------------------------------------------------------------- sorting


def sort_groups(groups: list[dict], sort: str, direction: str) -> list[dict]:
    """The breakdown's rows by one column; a rate with no denominator (None) always last,
    ties by label."""
    if sort not in SORTABLE:
        sort = "label"
    reverse = direction == "desc"
    if sort == "label":
        return sorted(groups, key=lambda g: str(g.get("label") or ""), reverse=reverse)
    known = [g for g in groups if g.get(sort) is not None]
    unknown = [g for g in groups if g.get(sort) is None]
    known.sort(key=lambda g: str(g.get("label") or ""))
    known.sort(key=lambda g: g[sort], reverse=reverse)
    return known + sorted(unknown, key=lambda g: str(g.get("label") or ""))
