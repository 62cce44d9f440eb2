"""The hazard life cycle as pure rules (rectification/rules.py): every transition allowed
and refused, who verifies, effective deadlines with extensions, overdue, 五落实."""

from __future__ import annotations

import datetime as dt
import itertools

import pytest

from rectification import rules
from rectification.rules import Action, Extension
from safety.errors import Forbidden, InvalidTransition, ValidationFailed

D = dt.date
STATES = ["pending", "rectifying", "submitted", "closed", "voided"]
ALLOWED = {
    (Action.plan, "pending"): "rectifying",
    (Action.plan, "rectifying"): "rectifying",
    (Action.submit, "pending"): "submitted",  # general only
    (Action.submit, "rectifying"): "submitted",
    (Action.verify_pass, "submitted"): "closed",
    (Action.verify_fail, "submitted"): "rectifying",
    (Action.void, "pending"): "voided",
    (Action.void, "rectifying"): "voided",
    (Action.void, "submitted"): "voided",
    (Action.extend, "pending"): "pending",
    (Action.extend, "rectifying"): "rectifying",
}


@pytest.mark.parametrize(("action", "state"), list(itertools.product(Action, STATES)))
def test_every_transition_is_allowed_or_refused_naming_the_state(action, state):
    expected = ALLOWED.get((action, state))
    if expected is None:
        with pytest.raises(InvalidTransition) as refused:
            rules.next_status(state, action, "general")
        assert f"「{rules.STATUS_LABELS[state]}」" in refused.value.detail
        assert refused.value.extra == [{"key": "status", "message": f"当前状态：{state}"}]
    else:
        assert rules.next_status(state, action, "general").value == expected


def test_a_major_hazard_cannot_submit_evidence_without_a_plan():
    with pytest.raises(InvalidTransition, match="五落实"):
        rules.next_status("pending", Action.submit, "major")
    assert rules.next_status("rectifying", Action.submit, "major").value == "submitted"


def test_closed_is_final():
    for action in Action:
        with pytest.raises(InvalidTransition):
            rules.next_status("closed", action, "major")


@pytest.mark.parametrize(
    ("role", "facts", "allowed"),
    [
        ("officer", {"level": "major", "source": "inspection"}, True),
        ("officer", {"level": "major", "source": "self_report"}, True),
        (
            "inspector",
            {"level": "general", "source": "inspection", "is_inspector_of_hazard": True},
            True,
        ),
        ("inspector", {"level": "general", "source": "inspection"}, False),
        (
            "inspector",
            {"level": "general", "source": "self_report", "is_inspector_of_hazard": True},
            False,
        ),
        (
            "enterprise",
            {"level": "general", "source": "self_report", "is_own_enterprise": True},
            True,
        ),
        (
            "enterprise",
            {"level": "major", "source": "self_report", "is_own_enterprise": True},
            False,
        ),
        (
            "enterprise",
            {"level": "general", "source": "inspection", "is_own_enterprise": True},
            False,
        ),
        ("enterprise", {"level": "general", "source": "self_report"}, False),
        ("admin", {"level": "general", "source": "inspection"}, False),
        ("grid_worker", {"level": "general", "source": "patrol"}, False),
    ],
)
def test_who_may_verify(role, facts, allowed):
    assert rules.may_verify(role, **facts) is allowed
    if not allowed:
        with pytest.raises(Forbidden):
            rules.require_verifier(role, **facts)


def _at(day: int) -> dt.datetime:
    return dt.datetime(2026, 3, day, 9, tzinfo=dt.UTC)


def test_effective_deadline_is_the_original_without_an_approved_extension():
    assert rules.effective_deadline(D(2026, 3, 15), []) == D(2026, 3, 15)
    pending = Extension(D(2026, 4, 1), "pending")
    refused = Extension(D(2026, 4, 2), "refused", _at(3))
    assert rules.effective_deadline(D(2026, 3, 15), [pending, refused]) == D(2026, 3, 15)


def test_effective_deadline_is_the_most_recently_approved_extension():
    first = Extension(D(2026, 4, 30), "approved", _at(2))
    second = Extension(D(2026, 4, 10), "approved", _at(9))
    assert rules.effective_deadline(D(2026, 3, 15), [first]) == D(2026, 4, 30)
    assert rules.effective_deadline(D(2026, 3, 15), [second, first]) == D(2026, 4, 10)


@pytest.mark.parametrize(
    ("status", "today", "overdue"),
    [
        ("pending", D(2026, 3, 15), False),  # the deadline day itself is not overdue
        ("pending", D(2026, 3, 16), True),
        ("rectifying", D(2026, 3, 16), True),
        (
            "submitted",
            D(2026, 3, 16),
            False,
        ),  # waiting for verification: not the enterprise's delay
        ("closed", D(2026, 4, 16), False),
        ("voided", D(2026, 4, 16), False),
    ],
)
def test_overdue_is_open_and_after_the_effective_deadline(status, today, overdue):
    assert rules.is_overdue(status, D(2026, 3, 15), today) is overdue


def test_overdue_follows_an_approved_extension():
    effective = rules.effective_deadline(
        D(2026, 3, 15), [Extension(D(2026, 3, 31), "approved", _at(10))]
    )
    assert not rules.is_overdue("rectifying", effective, D(2026, 3, 20))
    assert rules.is_overdue("rectifying", effective, D(2026, 4, 1))
    assert rules.days_left(effective, D(2026, 3, 20)) == 11


FULL_PLAN = {
    "responsible_person": "王强",
    "measures": "更换防爆电机",
    "funds": "2万元，企业自筹",
    "deadline": D(2026, 3, 10),
    "contingency_plan": "停用设备，设置警戒区",
}
FACTS = {"found_on": D(2026, 3, 1), "effective": D(2026, 3, 15)}


@pytest.mark.parametrize("missing", list(rules.FIVE_MUSTS))
def test_a_major_plan_needs_each_of_the_five_musts(missing):
    plan = dict(FULL_PLAN, **{missing: "" if missing != "deadline" else None})
    with pytest.raises(ValidationFailed) as refused:
        rules.require_plan(plan, level="major", **FACTS)
    assert [e["key"] for e in refused.value.extra] == [missing]


def test_a_complete_major_plan_passes_and_a_general_plan_needs_only_measures():
    rules.require_plan(FULL_PLAN, level="major", **FACTS)
    rules.require_plan({"measures": "清理通道"}, level="general", **FACTS)
    with pytest.raises(ValidationFailed):
        rules.require_plan({"measures": "  "}, level="general", **FACTS)


def test_a_plan_deadline_after_the_effective_deadline_needs_an_extension():
    late = dict(FULL_PLAN, deadline=D(2026, 3, 16))
    assert [e["key"] for e in rules.plan_problems(late, level="major", **FACTS)] == ["deadline"]
    early = dict(FULL_PLAN, deadline=D(2026, 2, 28))
    assert [e["key"] for e in rules.plan_problems(early, level="major", **FACTS)] == ["deadline"]
    extended = dict(FACTS, effective=D(2026, 3, 31))
    assert rules.plan_problems(late, level="major", **extended) == []


@pytest.mark.parametrize(
    ("completed_on", "keys"),
    [
        (D(2026, 3, 5), []),
        (D(2026, 3, 1), []),  # the day it was found
        (D(2026, 2, 28), ["completed_on"]),
        (D(2026, 3, 11), ["completed_on"]),  # tomorrow
    ],
)
def test_evidence_dates(completed_on, keys):
    problems = rules.evidence_problems(
        description="已清理",
        completed_on=completed_on,
        found_on=D(2026, 3, 1),
        today=D(2026, 3, 10),
    )
    assert [e["key"] for e in problems] == keys


def test_evidence_needs_a_description():
    problems = rules.evidence_problems(
        description=" ", completed_on=D(2026, 3, 5), found_on=D(2026, 3, 1), today=D(2026, 3, 10)
    )
    assert [e["key"] for e in problems] == ["description"]


def _extension(**kw):
    args = {
        "status": "rectifying",
        "new_deadline": D(2026, 3, 31),
        "reason": "设备到货延迟",
        "effective": D(2026, 3, 15),
        "today": D(2026, 3, 10),
        "has_pending": False,
    }
    args.update(kw)
    return rules.extension_problems(**args)


def test_extension_requests():
    assert _extension() == ([], None)
    assert _extension(has_pending=True)[1] is not None
    assert [e["key"] for e in _extension(new_deadline=D(2026, 3, 15))[0]] == ["new_deadline"]
    assert [e["key"] for e in _extension(reason="")[0]] == ["reason"]
    for state in ("submitted", "closed", "voided"):
        with pytest.raises(InvalidTransition):
            _extension(status=state)


def test_void_needs_a_reason():
    assert rules.void_problems("") and not rules.void_problems("重复录入")


# ---------------------------------------------------------------- evidence by level (issue 18)

MAJOR_PLAN = {
    "responsible_person": "王强",
    "measures": "更换防爆电机",
    "funds": "2万元",
    "deadline": D(2026, 3, 1),
    "contingency_plan": "停用设备",
}


@pytest.mark.parametrize(
    ("level", "major_min", "general_min", "photos", "refused"),
    [
        # the defaults: one photo for either level
        ("general", 1, 1, 0, True),
        ("general", 1, 1, 1, False),
        ("general", 1, 1, 2, False),
        ("major", 1, 1, 0, True),
        ("major", 1, 1, 1, False),
        ("major", 1, 1, 2, False),
        # a general hazard's photo may be waived
        ("general", 1, 0, 0, False),
        ("general", 1, 0, 1, False),
        # two asked for
        ("general", 1, 2, 1, True),
        ("general", 1, 2, 2, False),
        ("major", 2, 1, 1, True),
        ("major", 2, 1, 2, False),
        # a major hazard never goes without one, whatever the setting says
        ("major", 0, 0, 0, True),
        ("major", 0, 0, 1, False),
    ],
)
def test_evidence_needs_the_levels_after_photos(level, major_min, general_min, photos, refused):
    problems = rules.evidence_photo_problems(
        level, photos, major_min=major_min, general_min=general_min
    )
    assert [p["key"] for p in problems] == (["photo_ids"] if refused else [])
    if refused:
        assert "整改后照片" in problems[0]["message"]
        assert "(" not in problems[0]["message"]  # one language per message


def test_the_minimum_of_after_photos_by_level():
    assert rules.min_after_photos("general", major_min=1, general_min=0) == 0
    assert rules.min_after_photos("general", major_min=3, general_min=2) == 2
    assert rules.min_after_photos("major", major_min=3, general_min=0) == 3
    assert rules.min_after_photos("major", major_min=0, general_min=0) == 1


@pytest.mark.parametrize("missing", list(rules.FIVE_MUSTS))
def test_a_major_hazards_evidence_refuses_a_plan_missing_one_of_the_five_musts(missing):
    for blank in (None, "", "  "):
        plan = {**MAJOR_PLAN, missing: blank}
        if missing == "deadline" and blank is not None:
            continue  # a date column is a date or NULL
        assert [p["key"] for p in rules.evidence_plan_problems(plan, level="major")] == [missing]
    without = {k: v for k, v in MAJOR_PLAN.items() if k != missing}
    assert [p["key"] for p in rules.evidence_plan_problems(without, level="major")] == [missing]


def test_a_major_hazards_evidence_needs_a_plan_and_a_general_one_none():
    assert rules.evidence_plan_problems(MAJOR_PLAN, level="major") == []
    assert [p["key"] for p in rules.evidence_plan_problems(None, level="major")] == list(
        rules.FIVE_MUSTS
    )
    assert rules.evidence_plan_problems(None, level="general") == []
    assert rules.evidence_plan_problems({"measures": ""}, level="general") == []


# ---------------------------------------------------------------- verification (issue 18)


@pytest.mark.parametrize(
    ("result", "comment", "level", "keys"),
    [
        ("pass", "", "general", []),
        ("pass", "", "major", ["comment"]),
        ("pass", "   ", "major", ["comment"]),
        ("pass", "现场复查，整改到位", "major", []),
        ("fail", "", "general", ["comment"]),
        ("fail", "", "major", ["comment"]),
        ("fail", "接地未恢复", "major", []),
        ("maybe", "x", "general", ["result"]),
    ],
)
def test_a_verification_says_why_and_a_major_pass_needs_an_opinion(result, comment, level, keys):
    problems = rules.verification_problems(result, comment, level=level)
    assert [p["key"] for p in problems] == keys
    assert all("(" not in p["message"] for p in problems)


def test_only_a_major_pass_on_the_page_asks_again():
    assert rules.needs_confirmation("pass", "major", confirmed=False)
    assert not rules.needs_confirmation("pass", "major", confirmed=True)
    assert not rules.needs_confirmation("pass", "general", confirmed=False)
    assert not rules.needs_confirmation("fail", "major", confirmed=False)


@pytest.mark.parametrize(
    ("role", "level", "countersign", "closes"),
    [
        ("inspector", "major", False, True),  # the default: off
        ("inspector", "major", True, False),
        ("inspector", "general", True, True),
        ("officer", "major", True, True),
        ("enterprise", "general", True, True),
    ],
)
def test_a_countersign_holds_only_an_inspectors_major_pass(role, level, countersign, closes):
    assert rules.pass_closes(role, level, countersign=countersign) is closes


def test_a_pass_awaits_countersign_until_the_next_submission():
    passed = {"result": "pass", "submission_id": 7}
    failed = {"result": "fail", "submission_id": 7}
    assert rules.awaiting_countersign([passed], 7)
    assert not rules.awaiting_countersign([passed], 8)  # evidence sent again
    assert not rules.awaiting_countersign([failed], 7)
    assert not rules.awaiting_countersign([], 7)


# ---------------------------------------------------------------- void (issue 18)


@pytest.mark.parametrize(
    ("status", "cancelled"),
    [("pending", True), ("approved", False), ("refused", False), ("cancelled", False)],
)
def test_voiding_cancels_only_a_pending_extension_request(status, cancelled):
    assert rules.cancelled_by_void(status) is cancelled


def test_a_cancelled_extension_does_not_move_the_deadline():
    cancelled = Extension(D(2026, 9, 1), "cancelled", dt.datetime(2026, 8, 1, tzinfo=dt.UTC))
    assert rules.effective_deadline(D(2026, 8, 15), [cancelled]) == D(2026, 8, 15)
    assert set(rules.EXTENSION_STATUS_LABELS) == {"pending", "approved", "refused", "cancelled"}


def test_the_evidence_settings_and_their_defaults():
    from pydantic import ValidationError

    from safety.settings import Settings

    key = "k" * 40
    defaults = Settings(secret_key=key)
    assert defaults.evidence_major_min_photos == 1
    assert defaults.evidence_general_min_photos == 1
    assert defaults.major_countersign is False
    assert Settings(secret_key=key, evidence_general_min_photos=0).evidence_general_min_photos == 0
    with pytest.raises(ValidationError):
        Settings(secret_key=key, evidence_major_min_photos=0)  # a major hazard: at least one
    with pytest.raises(ValidationError):
        Settings(secret_key=key, evidence_general_min_photos=21)  # more than a submission holds
