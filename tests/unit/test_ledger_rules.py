"""The ledger's pure rules (rectification.ledger.rules): no database."""

import datetime as dt
from zoneinfo import ZoneInfo

from rectification.ledger import rules


def test_each_source_has_its_chinese_name():
    assert [rules.source_label(s) for s in ("inspection", "self_report", "patrol")] == [
        "专家检查",
        "企业自查",
        "网格巡查",
    ]
    assert rules.source_label(None) == ""


def test_it_refuses_to_invent_a_responsible_person_without_a_plan():
    assert rules.plan_text(None, "responsible_person") == ""
    assert rules.plan_text({"responsible_person": "  "}, "responsible_person") == ""
    assert rules.plan_text({"responsible_person": " 李四 "}, "responsible_person") == "李四"
    assert rules.plan_text({"funds": None}, "funds") == ""


def test_measures_are_the_plans_else_the_suggestion():
    assert rules.measures({"measures": "更换电缆"}, "立即整改") == "更换电缆"
    assert rules.measures({"measures": ""}, "立即整改") == "立即整改"
    assert rules.measures(None, None) == ""


def test_the_scope_names_street_community_and_grid():
    street = {"name": "怡园街道", "kind": "street"}
    community = {"name": "寨北社区", "kind": "community"}
    grid = {"name": "第1网格", "kind": "grid"}
    district = {"name": "某区", "kind": "district"}
    assert rules.scope_names([district, street]) == {"street": "怡园街道", "community": "全部"}
    assert rules.scope_names([community, street, district]) == {
        "street": "怡园街道",
        "community": "寨北社区",
    }
    assert rules.scope_names([grid, community, street])["grid"] == "第1网格"
    assert rules.scope_names([district]) == {"street": "全部", "community": "全部"}
    assert rules.scope_names([]) == {"street": "", "community": ""}


def test_the_title_rows_say_where_when_and_who():
    moment = dt.datetime(2026, 3, 5, 9, 7, 31, tzinfo=ZoneInfo("Asia/Shanghai"))  # as the service
    scope = {"street": "怡园街道", "community": "全部"}
    assert rules.title_rows("隐患台账", scope, moment, "王监管") == [
        "隐患台账",
        "街道：怡园街道　社区：全部",
        "统计截至：2026-03-05 09:07　导出人：王监管",
    ]
    lines = rules.title_rows("隐患台账", {"street": "", "community": ""}, moment, "")
    assert lines[1] == "街道：—　社区：—" and lines[2].endswith("导出人：—")
