"""The enterprise's queues of open hazards (pure: no I/O, ``today`` an argument).

待整改 (``todo``): pending or rectifying. Of those, 已逾期 (``overdue``): the effective
deadline before today (``rectification.rules.is_overdue``); 即将到期 (``due``): due today or
within ``due_days`` (``SAFETY_REMIND_DUE_DAYS``, the reminders' own window). The home page
counts them in SQL (``rectification.home.queries``); ``/hazards?show=`` lists them with
``in_queue`` — the same definition, tested to agree.
"""

from __future__ import annotations

import datetime as dt

from rectification import rules

QUEUES = ("todo", "due", "overdue", "returned")
OPEN = ("pending", "rectifying")


def in_queue(queue: str, status: str, effective: dt.date, today: dt.date, due_days: int) -> bool:
    """Whether a hazard with ``status`` and ``effective`` deadline is in ``queue``
    (``returned`` needs the verifications: see ``queries.returned_ids``)."""
    if status not in OPEN:
        return False
    if queue == "todo":
        return True
    if queue == "overdue":
        return rules.is_overdue(status, effective, today)
    if queue == "due":
        return 0 <= rules.days_left(effective, today) <= due_days
    raise ValueError(f"unknown queue {queue!r}")


def due_window(today: dt.date, due_days: int) -> tuple[dt.date, dt.date]:
    """The first and last effective deadline of 即将到期 (both included)."""
    return today, today + dt.timedelta(days=due_days)


# ---------------------------------------------------------------- the grid worker
# 我的上报 by outcome: each report in exactly one. A report linked as a duplicate (重复上报)
# takes its original's status (inspections.patrol.rules.status_after) but its outcome for
# the worker is 重复, so the five counts add up to all their reports.
GRID_OUTCOMES = ("new", "hazard", "referred", "dismissed", "duplicate")


def outcome_filter(outcome: str) -> tuple[str | None, bool]:
    """The (status, duplicate) a list filters on for ``outcome``: a status, or None for
    any; ``duplicate`` whether the report is linked as a duplicate (else it is not)."""
    if outcome not in GRID_OUTCOMES:
        raise ValueError(f"unknown outcome {outcome!r}")
    if outcome == "duplicate":
        return None, True
    return outcome, False


def month_start(today: dt.date) -> dt.date:
    """The first day of ``today``'s calendar month: an enterprise is visited this month
    when a log of the worker's from this day to ``today`` names it."""
    return today.replace(day=1)
