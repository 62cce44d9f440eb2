"""THE hazard figure definitions, as SQL, in one place (PRODUCT "the figures").

Everything that counts or lists hazards "as of a day" builds its SQL from here: the
campaign and org-unit stats (``rectification.figures``, through its ``definitions``, which
adds the planned/inspected enterprises) and the hazard list's ``figure=`` filter
(``inspections.services.hazard_filters``), so a list's ``total`` is the number it was
opened from. It sits in ``inspections`` (the lower floor) because the hazard list needs
it; only ``inspections.rules`` is imported.

As of day D means: the records as the system knew them at the end of D in the configured
time zone (``end_of_day``: the next local midnight, as a UTC instant ``E``).

- A hazard exists as of D when it was created before E; its status as of D is the
  ``to_status`` of its last ``hazard_transition`` before E (by ``at``, then ``id``).
- Its effective deadline as of D is the ``new_deadline`` of the last extension request
  approved before E (by ``decided_at``, then ``id``), else its original ``deadline``.
- found: exists and not voided; closed: status closed; overdue: status pending or
  rectifying and D after the effective deadline; on time: closed and ``rectified_on`` on or
  before the effective deadline.

When E is still in the future (D is today or later) nothing recorded so far is at or after
E, so the reconstruction equals the current columns (``hazard.status``,
``hazard.effective_deadline``, kept in the same transaction as every change): that mode
reads them directly, and the property tests check that both modes agree with a plain
Python reconstruction of the history.

SQL here is text over the table names themselves (``hazard``, ``enterprise`` …), the way
Piccolo's own SELECT names its main table, so the same fragments serve a raw aggregate and
a ``WhereRaw`` of a Piccolo query. Dates and instants are inlined as typed literals made
from ``date``/``datetime`` objects (never from user text), the same on SQLite (ISO text,
as Piccolo stores them) and PostgreSQL (``DATE '…'``, ``TIMESTAMPTZ '…'``).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from piccolo.columns.combination import WhereRaw

from inspections.rules import OPEN_STATUSES

FIGURES = (
    "found",
    "major",
    "general",
    "closed",
    "major_closed",
    "general_closed",
    "on_time",
    "overdue",
    "open",
)
OPEN = OPEN_STATUSES  # the statuses that can be overdue
NOT_DONE = ("pending", "rectifying", "submitted")
# the days an "as of" may name (beyond them the end-of-day instant would overflow)
FIRST_DAY, LAST_DAY = dt.date(1900, 1, 1), dt.date(9998, 12, 31)
DAY_RANGE_MESSAGE = "as_of 须在 1900-01-01 与 9998-12-31 之间"


def end_of_day(day: dt.date, zone: str) -> dt.datetime:
    """The UTC instant at which ``day`` ends in ``zone`` (the next local midnight)."""
    local = dt.datetime.combine(day + dt.timedelta(days=1), dt.time(), tzinfo=ZoneInfo(zone))
    return local.astimezone(dt.UTC)


@dataclass(frozen=True)
class AsOf:
    """The day D, the instant E that ends it, the engine dialect, and whether E is still
    ahead (then the current columns are the reconstruction)."""

    day: dt.date
    end: dt.datetime
    sqlite: bool
    current: bool

    @classmethod
    def make(cls, day: dt.date, zone: str, sqlite: bool, now: dt.datetime | None = None) -> AsOf:
        end = end_of_day(day, zone)
        now = now or dt.datetime.now(dt.UTC)
        return cls(day=day, end=end, sqlite=sqlite, current=end > now)

    def date(self, value: dt.date | None = None) -> str:
        text = (value or self.day).isoformat()
        return f"'{text}'" if self.sqlite else f"DATE '{text}'"

    def instant(self) -> str:
        # Piccolo's SQLite adapter stores an aware datetime as str() of it in UTC; the
        # same text compares correctly as a string.
        text = str(self.end.astimezone(dt.UTC))
        return f"'{text}'" if self.sqlite else f"TIMESTAMPTZ '{text}'"


def _quoted(values: tuple[str, ...]) -> str:
    return ", ".join(f"'{v}'" for v in values)


# ---------------------------------------------------------------- a hazard as of D


def status_sql(asof: AsOf, h: str = "hazard") -> str:
    """The hazard's status as of D (NULL: it did not exist yet)."""
    if asof.current:
        return f"{h}.status"
    end = asof.instant()
    return (
        f"(CASE WHEN {h}.created_at < {end} THEN (SELECT t.to_status FROM hazard_transition t"
        f" WHERE t.hazard = {h}.id AND t.at < {end} ORDER BY t.at DESC, t.id DESC LIMIT 1)"
        " END)"
    )


def deadline_sql(asof: AsOf, h: str = "hazard") -> str:
    """The effective deadline as of D: the last extension approved before E, else the
    original deadline."""
    if asof.current:
        return f"COALESCE({h}.effective_deadline, {h}.deadline)"
    end = asof.instant()
    return (
        "COALESCE((SELECT x.new_deadline FROM extension_request x"
        f" WHERE x.hazard = {h}.id AND x.status = 'approved' AND x.decided_at < {end}"
        f" ORDER BY x.decided_at DESC, x.id DESC LIMIT 1), {h}.deadline)"
    )


def figure_sql(figure: str, asof: AsOf, st: str, eff: str, h: str = "hazard") -> str:
    """The predicate of one hazard figure, over a status expression ``st`` and an
    effective-deadline expression ``eff`` (from ``status_sql``/``deadline_sql``, or the
    names of columns that hold them)."""
    # (not "st IS NOT NULL AND st <> 'voided'": the same truth, but a look-up as of a
    # past day would run twice per hazard)
    found = f"(COALESCE({st}, 'voided') <> 'voided')"
    closed = f"({st} = 'closed')"
    predicates = {
        "found": found,
        "major": f"({found} AND {h}.level = 'major')",
        "general": f"({found} AND {h}.level = 'general')",
        "closed": closed,
        "major_closed": f"({closed} AND {h}.level = 'major')",
        "general_closed": f"({closed} AND {h}.level = 'general')",
        "on_time": f"({closed} AND {h}.rectified_on IS NOT NULL AND {h}.rectified_on <= {eff})",
        "overdue": f"({st} IN ({_quoted(OPEN)}) AND {eff} < {asof.date()})",
        "open": f"({st} IN ({_quoted(NOT_DONE)}))",
    }
    return predicates[figure]


def hazard_figure_condition(figure: str, asof: AsOf) -> str:
    """WHERE text for "the hazards behind ``figure`` as of D", over table ``hazard``."""
    return figure_sql(figure, asof, status_sql(asof), deadline_sql(asof))


# ---------------------------------------------------------------- groups
#
# Key and label of each breakdown, over these joins of a hazard row (``{h}``):
#   e  the enterprise   g  its org unit (a grid)   c  the community (the unit itself when
#   it is a community, else its parent)   i  the hazard's inspection   b  its batch
#   a  the batch's agency
# (``rectification.figures.definitions`` joins a planned enterprise the same way.)

HAZARD_JOINS = {
    "e": "JOIN enterprise e ON e.id = {h}.enterprise",
    "g": "LEFT JOIN org_unit g ON g.id = e.org_unit",
    "c": "LEFT JOIN org_unit c ON c.id = (CASE WHEN g.kind = 'community' THEN g.id"
    " ELSE g.parent END)",
    "i": "LEFT JOIN inspection i ON i.id = {h}.inspection",
    "b": "LEFT JOIN batch b ON b.id = i.batch",
    "a": "LEFT JOIN agency a ON a.id = b.agency",
}
NEEDS = {
    None: "e",
    "batch": "eib",
    "community": "egc",
    "grid": "eg",
    "industry": "e",
    "agency": "eiba",
    "source": "e",
    "campaign": "e",
}

GROUP_KEYS = {
    "batch": ("b.id", "b.name"),
    "community": ("c.id", "c.name"),
    "grid": ("g.id", "g.name"),
    "industry": ("e.industry", "e.industry"),
    "agency": ("a.id", "a.name"),
    "source": ("{h}.source", "{h}.source"),
    # not a breakdown (never in GROUPS): several campaigns' figures in one statement
    "campaign": ("{h}.campaign", "NULL"),
}


def hazard_joins(group_by: str | None, h: str = "hazard", extra: str = "") -> str:
    """The joins a hazard row needs for ``group_by`` (the enterprise always: scope)."""
    needed = set(NEEDS[group_by] + extra)
    return "".join(" " + sql.format(h=h) for k, sql in HAZARD_JOINS.items() if k in needed)


def group_key(group_by: str, h: str = "hazard") -> tuple[str, str]:
    key, label = GROUP_KEYS[group_by]
    return key.format(h=h), label.format(h=h)


def key_test(group_by: str, key: int | str | None, h: str) -> str:
    expr, _ = group_key(group_by, h)
    if key is None:
        return f"{expr} IS NULL"
    if isinstance(key, int):
        return f"{expr} = {int(key)}"
    if not re.fullmatch(r"[A-Za-z_]{1,16}", key):
        raise ValueError(f"bad group key {key!r}")
    return f"{expr} = '{key}'"


def hazard_group_condition(group_by: str, key: int | str | None, h: str = "hazard") -> str:
    """WHERE text for "the hazards of this group" over table ``hazard``: the breakdown's
    own joins and key expression, as a semi-join (``key`` None: the group without one)."""
    test = key_test(group_by, key, "hz")
    return f"{h}.id IN (SELECT hz.id FROM hazard hz{hazard_joins(group_by, 'hz')} WHERE {test})"


def hazard_figure_where(figure: str, asof: AsOf) -> WhereRaw:
    """``hazard_figure_condition`` as a condition of a Piccolo query over ``hazard`` (the
    hazard list's figure filter: the list shows exactly the hazards a figure counts)."""
    return WhereRaw(hazard_figure_condition(figure, asof))


def hazard_group_where(group_by: str, key: int | str | None) -> WhereRaw:
    """``hazard_group_condition`` as a condition of a Piccolo query over ``hazard``."""
    return WhereRaw(hazard_group_condition(group_by, key))
