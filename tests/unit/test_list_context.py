"""The heading of a drill-down hazard list (rectification.list_context): names in reading
order, the day of a figure, the groups without a key, one language, the way back."""

from __future__ import annotations

import datetime as dt

from inspections.services.hazard_filters import HazardFilter
from rectification.figures import dashboard_messages
from rectification.list_context import back_link, heading_parts

TODAY = dt.date(2026, 12, 7)
dashboard_messages.register_all()


def test_it_names_the_campaign_the_figure_and_the_day():
    flt = HazardFilter(campaign_id=3, figure="found", as_of=dt.date(2026, 12, 1))
    parts = heading_parts(flt, {"campaign": "2026年冬季安全生产大检查"}, TODAY, "zh")
    assert parts == ["2026年冬季安全生产大检查", "发现隐患", "截至 2026-12-01"]
    # no day given: today, by its date
    flt = HazardFilter(campaign_id=3, figure="overdue")
    assert heading_parts(flt, {}, TODAY, "zh") == ["检查活动 #3", "逾期未整改", "截至 2026-12-07"]


def test_it_names_the_groups_and_those_without_a_key_in_one_language():
    flt = HazardFilter(campaign_id=3, figure="open", batch_id=0, industry="C", source="patrol")
    zh = heading_parts(flt, {"campaign": "冬查"}, TODAY, "zh")
    assert zh == ["冬查", "未分批次", "C 制造业", "网格巡查", "未销号", "截至 2026-12-07"]
    en = heading_parts(flt, {"campaign": "冬查"}, TODAY, "en")
    assert en == ["冬查", "No batch", "Industry section C", "Patrol reports", "open",
                  "as of 2026-12-07"]  # fmt: skip
    flt = HazardFilter(agency_id=4, org_unit_id=9, industry="none", figure="closed")
    names = {"agency": "安评公司", "org_unit": "东社区"}
    assert heading_parts(flt, names, TODAY, "zh")[:3] == ["安评公司", "东社区", "未填行业门类"]


def test_a_plain_search_has_no_heading_and_an_org_unit_alone_is_the_form_s_filter():
    assert heading_parts(HazardFilter(), {}, TODAY, "zh") == []
    assert heading_parts(HazardFilter(org_unit_id=9, status="pending"), {}, TODAY, "zh") == []


def test_the_way_back_is_the_campaign_s_figures_on_that_day_for_officers_only():
    flt = HazardFilter(campaign_id=3, figure="found", batch_id=5, as_of=dt.date(2026, 12, 1))
    assert back_link(flt, True, TODAY) == "/campaigns/3/figures?as_of=2026-12-01&group_by=batch"
    assert back_link(HazardFilter(figure="found"), True, TODAY) == "/dashboard"
    assert back_link(flt, False, TODAY) is None
