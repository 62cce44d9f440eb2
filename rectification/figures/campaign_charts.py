"""A campaign's three charts as of a day, drawn as server-side SVG (``safety.charts``) from
its series (``rectification.figures.series``): found vs closed per week (a narrow and a
wide drawing), by sub-category, by community (each bar a link to its hazards). The
figures page and the campaign summary PDF draw the same pictures from this function."""

from __future__ import annotations

import datetime as dt

from markupsafe import Markup

from rectification.figures import dashboard as board
from rectification.figures import dashboard_messages, series
from safety import charts
from safety.actors import Actor
from safety.i18n import translate

dashboard_messages.register_all()


async def campaign_charts(
    actor: Actor, campaign_id: int, as_of: dt.date, lang: str
) -> dict[str, Markup]:
    """The charts (``weekly``, ``weekly_wide``, ``subcategory``, ``community``) of the
    campaign's hazards in the officer's subtree as of ``as_of``, labelled in ``lang``."""
    weeks = await series.campaign_weekly(actor, campaign_id, as_of)
    subcategories = await series.campaign_by_subcategory(actor, campaign_id, as_of)
    communities = await series.campaign_by_community(actor, campaign_id, as_of)
    t = lambda key: translate(key, lang)  # noqa: E731
    found, closed = t("fig.found"), t("fig.closed")
    weekly_args = (
        [w.monday.strftime("%m-%d") for w in weeks],
        [
            charts.Series(found, [w.found for w in weeks], charts.BLUE),
            charts.Series(closed, [w.closed for w in weeks], charts.GREEN),
        ],
    )
    # Two drawings of the weekly chart: narrow for a phone, wide for a PC (CSS shows one),
    # so the bars fill the width while the text keeps its size.
    weekly = charts.grouped_bars(
        *weekly_args, title=t("fig.chart.weekly"), empty_text=t("fig.chart.empty")
    )
    weekly_wide = charts.grouped_bars(
        *weekly_args, title=t("fig.chart.weekly"), empty_text=t("fig.chart.empty"), width=760
    )
    names = dashboard_messages.subcategory_names(lang)
    by_sub = charts.horizontal_bars(
        [charts.HBar(names.get(s.label, s.label), s.found, s.closed) for s in subcategories],
        title=t("fig.chart.subcategory"),
        empty_text=t("fig.chart.empty"),
        total_name=found,
        part_name=closed,
    )
    by_community = charts.horizontal_bars(
        [
            charts.HBar(
                s.label,
                s.found,
                s.closed,
                board.figure_link("hazards_found", campaign_id, as_of, "community", s.key),
            )
            for s in communities
        ],
        title=t("fig.chart.community"),
        empty_text=t("fig.chart.empty"),
        total_name=found,
        part_name=closed,
    )
    return {
        "weekly": Markup(weekly),  # noqa: S704 - safety.charts escapes every label
        "weekly_wide": Markup(weekly_wide),  # noqa: S704 - safety.charts escapes every label
        "subcategory": Markup(by_sub),  # noqa: S704 - safety.charts escapes every label
        "community": Markup(by_community),  # noqa: S704 - safety.charts escapes every label
    }
