"""Self-inspection (企业自查) rules, pure: who walks it (any contact of the inspected
enterprise, nobody else; an inspection of a campaign stays the expert group's), its
signatures (the checker's required, the principal's optional, no 拒签), the days it may be
dated, and who closes its hazards (the enterprise a general one, only an officer a major
one)."""

from __future__ import annotations

import datetime as dt
from itertools import product

import pytest

from inspections import rules
from inspections.rules import ChecklistEntry
from inspections.selfcheck.service import MAX_DAYS_AHEAD, MAX_DAYS_BACK, schedule_problems
from rectification.rules import may_verify

ROLES = ("admin", "officer", "inspector", "enterprise", "grid_worker")


@pytest.mark.parametrize(
    ("role", "in_group", "own"), list(product(ROLES, (False, True), (False, True)))
)
def test_only_a_contact_of_the_inspected_enterprise_walks_a_self_inspection(role, in_group, own):
    allowed = role == "enterprise" and own
    assert rules.may_walk(role, kind="self", in_group=in_group, own_enterprise=own) is allowed


@pytest.mark.parametrize(
    ("role", "in_group", "own"), list(product(ROLES, (False, True), (False, True)))
)
def test_a_campaign_inspection_is_walked_by_its_expert_group_only(role, in_group, own):
    allowed = role == "inspector" and in_group
    assert rules.may_walk(role, kind="campaign", in_group=in_group, own_enterprise=own) is allowed


ITEMS = [ChecklistEntry(1, "A1", "疏散通道畅通")]


def test_a_self_inspection_needs_the_checkers_signature_only():
    assert rules.missing_for_submit(ITEMS, [1], True, False, False, self_inspection=True) == []
    missing = rules.missing_for_submit(ITEMS, [1], False, True, False, self_inspection=True)
    assert [m["key"] for m in missing] == ["signatures.inspector"]
    # the same answers on a campaign inspection still need the enterprise's signature
    missing = rules.missing_for_submit(ITEMS, [1], True, False, False)
    assert [m["key"] for m in missing] == ["signatures.enterprise"]


def test_nobody_refuses_to_sign_their_own_self_inspection():
    assert [e["key"] for e in rules.self_signature_problems("enterprise", "不同意")] == [
        "refused_reason"
    ]
    assert rules.self_signature_problems("enterprise", "  ") == []
    assert rules.self_signature_problems("inspector", "") == []


@pytest.mark.parametrize(
    ("offset", "ok"),
    [
        (-MAX_DAYS_BACK - 1, False),
        (-MAX_DAYS_BACK, True),
        (0, True),
        (MAX_DAYS_AHEAD, True),
        (MAX_DAYS_AHEAD + 1, False),
    ],
)
def test_the_days_a_self_inspection_may_be_dated(offset, ok):
    today = dt.date(2026, 3, 31)
    problems = schedule_problems(today + dt.timedelta(days=offset), today)
    assert [p["key"] for p in problems] == ([] if ok else ["scheduled_on"])


@pytest.mark.parametrize(
    ("role", "level", "own", "allowed"),
    [
        ("enterprise", "general", True, True),
        ("enterprise", "major", True, False),  # a major one: only an officer closes it
        ("enterprise", "general", False, False),
        ("officer", "major", False, True),
        ("officer", "general", False, True),
        ("inspector", "general", False, False),
        ("grid_worker", "general", False, False),
    ],
)
def test_who_closes_a_self_found_hazard(role, level, own, allowed):
    facts = {"level": level, "source": "self_report", "is_own_enterprise": own}
    assert may_verify(role, is_inspector_of_hazard=True, **facts) is allowed
