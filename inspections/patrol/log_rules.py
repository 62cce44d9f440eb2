"""Pure rules of the patrol log (网格日志): what a valid entry is and how a second entry of
the same day joins the first. No I/O; ``today`` is an argument."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

NOTES_MAX = 2000  # one entry
# A day's log: entries of the same day are merged into it, so its notes are capped as a
# whole. 6,000 characters are three full entries; a day of rounds is a few hundred. An
# entry that would pass it is refused (400 naming ``notes``): cutting it would silently
# lose what the worker wrote, and the worker can shorten it (docs/dev/hardening.md).
DAY_NOTES_MAX = 6000
DAY_NOTES_FULL = f"当天日志的巡查情况最多 {DAY_NOTES_MAX} 字，本次内容放不下，请精简后再保存"
MESSAGES = {
    DAY_NOTES_FULL: (
        DAY_NOTES_FULL,
        f"a day's log holds at most {DAY_NOTES_MAX} characters of notes: "
        "this entry does not fit, please shorten it",
    )
}
# A log is a record of rounds already walked: a date ahead of today (in the configured time
# zone) is refused; so is one older than this, which can only be a typo (a year's logs are
# the scale the product is designed for).
OLDEST_DAYS = 366
UNVISITED_DEFAULT_DAYS = 30


def entry_problems(
    *,
    day: dt.date,
    today: dt.date,
    visited: list[int],
    in_grid: Iterable[int],
) -> list[dict[str, str]]:
    """Field errors of one entry: a date in the future (or absurdly old) names ``date``;
    each visited enterprise that is not in the log's grid names ``visited_enterprise_ids``
    with its id."""
    errors: list[dict[str, str]] = []
    if day > today:
        errors.append({"key": "date", "message": f"日期不能晚于今天 {today.isoformat()}"})
    elif day < today - dt.timedelta(days=OLDEST_DAYS):
        errors.append(
            {
                "key": "date",
                "message": f"日期早于 {OLDEST_DAYS} 天前",
            }
        )
    allowed = set(in_grid)
    for enterprise_id in dict.fromkeys(visited):
        if enterprise_id not in allowed:
            errors.append(
                {
                    "key": "visited_enterprise_ids",
                    "message": f"企业 {enterprise_id} 不在该网格",
                }
            )
    return errors


def merged_notes(old: str, new: str) -> str:
    """A second entry's notes are appended on a new line (a retried or repeated text is
    not doubled), so nothing the worker wrote is lost."""
    old, new = old.strip(), new.strip()
    if not new or new in old:
        return old
    if not old:
        return new
    return f"{old}\n{new}"


def added_notes(old: str, merged: str) -> str:
    """What a merge appended to ``old`` (empty when the entry was already there): what the
    audit event records, instead of the whole notes again."""
    old = old.strip()
    return merged[len(old) :].lstrip("\n") if merged.startswith(old) else merged


def day_notes_problem(old: str, merged: str) -> dict[str, str] | None:
    """The field error when a merge would make a day's notes pass ``DAY_NOTES_MAX`` (an
    entry that adds nothing, a retry, is never refused, even on a log stored longer)."""
    if len(merged) <= DAY_NOTES_MAX or merged == old.strip():
        return None
    return {"key": "notes", "message": DAY_NOTES_FULL}


def merged_visits(old: Iterable[int], new: Iterable[int]) -> list[int]:
    """The union, in the order first visited."""
    return list(dict.fromkeys([*old, *new]))


def not_visited_since(today: dt.date, days: int) -> dt.date:
    """The first day that counts as a recent visit: an enterprise whose last visit is
    before this day has not been visited for ``days`` days."""
    return today - dt.timedelta(days=days)
