"""Who wrote a printed document (``inspections.documents.issuer``), pure: a campaign
inspection's documents are the street office's (letterhead, 安监整改/安监复查 numbering), a
self-inspection's the enterprise's own (企业自查隐患整改单 / 安全生产自查报告 / 自查复查记录,
自查〔年-号〕号); a recheck is the enterprise's own only when it verified its own
self-found hazard; checklists print by name, opinions never blank."""

from __future__ import annotations

import datetime as dt
from itertools import product

import pytest

from inspections.documents import issuer

DAY = dt.date(2026, 3, 9)
KW = {"office": "怡园街道办事处", "enterprise": "恒达金属", "day": DAY, "inspection_id": 168}


def test_a_campaign_notice_is_the_street_offices():
    h = issuer.notice_heading(kind="campaign", self_no="", **KW)
    assert (h.own, h.title, h.issuer) == (False, "隐患整改通知书", "怡园街道办事处")
    assert h.docref == "怡园街道办事处 安监整改〔2026-00168〕号"
    assert h.short == "隐患整改通知书"


def test_a_self_inspections_notice_is_the_enterprises_rectification_list():
    h = issuer.notice_heading(kind="self", self_no=issuer.self_number(DAY, 3), **KW)
    assert (h.own, h.title, h.issuer) == (True, "企业自查隐患整改单", "恒达金属")
    assert h.docref == "恒达金属 自查〔2026-0003〕号"
    assert "街道" not in h.docref and "安监" not in h.docref


def test_the_report_headings():
    street = issuer.report_heading(kind="campaign", self_no="", **KW)
    assert (street.title, street.issuer, street.short) == (
        "安全生产检查报告",
        "怡园街道办事处",
        "检查报告",
    )
    assert street.docref == "恒达金属 · 检查编号 168 · 2026-03-09"
    own = issuer.report_heading(kind="self", self_no="2026-0001", **KW)
    assert (own.own, own.title, own.issuer, own.short) == (
        True,
        "安全生产自查报告",
        "恒达金属",
        "自查报告",
    )
    assert own.docref == "恒达金属 自查〔2026-0001〕号 · 2026-03-09"


def test_the_recheck_headings():
    kw = {"office": "怡园街道办事处", "enterprise": "恒达金属", "verified_day": DAY}
    street = issuer.recheck_heading(own=False, hazard_id=42, verification_id=7, **kw)
    assert street.title == "隐患整改复查意见书" and not street.own
    assert street.docref == "怡园街道办事处 安监复查〔2026-00042-7〕号"
    own = issuer.recheck_heading(
        own=True, hazard_id=42, verification_id=7, self_no="2026-0003", hazard_rank=2, **kw
    )
    assert (own.own, own.title, own.issuer) == (True, "自查复查记录", "恒达金属")
    assert own.docref == "恒达金属 自查复查〔2026-0003-2〕号"


@pytest.mark.parametrize(
    ("source", "role"),
    list(
        product(
            ("inspection", "self_report", "patrol"), ("officer", "inspector", "enterprise", None)
        )
    ),
)
def test_only_the_enterprise_verifying_its_own_finding_writes_its_own_recheck(source, role):
    expected = source == "self_report" and role == "enterprise"
    assert issuer.is_own_recheck(source, role) is expected


def test_self_numbers_have_the_year_and_four_digits():
    assert issuer.self_number(dt.date(2027, 1, 1), 1) == "2027-0001"
    assert issuer.self_number(DAY, 12345) == "2026-12345"
    assert issuer.is_own_inspection("self") and not issuer.is_own_inspection("campaign")


def test_a_checklist_prints_by_its_chinese_name_and_version_never_its_code():
    assert (
        issuer.checklist_label("工贸企业安全生产通用检查表", 1)
        == "工贸企业安全生产通用检查表（第 1 版）"
    )
    assert issuer.checklist_label("", None) == "检查表"


def test_an_empty_opinion_says_so_and_results_speak_for_their_issuer():
    assert issuer.opinion_text("") == "（未填写）"
    assert issuer.opinion_text("  ") == "（未填写）"
    assert issuer.opinion_text(None) == "（未填写）"
    assert issuer.opinion_text(" 已整改 ") == "已整改"
    assert issuer.result_label(False, "pass") == "复查合格，同意销号"
    assert issuer.result_label(True, "pass") == "复查合格，整改完成"
    assert issuer.result_label(True, "fail") == issuer.result_label(False, "fail")
