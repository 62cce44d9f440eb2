"""Checklist rules, pure: validation paths, vocabularies, major_basis, fingerprint, changes,
and the sheet reading rules."""

import pytest

from inspections.checklists import rules, sheets
from safety.errors import ValidationFailed


def tpl(**over):
    t = {
        "code": "t",
        "name": "表",
        "domain": "电气",
        "sections": [
            {
                "title": "A",
                "items": [
                    {
                        "code": "A-1",
                        "text": "内容",
                        "legal_basis": "依据",
                        "category": "site",
                        "subcategory": "电气",
                        "default_level": "general",
                    }
                ],
            }
        ],
    }
    t.update(over)
    return t


def keys(t):
    return [e["key"] for e in rules.clean_template(t).errors]


def test_it_accepts_a_minimal_template_and_fills_major_basis():
    cleaned = rules.clean_template(tpl())
    assert cleaned.errors == []
    assert cleaned.template["sections"][0]["items"][0]["major_basis"] == ""


def test_it_requires_major_basis_for_major_items_only():
    t = tpl()
    t["sections"][0]["items"][0]["default_level"] = "major"
    assert keys(t) == ["sections[0].items[0].major_basis"]
    t["sections"][0]["items"][0].update(default_level="general", major_basis="第三条")
    assert keys(t) == ["sections[0].items[0].major_basis"]


def test_it_refuses_control_characters_and_non_objects():
    t = tpl(name="表\x00")
    assert keys(t) == ["name"]
    assert keys({"code": "x", "name": "y", "sections": [1]}) == ["sections[0]"]
    assert keys([]) == ["_"]


def test_the_fingerprint_ignores_ids_and_sees_order_and_text():
    a = tpl()
    b = tpl()
    b["id"] = 5
    b["sections"][0]["id"] = 9
    assert rules.fingerprint(a) == rules.fingerprint(b)
    b["sections"][0]["items"][0]["text"] = "内容2"
    assert rules.fingerprint(a) != rules.fingerprint(b)


def test_changes_lists_added_removed_and_changed_codes():
    old = tpl()
    new = tpl()
    new["sections"][0]["items"][0]["text"] = "新"
    new["sections"][0]["items"].append({**new["sections"][0]["items"][0], "code": "A-2"})
    assert rules.changes(old, new) == {"added": ["A-2"], "removed": [], "changed": ["A-1"]}
    assert rules.changes(new, old)["removed"] == ["A-2"]


def test_a_sheet_row_without_a_section_continues_the_one_above():
    rows = [
        ["检查表"],
        ["检查项目", "编号", "检查内容", "检查依据", "隐患级别"],
        ["一", "1", "a", "b", "重大隐患"],
        [None, "2", "c", "d", ""],
        ["二", "3", "e", "f", "一般"],
    ]
    sheet = sheets.parse_rows(rows)
    assert [s["title"] for s in sheet.sections] == ["一", "二"]
    assert [i["default_level"] for i in sheet.sections[0]["items"]] == ["major", "general"]
    assert sheet.rows == {
        "sections[0].items[0]": 3,
        "sections[0].items[1]": 4,
        "sections[1].items[0]": 5,
    }
    sheets.check(sheet, "c", "n", "", "")
    assert [(e.row, e.field) for e in sheet.errors] == [(3, "major_basis")]


def test_a_sheet_must_start_with_a_section():
    rows = [["检查项目", "编号", "检查内容", "检查依据", "隐患级别"], [None, "1", "a", "b", "一般"]]
    with pytest.raises(ValidationFailed):
        sheets.parse_rows(rows)  # no items at all once the orphan row is refused
