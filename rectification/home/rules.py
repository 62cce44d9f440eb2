"""The enterprise's queues of open hazards (pure: no I/O, ``today`` an argument).

待整改 (``todo``): pending or rectifying. Of those, 已逾期 (``overdue``): the effective
deadline before today (``rectification.rules.is_overdue``); 即将到期 (``due``): due today or
within ``due_days`` (``SAFETY_REMIND_DUE_DAYS``, the reminders' own window). The home page
counts them in SQL (``rectification.home.queries``); ``/hazards?show=`` lists them with
``in_queue`` — the same definition, tested to agree.

自查 due (``self_check_due``): the last submitted self-inspection's day plus
``SAFETY_SELF_INSPECT_DAYS``; no self-inspection yet: due now.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

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


@dataclass(frozen=True)
class SelfCheckDue:
    """When the enterprise's next self-inspection (自查) is due: ``next_on`` (None: it
    never submitted one) and ``days_over``, the days past it (0 while not due)."""

    due: bool
    next_on: dt.date | None
    days_over: int


def self_check_due(last: dt.date | None, today: dt.date, every_days: int) -> SelfCheckDue:
    """Due when the last submitted self-inspection's day (``last``) is more than
    ``every_days`` (``SAFETY_SELF_INSPECT_DAYS``) days before ``today``, or there is none:
    the next one is due by ``last + every_days``, "自查已到期 N 天" the day after."""
    if last is None:
        return SelfCheckDue(True, None, 0)
    next_on = last + dt.timedelta(days=every_days)
    over = (today - next_on).days
    return SelfCheckDue(over > 0, next_on, max(over, 0))


# ---------------------------------------------------------------- the grid worker
def month_start(today: dt.date) -> dt.date:
    """The first day of ``today``'s calendar month: an enterprise is visited this month
    when a log of the worker's from this day to ``today`` names it."""
    return today.replace(day=1)
