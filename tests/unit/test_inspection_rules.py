"""Inspection and hazard rules: transitions, default deadlines, what submit requires, the
hazard vocabularies and signatures. Pure rules, no database."""

import datetime as dt

import pytest

from inspections import rules
from inspections.rules import ChecklistEntry
from safety.errors import InvalidTransition

ALLOWED = {
    ("planned", "start"): "in_progress",
    ("in_progress", "submit"): "submitted",
    ("planned", "cancel"): "cancelled",
}


@pytest.mark.parametrize("state", rules.STATES)
@pytest.mark.parametrize("action", sorted(rules.TRANSITIONS))
def test_it_allows_exactly_the_life_cycle_transitions(state, action):
    if (state, action) in ALLOWED:
        assert rules.next_state(state, action) == ALLOWED[state, action]
    else:
        with pytest.raises(InvalidTransition) as refused:
            rules.next_state(state, action)
        # the 409 names the current state
        assert f"「{rules.STATE_LABELS[state]}」" in refused.value.detail
        assert refused.value.extra == [{"key": "state", "message": f"当前状态：{state}"}]


def test_it_never_leaves_submitted_or_cancelled():
    for state in ("submitted", "cancelled"):
        for action in rules.TRANSITIONS:
            with pytest.raises(InvalidTransition):
                rules.next_state(state, action)


@pytest.mark.parametrize("state", ["planned", "submitted", "cancelled"])
def test_it_refuses_edits_outside_in_progress(state):
    with pytest.raises(InvalidTransition) as refused:
        rules.require_editable(state, "检查结果")
    assert f"「{rules.STATE_LABELS[state]}」" in refused.value.detail


def test_it_allows_edits_in_progress():
    rules.require_editable("in_progress", "检查结果")


DAYS = {"general": 15, "major": 60}


def test_the_default_deadline_counts_from_the_inspection_day():
    day = dt.date(2026, 11, 2)
    assert rules.default_deadline(day, "general", DAYS) == dt.date(2026, 11, 17)
    assert rules.default_deadline(day, "major", DAYS) == dt.date(2027, 1, 1)


def test_a_back_dated_inspection_keeps_the_deadline_it_had_on_site():
    paper_day = dt.date(2026, 1, 10)  # entered in November from a paper record
    assert rules.default_deadline(paper_day, "general", DAYS) == dt.date(2026, 1, 25)
    assert rules.default_deadline(paper_day, "general", {"general": 7, "major": 30}) == dt.date(
        2026, 1, 17
    )


def test_deadline_days_default_to_fifteen_and_sixty():
    assert rules.deadline_days(None, None) == {"general": 15, "major": 60}
    assert rules.deadline_days(7, None) == {"general": 7, "major": 60}


def test_overdue_is_open_and_past_the_deadline():
    deadline = dt.date(2026, 3, 1)
    assert rules.is_overdue("pending", deadline, dt.date(2026, 3, 2))
    assert rules.is_overdue("rectifying", deadline, dt.date(2026, 3, 2))
    assert not rules.is_overdue("pending", deadline, deadline)  # the deadline day itself
    for status in ("submitted", "closed", "voided"):
        assert not rules.is_overdue(status, deadline, dt.date(2027, 1, 1))


ITEMS = [ChecklistEntry(11, "A1", "消防通道畅通"), ChecklistEntry(12, "A2", "灭火器在有效期内")]


def test_submit_needs_nothing_more_when_all_answered_and_both_signed():
    assert rules.missing_for_submit(ITEMS, [11, 12], True, True, False) == []


def test_a_recorded_refusal_stands_for_the_enterprise_signature():
    assert rules.missing_for_submit(ITEMS, [11, 12], True, False, True) == []


def test_submit_names_each_unanswered_item_and_each_missing_signature():
    missing = rules.missing_for_submit(ITEMS, [12], False, False, False)
    assert [m["key"] for m in missing] == [
        "items.11",
        "signatures.inspector",
        "signatures.enterprise",
    ]
    assert "A1" in missing[0]["message"]


def test_submit_lists_items_in_checklist_order():
    missing = rules.missing_for_submit(ITEMS, [], True, True, False)
    assert [m["key"] for m in missing] == ["items.11", "items.12"]


def test_results_for_items_off_the_checklist_are_named_once():
    errors = rules.unknown_items([11, 99, 99, 12, 7], {11, 12})
    assert [e["key"] for e in errors] == ["items.99", "items.7"]
    assert "99" in errors[0]["message"]


def _hazard(**changes):
    fields = {
        "description": "配电箱未接地",
        "level": "general",
        "category": "site",
        "subcategory": "电气",
        "factor": "thing",
        "major_basis": "",
        "fixed_on_spot": False,
        "deadline": None,
        "found_on": dt.date(2026, 11, 2),
    }
    fields.update(changes)
    return {e["key"] for e in rules.check_hazard(**fields)}


def test_a_well_formed_hazard_passes():
    assert _hazard() == set()
    assert _hazard(level="major", major_basis="第四条第（一）项") == set()
    assert _hazard(factor=None) == set()


def test_it_names_each_bad_hazard_field():
    assert _hazard(description=" ", level="huge", category="x", subcategory="y", factor="z") == {
        "description",
        "level",
        "category",
        "subcategory",
        "factor",
    }


def test_a_major_hazard_needs_its_basis():
    assert _hazard(level="major") == {"major_basis"}


def test_only_a_general_hazard_is_fixed_on_the_spot():
    assert _hazard(fixed_on_spot=True) == set()
    assert _hazard(level="major", major_basis="第四条", fixed_on_spot=True) == {"fixed_on_spot"}


def test_a_deadline_before_the_inspection_day_is_refused():
    assert _hazard(deadline=dt.date(2026, 11, 1)) == {"deadline"}
    assert _hazard(deadline=dt.date(2026, 11, 2)) == set()


def test_every_sub_category_of_the_product_is_known():
    assert len(rules.SUBCATEGORIES) == 12
    for sub in ("电气", "消防", "制度/培训", "其他"):
        assert _hazard(subcategory=sub) == set()


def _signature(signer="enterprise", name="李四", has_file=True, refused=""):
    return {e["key"] for e in rules.check_signature(signer, name, has_file, refused)}


def test_a_drawn_signature_needs_a_name():
    assert _signature() == set()
    assert _signature(name=" ") == {"signer_name"}


def test_only_the_enterprise_may_refuse_and_then_gives_a_reason():
    assert _signature(has_file=False, refused="负责人不在现场", name="") == set()
    assert _signature(signer="inspector", has_file=False, refused="不签") == {
        "refused_reason",
        "file",
    }
    assert _signature(has_file=False) == {"file"}
    assert _signature(refused="不签") == {"refused_reason"}
    assert _signature(signer="boss") == {"signer"}


def test_a_signer_name_fits_its_column_and_no_text_holds_a_control_character():
    from inspections.tables import Inspection

    assert rules.SIGNER_NAME_MAX == Inspection.inspector_signer_name.length
    assert rules.SIGNER_NAME_MAX == Inspection.enterprise_signer_name.length
    assert _signature(name="李" * rules.SIGNER_NAME_MAX + "  ") == set()  # stored trimmed
    assert _signature(name="李" * (rules.SIGNER_NAME_MAX + 1)) == {"signer_name"}
    assert _signature(name="李\x00四") == {"signer_name"}
    assert _signature(name="李\u202e四") == {"signer_name"}
    assert _signature(has_file=False, name="", refused="不在\x1b现场") == {"refused_reason"}
    assert _signature(has_file=False, name="", refused="不在现场\r\n另约") == set()


def test_a_campaign_needs_a_name_a_known_kind_an_ordered_period_and_sane_days():
    ok = rules.check_campaign(
        "冬季大检查", "seasonal", dt.date(2026, 1, 1), dt.date(2026, 2, 1), DAYS
    )
    assert ok == []
    bad = rules.check_campaign(
        " ", "party", dt.date(2026, 2, 1), dt.date(2026, 1, 1), {"general": 0, "major": 60}
    )
    assert {e["key"] for e in bad} == {"name", "kind", "ends_on", "deadline_days.general"}


def test_a_batch_window_lies_inside_its_campaign():
    start, end = dt.date(2026, 1, 1), dt.date(2026, 3, 31)
    assert rules.check_window(dt.date(2026, 1, 5), dt.date(2026, 2, 1), start, end) == []
    keys = {
        e["key"] for e in rules.check_window(dt.date(2025, 12, 1), dt.date(2026, 4, 1), start, end)
    }
    assert keys == {"starts_on", "ends_on"}
