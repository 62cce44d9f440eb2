"""The inspection records' pure rules (rectification.records.rules)."""

from __future__ import annotations

import datetime as dt

import pytest

from inspections.rules import STATES
from rectification.records import messages, rules

DAY = dt.date(2026, 3, 1)


def _keys(errors: list[dict[str, str]]) -> list[str]:
    return [e["key"] for e in errors]


def test_it_accepts_an_empty_filter_and_each_state():
    assert rules.filter_errors(None, None, None, None) == []
    for state in STATES:
        assert rules.filter_errors(DAY, DAY, state, "化工") == []


def test_it_refuses_an_end_before_the_start():
    assert _keys(rules.filter_errors(DAY, DAY - dt.timedelta(days=1), None, None)) == ["date_to"]


def test_it_refuses_an_unknown_state_and_an_overlong_name():
    assert _keys(rules.filter_errors(None, None, "done", None)) == ["state"]
    assert _keys(rules.filter_errors(None, None, None, "厂" * (rules.Q_MAX + 1))) == ["q"]
    assert rules.filter_errors(None, None, None, "厂" * rules.Q_MAX) == []


@pytest.mark.parametrize("state", STATES)
def test_only_a_started_inspection_has_documents(state):
    assert rules.has_documents(state) is (state in ("in_progress", "submitted"))


def test_every_refusal_names_a_message_in_both_languages():
    errors = rules.filter_errors(DAY, DAY - dt.timedelta(days=1), "x", "厂" * 200)
    for e in errors:
        zh, en = messages.MESSAGES[e["message"]]
        assert zh and en and not any("a" <= c.lower() <= "z" for c in zh)
    for state in STATES:
        assert f"records.state.{state}" in messages.MESSAGES
