"""Planning rules (inspections.rules): an inspection's day inside its batch's window, else
its campaign's period; a campaign that has not ended; which booking (已安排) to show; the
default ticks of a form; the double-booking 409's field error. And the weekly series'
bucket expression (rectification.figures.series._bucket), evaluated by SQLite itself."""

from __future__ import annotations

import datetime as dt
import sqlite3

from inspections import rules
from rectification.figures.series import _bucket

D = dt.date
CAMPAIGN = (D(2026, 3, 1), D(2026, 6, 30))
BATCH = (D(2026, 4, 1), D(2026, 4, 30))


def test_it_allows_a_day_inside_the_batch_window_including_both_ends_and_the_past():
    for day in (D(2026, 4, 1), D(2026, 4, 15), D(2026, 4, 30)):
        assert rules.scheduled_on_problems(day, CAMPAIGN, BATCH) == []
    # Back-dated paper records inside the period stay allowed (the rule has no "today").
    assert rules.scheduled_on_problems(D(2026, 3, 1), CAMPAIGN) == []


def test_it_refuses_a_day_outside_the_batch_window_naming_scheduled_on_and_the_range():
    for day in (D(2026, 3, 31), D(2026, 5, 1), D(2000, 1, 3)):
        (problem,) = rules.scheduled_on_problems(day, CAMPAIGN, BATCH)
        assert problem["key"] == "scheduled_on"
        assert "批次期间 2026-04-01 至 2026-04-30" in problem["message"]


def test_it_refuses_a_day_outside_the_campaign_period_when_there_is_no_batch():
    assert rules.scheduled_on_problems(D(2026, 6, 30), CAMPAIGN) == []
    (problem,) = rules.scheduled_on_problems(D(2026, 7, 1), CAMPAIGN)
    assert problem["key"] == "scheduled_on"
    assert "活动期间 2026-03-01 至 2026-06-30" in problem["message"]
    assert "(" not in problem["message"]  # one language per message


def test_a_campaign_runs_until_its_last_day_included():
    assert rules.campaign_running(D(2026, 6, 30), D(2026, 6, 30))
    assert rules.campaign_running(D(2026, 6, 30), D(2026, 1, 1))  # not started: not ended
    assert not rules.campaign_running(D(2026, 6, 30), D(2026, 7, 1))


def test_the_booking_shown_is_an_open_inspection_before_a_place_in_a_plan_then_the_earliest():
    plan = rules.Booking(1, 7, "春季检查", D(2026, 4, 1), D(2026, 4, 30))
    later = rules.Booking(1, 8, "专项", D(2026, 5, 2), D(2026, 5, 2), inspection_id=30)
    sooner = rules.Booking(1, 9, "夏季", D(2026, 4, 20), D(2026, 4, 20), inspection_id=31)
    assert rules.first_booking([plan, later, sooner]) == sooner
    assert rules.first_booking([plan, later]) == later
    assert rules.first_booking([plan]) == plan
    assert rules.first_booking([]) is None


def test_a_form_does_not_tick_booked_enterprises_by_default_and_keeps_the_order():
    assert rules.default_ticks([5, 3, 9, 1], {3: object(), 1: object()}) == [5, 9]
    assert rules.default_ticks([5, 3], []) == [5, 3]


def test_the_double_booking_error_names_the_enterprise_and_the_existing_inspection():
    problem = rules.duplicate_problem("五金厂", 42, "planned", D(2026, 4, 3))
    assert problem["key"] == "enterprise_id" and problem["inspection_id"] == 42
    assert "五金厂" in problem["message"] and "#42" in problem["message"]
    assert "待检查" in problem["message"] and "2026-04-03" in problem["message"]


def _week(value: str | None, bounds: list[str]) -> int:
    with sqlite3.connect(":memory:") as db:
        literals = [f"'{b}'" for b in bounds]
        return db.execute(
            f"SELECT {_bucket('x', literals)} FROM (SELECT ? AS x)", (value,)
        ).fetchone()[0]


def test_the_week_bucket_counts_the_week_starts_reached_and_null_reaches_none():
    bounds = ["2026-01-12", "2026-01-19", "2026-01-26"]
    cases = {
        "2026-01-05": 0,
        "2026-01-11": 0,
        "2026-01-12": 1,
        "2026-01-25": 2,
        "2026-01-26": 3,
        "2027-01-01": 3,
        None: 0,
    }
    for value, week in cases.items():
        assert _week(value, bounds) == week, value
    assert _week("2026-01-20", []) == 0


def test_the_week_bucket_stays_shallow_for_any_number_of_weeks():
    """A hundred-year series (5,200 week starts; the bucket covers only the closings' span,
    the system's age): SQLite's depth limit is 1,000, the old sum of one CASE per week
    failed past ~990, a binary search of nested CASEs overflowed the parser's stack."""
    first = D(2000, 1, 3)
    bounds = [(first + dt.timedelta(weeks=k)).isoformat() for k in range(1, 5_200)]
    assert _week("2000-01-09", bounds) == 0
    assert _week("2026-12-07", bounds) == (D(2026, 12, 7) - first).days // 7
    assert _week("2999-12-31", bounds) == len(bounds)


def test_it_refuses_batches_and_inspections_after_the_campaign_end_naming_the_day():
    end = D(2026, 6, 30)
    assert rules.ended_campaign_refusal(end, D(2026, 6, 30), "新建批次") is None
    assert rules.ended_campaign_refusal(end, D(2026, 1, 1), "新建批次") is None
    message = rules.ended_campaign_refusal(end, D(2026, 7, 1), "生成检查任务")
    assert message == "活动已于 2026-06-30 结束，不能再生成检查任务"
