"""The hazard form's suggestion ranking (inspections.checklists.suggest_rules) and the
walk's pure helpers for the submit confirmation (inspections.page_helpers)."""

from __future__ import annotations

from inspections.checklists import suggest_rules as sr
from inspections.page_helpers import lock_summary, signatures_done, submit_missing

LIBRARY = [
    {"code": "XF-01", "text": "灭火器应按规定配置，压力正常，在有效期内"},
    {"code": "XF-02", "text": "疏散通道、安全出口必须保持畅通，不得堆放物品"},
    {"code": "DQ-01", "text": "配电箱门完好，箱前0.8米内无堆放物品"},
    {"code": "JX-01", "text": "机械设备的转动部位防护罩齐全牢固"},
]


def test_normalise_drops_punctuation_spaces_and_modal_words():
    assert sr.normalise("疏散通道、安全出口 必须保持畅通。") == "疏散通道安全出口保持畅通"
    assert sr.normalise("应当设置；须配备") == "设置配备"
    assert sr.normalise("ＡＢＣ１２") == "abc12"  # full width folded


def test_rank_finds_a_reworded_requirement_first():
    index = sr.build(LIBRARY)
    top = sr.rank("安全出口被堵，通道堆了东西", index)
    assert top[0][1].item["code"] == "XF-02"
    assert sr.rank("转动部位没有防护罩", index)[0][1].item["code"] == "JX-01"


def test_rank_returns_at_most_three_best_first():
    index = sr.build(LIBRARY)
    top = sr.rank("堆放物品", index)
    assert len(top) <= sr.TOP
    assert [s for s, _ in top] == sorted((s for s, _ in top), reverse=True)


def test_rank_refuses_a_query_too_short_to_mean_anything():
    index = sr.build(LIBRARY)
    assert sr.rank("箱", index) == []
    assert sr.rank("  。，", index) == []
    assert sr.rank("", sr.build([])) == []


def test_rank_keeps_only_the_first_characters_of_a_huge_query():
    index = sr.build(LIBRARY)
    assert sr.rank("灭火器过期" + "啊" * 10_000, index)[0][1].item["code"] == "XF-01"


def _inspection(results, signatures, kind="campaign"):
    items = [{"id": n, "code": f"1.{n}", "text": f"项{n}", "result": r} for n, r in results]
    return {"items": items, "signatures": signatures, "kind": kind}


SIGNED = {"signer_name": "李工", "attachment_id": 1}
REFUSED = {"signer_name": "", "refused_reason": "外出"}


def test_submit_missing_is_the_services_rule():
    i = _inspection([(1, "pass"), (2, None)], {"inspector": None, "enterprise": None})
    keys = [m["key"] for m in submit_missing(i)]
    assert keys == ["items.2", "signatures.inspector", "signatures.enterprise"]


def test_signatures_done_counts_a_refusal_and_a_self_inspection_needs_one():
    assert not signatures_done(_inspection([], {"inspector": SIGNED, "enterprise": None}))
    assert signatures_done(_inspection([], {"inspector": SIGNED, "enterprise": REFUSED}))
    assert signatures_done(_inspection([], {"inspector": SIGNED, "enterprise": SIGNED}))
    assert signatures_done(_inspection([], {"inspector": SIGNED}, kind="self"))
    assert not signatures_done(_inspection([(1, None)], {"inspector": None}, kind="self"))


def test_lock_summary_counts_answers_by_result_and_hazards_by_level():
    i = _inspection([(1, "pass"), (2, "fail"), (3, "na"), (4, "fail"), (5, None)], {})
    hazards = [
        {"level": "general", "fixed_on_spot": True},
        {"level": "general", "fixed_on_spot": False},
        {"level": "major", "fixed_on_spot": False},
    ]
    got = lock_summary(i, hazards)
    assert got["answered"] == 4 and got["total"] == 5
    assert got["results"] == {"pass": 1, "fail": 2, "na": 1}
    assert got["hazards"] == 3 and got["levels"] == {"general": 2, "major": 1}
    assert got["fixed_on_spot"] == 1
