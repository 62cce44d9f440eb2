"""The campaign summary prints each rate as the dashboard shows it: the same exact,
half-up ``charts.percent`` of numerator and denominator, not a float rounded on its own
(1 closed of 16 found is 6.25 %: "6.3%" on screen and on paper)."""

from __future__ import annotations

import datetime as dt

from markupsafe import Markup

from rectification.documents.api import CAMPAIGN_TEMPLATE
from rectification.figures.service import _with_rates
from safety import charts
from safety.reports.render import environment


def _figures(closed: int, found: int) -> dict:
    counts = {
        "enterprises_planned": 16,
        "enterprises_inspected": 1,
        "hazards_found": found,
        "hazards_major": found,
        "hazards_general": 0,
        "hazards_closed": closed,
        "hazards_major_closed": closed,
        "hazards_general_closed": 0,
        "hazards_closed_on_time": closed,
        "hazards_overdue": 0,
        "hazards_open": found - closed,
    }
    return _with_rates(counts)


def _html(stats: dict, groups: list[dict]) -> str:
    ctx = {
        "title": "t",
        "campaign": {"name": "专项整治", "starts_on": dt.date(2026, 1, 1), "ends_on": None},
        "office": "东街街道",
        "kind_label": "专项整治",
        "today": dt.date(2026, 3, 1),
        "s": stats,
        "progress": {"inspected": Markup(""), "closed": Markup("")},
        "charts": {"weekly": "", "subcategory": "", "community": ""},
        "groups": [("按批次", groups)],
        "majors": [],
        "overdue": [],
    }
    return environment().get_template(CAMPAIGN_TEMPLATE).render(**ctx)


def test_the_pdf_rounds_a_rate_as_the_dashboard_does():
    stats = _figures(closed=1, found=16)  # 6.25 %: a float rounds it down to 6.2
    group = {"key": 1, "label": "第一批次", **_figures(closed=1, found=16)}
    html = _html(stats, [group])
    assert charts.percent(1, 16) == "6.3%"
    # rectification, major rectification and inspection completion (1 of 16) in the
    # totals and in the group's row
    assert html.count("6.3%") == 6 and "6.2%" not in html


def test_every_printed_rate_is_the_dashboards_percent():
    percent = environment().filters["percent"]
    for den in range(1, 41):
        for num in range(den + 1):
            fraction = {"numerator": num, "denominator": den}
            assert percent(fraction) == charts.percent(num, den), (num, den)
    assert percent({"numerator": 0, "denominator": 0}) == "—"
    assert percent(None) == "—"
