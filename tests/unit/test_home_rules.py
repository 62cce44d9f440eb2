"""The enterprise's queues of open hazards (rectification.home.rules): 待整改, 即将到期
within the reminders' window, 已逾期."""

import datetime as dt

import pytest

from inspections.patrol.rules import GRID_OUTCOMES, outcome_filter
from rectification.home import rules
from rectification.home.rules import due_window, in_queue, month_start

TODAY = dt.date(2026, 5, 10)


def _day(days: int) -> dt.date:
    return TODAY + dt.timedelta(days=days)


@pytest.mark.parametrize("status", ["pending", "rectifying"])
def test_an_open_hazard_is_to_rectify_whatever_its_deadline(status):
    for days in (-5, 0, 3, 40):
        assert in_queue("todo", status, _day(days), TODAY, 3)


@pytest.mark.parametrize("status", ["submitted", "closed", "voided"])
def test_it_leaves_hazards_that_are_not_open_out_of_every_queue(status):
    for queue in ("todo", "due", "overdue"):
        assert not in_queue(queue, status, _day(-1), TODAY, 3)
        assert not in_queue(queue, status, _day(1), TODAY, 3)


def test_due_soon_is_today_to_the_last_day_of_the_window_both_included():
    due = [d for d in range(-2, 6) if in_queue("due", "pending", _day(d), TODAY, 3)]
    assert due == [0, 1, 2, 3]
    assert due_window(TODAY, 3) == (TODAY, _day(3))


def test_overdue_starts_the_day_after_the_deadline():
    assert not in_queue("overdue", "rectifying", TODAY, TODAY, 3)
    assert in_queue("overdue", "rectifying", _day(-1), TODAY, 3)


def test_it_refuses_an_unknown_queue():
    with pytest.raises(ValueError):
        in_queue("everything", "pending", TODAY, TODAY, 3)


# ---------------------------------------------------------------- the grid worker


@pytest.mark.parametrize("status", ["new", "hazard", "referred", "dismissed"])
def test_a_status_outcome_lists_that_status_without_the_duplicates(status):
    assert outcome_filter(status) == (status, False)


def test_the_duplicates_are_listed_whatever_fate_they_share():
    assert outcome_filter("duplicate") == (None, True)


def test_the_outcomes_are_the_report_statuses_and_the_duplicates():
    from inspections.patrol.rules import STATUSES

    assert set(GRID_OUTCOMES) == {*STATUSES, "duplicate"}


def test_it_refuses_an_unknown_outcome():
    with pytest.raises(ValueError):
        outcome_filter("closed")


@pytest.mark.parametrize(
    ("today", "first"),
    [
        (dt.date(2026, 5, 10), dt.date(2026, 5, 1)),
        (dt.date(2026, 5, 1), dt.date(2026, 5, 1)),
        (dt.date(2026, 12, 31), dt.date(2026, 12, 1)),
        (dt.date(2028, 2, 29), dt.date(2028, 2, 1)),
    ],
)
def test_this_month_starts_on_the_first_of_todays_month(today, first):
    assert month_start(today) == first


def test_a_self_inspection_is_due_the_day_after_its_interval():
    last, every = dt.date(2026, 11, 26), 30
    due_by = dt.date(2026, 12, 26)
    on_time = rules.self_check_due(last, dt.date(2026, 12, 8), every)
    assert on_time == rules.SelfCheckDue(False, due_by, 0)
    assert rules.self_check_due(last, due_by, every) == rules.SelfCheckDue(False, due_by, 0)
    late = rules.self_check_due(last, dt.date(2026, 12, 27), every)
    assert late == rules.SelfCheckDue(True, due_by, 1)
    assert rules.self_check_due(last, dt.date(2027, 1, 7), every).days_over == 12
    # the bounds of SAFETY_SELF_INSPECT_DAYS
    assert rules.self_check_due(last, dt.date(2026, 11, 28), 1).days_over == 1
    assert not rules.self_check_due(last, dt.date(2027, 11, 27), 366).due


def test_an_enterprise_that_never_self_inspected_is_due_now():
    never = rules.self_check_due(None, dt.date(2026, 12, 8), 30)
    assert never.due and never.next_on is None and never.days_over == 0
