"""The officer's figures pages (数据看板):

- ``/dashboard``: each campaign running today as a card — progress bars for inspected of
  planned (检查完成率) and closed of found (整改率), overdue and major counts;
- ``/campaigns/{id}/figures``: the ten figures as of a day (``?as_of=``, a GET form), the
  breakdown by batch/community/grid/industry/agency (``?group_by=``; columns sorted on the
  server with ``?sort=&dir=``, so it works without JavaScript) and three charts (found vs
  closed per week, by sub-category, by community);
- ``/campaigns/{id}/figures/enterprises``: the planned (or inspected) enterprises behind
  those two figures, for one group, as of the day.

Every number is a link to the records behind it, and that list's total is the number
(tests/rectification/test_figures_links.py follows them all). Charts are server-side SVG
(``safety.charts``, drawn by ``rectification.figures.campaign_charts``); numbers and services
come from ``rectification.figures``.
"""

from __future__ import annotations

import datetime as dt
from typing import Any
from urllib.parse import urlencode

from litestar import Request, Router, get
from litestar.di import NamedDependency
from litestar.params import FromPath, FromQuery
from litestar.response import Template
from markupsafe import Markup

from rectification.figures import dashboard as board
from rectification.figures import dashboard_messages
from rectification.figures.campaign_charts import campaign_charts
from rectification.figures.definitions import GROUPS, parse_group_key
from rectification.figures.service import campaign_enterprises, campaign_stats
from rectification.figures.service import group_label as label_of
from safety import charts
from safety.accounts.actor import ACTOR, OFFICER_ONLY
from safety.actors import Actor
from safety.errors import DomainError, ValidationFailed
from safety.i18n import lang_of, translate
from safety.pages import errors_by_field, page_offset
from safety.settings import local_today
from safety.tables import Role

dashboard_messages.register_all()

PAGE_SIZE = 50
# The ten figures of the product rules, in the order the page shows them; each rate with the
# counts it divides (stats' names), so both can be links.
COUNTS = (
    "enterprises_planned",
    "enterprises_inspected",
    "hazards_found",
    "hazards_major",
    "hazards_closed",
    "hazards_overdue",
)
RATES = (
    ("inspection_completion_rate", "enterprises_inspected", "enterprises_planned"),
    ("rectification_rate", "hazards_closed", "hazards_found"),
    ("major_rectification_rate", "hazards_major_closed", "hazards_major"),
    ("on_time_rate", "hazards_closed_on_time", "hazards_closed"),
)


def _as_of(raw: str | None, errors: list[dict[str, str]]) -> dt.date:
    """The ``?as_of=`` day; a later day than today shows today (nothing is known of the
    future, and the picker stops at today)."""
    today = local_today()
    if raw:
        try:
            return min(dt.date.fromisoformat(raw.strip()), today)
        except ValueError:
            errors.append({"key": "as_of", "message": "日期格式应为 YYYY-MM-DD"})
    return today


def _number(value: int, href: str | None) -> dict[str, Any]:
    return {"value": value, "href": href}


def _figures_of(
    stats: dict[str, Any], campaign_id: int, as_of: dt.date, group_by=None, key=board.NO_KEY
) -> dict[str, Any]:
    """Each count with its link, each rate as percent with its linked numerator and
    denominator (a group row or the whole campaign)."""
    out: dict[str, Any] = {}
    for name in {*COUNTS, *(n for _, num, den in RATES for n in (num, den))}:
        if name in stats:
            out[name] = _number(
                stats[name], board.figure_link(name, campaign_id, as_of, group_by, key)
            )
    for name, num, den in RATES:
        if num in stats and den in stats:
            out[name] = {
                "percent": charts.percent(stats[num], stats[den]),
                "num": out[num],
                "den": out[den],
            }
    return out


# ---------------------------------------------------------------- the dashboard


@get("/dashboard")
async def dashboard_page(request: Request, actor: NamedDependency[Actor]) -> Template:
    actor.require(Role.officer)
    lang = lang_of(request)
    today = local_today()
    cards = []
    for c in await board.dashboard_cards(actor, today):
        s, cid = c["stats"], c["id"]
        cards.append(
            {
                **c,
                "n": _figures_of(s, cid, today),
                "inspected_bar": Markup(  # noqa: S704 - safety.charts escapes every label
                    charts.progress_bar(
                        s["enterprises_inspected"],
                        s["enterprises_planned"],
                        title=translate("fig.inspection_completion_rate", lang),
                        label=translate("fig.bar.inspected", lang),
                        compact=True,
                    )
                ),
                "closed_bar": Markup(  # noqa: S704 - safety.charts escapes every label
                    charts.progress_bar(
                        s["hazards_closed"],
                        s["hazards_found"],
                        title=translate("fig.rectification_rate", lang),
                        label=translate("fig.bar.closed", lang),
                        compact=True,
                    )
                ),
            }
        )
    ended = [
        {**c, "n": _figures_of(c["stats"], c["id"], today)}
        for c in await board.ended_campaigns(actor, today)
    ]
    return Template(
        "figures/dashboard.html",
        context={"cards": cards, "ended": ended, "today": today.isoformat()},
    )


# ---------------------------------------------------------------- a campaign's figures


@get("/campaigns/{campaign_id:int}/figures")
async def campaign_figures_page(
    request: Request,
    actor: NamedDependency[Actor],
    campaign_id: FromPath[int],
    as_of: FromQuery[str | None] = None,
    group_by: FromQuery[str | None] = None,
    sort: FromQuery[str | None] = None,
    dir: FromQuery[str | None] = None,  # noqa: A002 (the query string's name)
) -> Template:
    actor.require(Role.officer)
    lang = lang_of(request)
    errors: list[dict[str, str]] = []
    day = _as_of(as_of, errors)
    grouping = group_by or "community"
    if grouping not in GROUPS:
        errors.append({"key": "group_by", "message": "group_by 须为 " + " / ".join(GROUPS)})
        grouping = "community"
    status, field_errors = 200, {}
    if errors:
        status = 400
        field_errors = errors_by_field(ValidationFailed("筛选条件有误", errors))
    try:
        stats = await campaign_stats(actor, campaign_id, day, grouping)
    except DomainError as exc:
        if exc.status_code != 400:
            raise
        status, field_errors = 400, {**field_errors, **errors_by_field(exc)}
        day = local_today()
        stats = await campaign_stats(actor, campaign_id, day, grouping)
    sort_by = sort if sort in board.SORTABLE else "label"
    direction = "desc" if dir == "desc" else "asc"
    groups = [
        {
            **g,
            "n": _figures_of(g, campaign_id, day, grouping, g["key"]),
        }
        for g in board.sort_groups(stats.get("groups", []), sort_by, direction)
    ]
    chart_svgs = await campaign_charts(actor, campaign_id, day, lang)
    base = {"as_of": day.isoformat(), "group_by": grouping}

    def sort_href(column: str) -> str:
        flip = "desc" if column == sort_by and direction == "asc" else "asc"
        return "?" + urlencode({**base, "sort": column, "dir": flip})

    return Template(
        "figures/campaign.html",
        context={
            "s": stats,
            "campaign_id": campaign_id,
            "n": _figures_of(stats, campaign_id, day),
            "groups": groups,
            "group_by": grouping,
            "group_choices": GROUPS,
            "sort": sort_by,
            "dir": direction,
            "sort_href": sort_href,
            "as_of": day.isoformat(),
            "today": local_today().isoformat(),
            "errors": field_errors,
            "charts": chart_svgs,
            "counts": COUNTS,
            "rates": [r[0] for r in RATES],
        },
        status_code=status,
    )


@get("/campaigns/{campaign_id:int}/figures/enterprises")
async def campaign_enterprises_page(
    request: Request,
    actor: NamedDependency[Actor],
    campaign_id: FromPath[int],
    figure: FromQuery[str | None] = None,
    as_of: FromQuery[str | None] = None,
    group_by: FromQuery[str | None] = None,
    key: FromQuery[str | None] = None,
    offset: FromQuery[str | None] = None,
) -> Template:
    actor.require(Role.officer)
    errors: list[dict[str, str]] = []
    day = _as_of(as_of, errors)
    which = figure or "planned"
    start = page_offset(offset)
    rows, total, status, field_errors = [], 0, 200, {}
    group_label = ""
    try:
        if errors:
            raise ValidationFailed("筛选条件有误", errors)
        group_key = parse_group_key(group_by or None, key, required=False)
        rows, total = await campaign_enterprises(
            actor, campaign_id, which, day, group_by or None, group_key, PAGE_SIZE, start
        )
        if group_by:
            group_label = await label_of(actor, campaign_id, group_by, group_key)
    except DomainError as exc:
        if exc.status_code != 400:
            raise
        status, field_errors = 400, errors_by_field(exc)
    query = {"figure": which, "as_of": day.isoformat()}
    if group_by:
        query.update({"group_by": group_by, "key": key or "none"})
    return Template(
        "figures/enterprises.html",
        context={
            "campaign_id": campaign_id,
            "rows": rows,
            "total": total,
            "offset": start,
            "page_size": PAGE_SIZE,
            "figure": which,
            "as_of": day.isoformat(),
            "group_by": group_by or "",
            "group_label": group_label,
            "query": urlencode(query),
            "errors": field_errors,
        },
        status_code=status,
    )


router = Router(
    path="/",
    include_in_schema=False,
    dependencies=ACTOR,
    guards=[OFFICER_ONLY],
    route_handlers=[dashboard_page, campaign_figures_page, campaign_enterprises_page],
)
