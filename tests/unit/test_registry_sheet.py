"""Reading ledger sheets and validating enterprise fields: pure, no database."""

import datetime as dt

import pytest

from safety.errors import UnsupportedMediaType, ValidationFailed
from safety.registry.rules import clean_enterprise
from safety.registry.sheets import parse_sheet, read_table
from safety.rules import make_uscc

CODE = make_uscc("91370102MA3C00001")
CODE2 = make_uscc("91370102MA3C00002")


def test_alias_headers_title_row_and_empty_rows():
    rows = [
        ["怡园街道企业台账", None, None],
        ["单位名称 *", "信用代码", "网格", "联系人", "手机号码", "备注"],
        ["甲", CODE.lower(), "寨北社区第1网格", "张三", "138 0013 8000", "x"],
        [None, "", None, None, None, None],
        ["乙", CODE2, "寨北社区第2网格", "李四", "13900001111"],
    ]
    sheet = parse_sheet(rows)
    assert sheet.errors == [] and sheet.empty_rows == 1
    first, second = sheet.rows
    assert (first.number, second.number) == (3, 5)
    assert first.fields["uscc"] == CODE and first.fields["contact_phone"] == "13800138000"
    assert first.fields["contact_name"] == "张三" and first.grid == "寨北社区第1网格"


def test_the_more_specific_alias_wins_when_both_are_present():
    rows = [
        ["企业名称", "统一社会信用代码", "所属网格", "联系人", "安全负责人"],
        ["甲", CODE, "g", "前台", "安全员"],
    ]
    assert parse_sheet(rows).rows[0].fields["contact_name"] == "安全员"


def test_a_later_duplicate_code_is_the_error_row():
    rows = [
        ["企业名称", "统一社会信用代码", "所属网格"],
        ["甲", CODE, "g"],
        ["乙", CODE.lower(), "g"],
    ]
    sheet = parse_sheet(rows)
    assert [r.number for r in sheet.rows] == [2]
    assert [(e.row, e.field) for e in sheet.errors] == [(3, "uscc")]


def test_missing_header_or_required_column_is_a_file_error():
    with pytest.raises(ValidationFailed) as exc:
        parse_sheet([["a", "b"], ["c", "d"]])
    assert exc.value.extra[0]["key"] == "file"
    with pytest.raises(ValidationFailed, match="所属网格"):
        parse_sheet([["企业名称", "统一社会信用代码"], ["甲", CODE]])


def test_csv_in_gbk_utf8_bom_and_utf16_tab_separated():
    text = f"企业名称,统一社会信用代码,所属网格\n甲,{CODE},寨北社区第1网格\n"
    for data in (text.encode("gbk"), text.encode("utf-8-sig"), text.encode("gb18030")):
        assert read_table("a.csv", data)[1][0] == "甲"
    utf16 = text.replace(",", "\t").encode("utf-16")
    assert read_table("a.txt", utf16)[1] == ["甲", CODE, "寨北社区第1网格"]
    with pytest.raises(UnsupportedMediaType):
        read_table("a.xls", b"\xd0\xcf\x11\xe0rest")


def test_clean_enterprise_reads_the_ways_officers_write_values():
    c = clean_enterprise(
        {
            "name": "甲",
            "uscc": CODE,
            "industry": "C 制造业",
            "scale": "规上",
            "is_key": "√",
            "standardisation_level": "三级",
            "standardisation_date": "2023年5月6日",
            "risk_colour": "较大风险",
            "active": "注销",
        },
        creating=True,
    )
    assert c.errors == []
    assert c.fields["industry"] == "C" and "industry_detail" not in c.fields
    assert c.fields["scale"] == "above_scale" and c.fields["is_key"] is True
    assert c.fields["standardisation_level"] == "level3"
    assert c.fields["standardisation_date"] == dt.date(2023, 5, 6)
    assert c.fields["active"] is False
    assert "risk_colour" not in c.fields  # derived from the risk points, never typed


def test_industry_letter_with_detail_and_free_text():
    assert clean_enterprise({"industry": "c-金属制品"}, creating=False).fields == {
        "industry": "C",
        "industry_detail": "金属制品",
    }
    api = clean_enterprise({"industry": "机械加工"}, creating=False)
    assert [e["key"] for e in api.errors] == ["industry"]
    sheet = clean_enterprise({"industry": "机械加工"}, creating=False, from_sheet=True)
    assert sheet.errors == [] and sheet.fields == {"industry_detail": "机械加工"}


def test_wrong_check_character_needs_confirmation_and_is_then_flagged():
    wrong = CODE[:17] + ("0" if CODE[17] != "0" else "1")
    refused = clean_enterprise({"name": "甲", "uscc": wrong}, creating=True)
    assert [e["key"] for e in refused.errors] == ["uscc"]
    ok = clean_enterprise({"name": "甲", "uscc": wrong, "uscc_confirmed": "是"}, creating=True)
    assert ok.errors == [] and ok.fields["uscc_flagged"] is True


def test_impossible_dates_and_unknown_words_are_named():
    c = clean_enterprise(
        {"standardisation_date": "2023-02-30", "is_key": "也许", "scale": "巨型", "active": "?"},
        creating=False,
    )
    assert {e["key"] for e in c.errors} == {"standardisation_date", "is_key", "scale", "active"}
