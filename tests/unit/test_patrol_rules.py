"""Patrol report rules (inspections/patrol/rules.py), pure: a triage is taken once (409),
each action's status (a duplicate takes its original's), what each action needs (dismiss:
a reason; refer: a department and a note; hazard: an enterprise; duplicate: the original),
and the fields of a new report."""

from __future__ import annotations

import datetime as dt

import pytest

from inspections.patrol import rules
from safety.errors import InvalidTransition


def test_only_a_new_report_may_be_triaged():
    rules.require_new("new")
    for status in rules.STATUSES:
        if status == "new":
            continue
        with pytest.raises(InvalidTransition) as e:
            rules.require_new(status)
        assert e.value.status_code == 409
        assert [x["key"] for x in e.value.extra] == ["status"]


@pytest.mark.parametrize(
    ("action", "status"), [("hazard", "hazard"), ("dismiss", "dismissed"), ("refer", "referred")]
)
def test_each_action_gives_its_status(action, status):
    assert rules.status_after(action) == status


@pytest.mark.parametrize("original", ["hazard", "dismissed", "referred"])
def test_a_duplicate_takes_its_originals_status(original):
    assert rules.status_after("duplicate", original) == original


@pytest.mark.parametrize("original", [None, "new"])
def test_a_duplicate_of_an_untriaged_report_is_refused(original):
    with pytest.raises(ValueError):
        rules.status_after("duplicate", original)


def _triage(**over) -> set[str]:
    fields = {"action": "dismiss", "reason": "", "to": "", "enterprise_id": None}
    fields["duplicate_of"] = None
    fields.update(over)
    return {e["key"] for e in rules.check_triage(**fields)}


@pytest.mark.parametrize(
    ("fields", "keys"),
    [
        ({"action": "dismiss"}, {"reason"}),
        ({"action": "dismiss", "reason": " \n\t"}, {"reason"}),  # blank is no reason
        ({"action": "dismiss", "reason": "非安全生产问题"}, set()),
        ({"action": "refer"}, {"to", "reason"}),
        ({"action": "refer", "to": "市场监管"}, {"reason"}),
        ({"action": "refer", "reason": "无照经营"}, {"to"}),
        ({"action": "refer", "to": "  ", "reason": "无照经营"}, {"to"}),
        ({"action": "refer", "to": "市场监管", "reason": "无照经营"}, set()),
        ({"action": "hazard"}, {"enterprise_id"}),
        ({"action": "hazard", "enterprise_id": 7}, set()),
        ({"action": "duplicate"}, {"duplicate_of"}),
        ({"action": "duplicate", "duplicate_of": 3}, set()),
        ({"action": "close", "reason": "x"}, {"action"}),
        ({"action": ""}, {"action"}),
    ],
)
def test_each_action_names_what_it_lacks(fields, keys):
    assert _triage(**fields) == keys


def _report(**over) -> set[str]:
    fields = {"description": "消防通道堆物", "address": "东门", "enterprise_id": None}
    fields.update({"lat": None, "lng": None})
    fields.update(over)
    return {e["key"] for e in rules.check_report(**fields)}


@pytest.mark.parametrize(
    ("fields", "keys"),
    [
        ({}, set()),
        ({"description": "  "}, {"description"}),
        ({"address": ""}, {"address"}),
        ({"address": "", "enterprise_id": 5}, set()),  # the enterprise is the place
        ({"lat": 36.6}, {"lng"}),
        ({"lng": 117.0}, {"lat"}),
        ({"lat": 36.6, "lng": 117.0}, set()),
        ({"lat": 90.0, "lng": -180.0}, set()),
        ({"lat": 90.01, "lng": 0.0}, {"lat"}),
        ({"lat": 0.0, "lng": 180.01}, {"lng"}),
        ({"description": "", "address": "", "lat": -91.0, "lng": 181.0},
         {"description", "address", "lat", "lng"}),
    ],
)  # fmt: skip
def test_a_report_names_each_bad_field(fields, keys):
    assert _report(**fields) == keys


def test_untriaged_means_longer_than_whole_days_before_the_moment_asked():
    as_of = dt.datetime(2026, 11, 27, 0, 10, tzinfo=dt.UTC)
    cutoff = rules.untriaged_cutoff(as_of, 2)
    assert cutoff == dt.datetime(2026, 11, 25, 0, 10, tzinfo=dt.UTC)
    # whole days, not dates: 00:11 two dates back has not waited two days, 00:09 has
    assert not dt.datetime(2026, 11, 25, 0, 11, tzinfo=dt.UTC) < cutoff
    assert dt.datetime(2026, 11, 25, 0, 9, tzinfo=dt.UTC) < cutoff
    assert rules.untriaged_cutoff(as_of, 0) == as_of
    assert rules.untriaged_cutoff(as_of) == cutoff  # the default is 2 days


def test_a_hazard_without_an_enterprise_names_the_field_and_the_other_outcomes():
    errors = rules.check_triage(
        action="hazard", reason="", to="", enterprise_id=None, duplicate_of=None
    )
    assert errors == [{"key": "enterprise_id", "message": rules.HAZARD_NEEDS_ENTERPRISE}]
    assert "转办或不予立案" in rules.HAZARD_NEEDS_ENTERPRISE
    assert "(" not in rules.HAZARD_NEEDS_ENTERPRISE  # one language
