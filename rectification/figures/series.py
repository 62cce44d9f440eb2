"""The data behind a campaign's charts, as of a day D, in SQL (a constant number of
queries whatever the number of hazards):

  campaign_weekly(actor, campaign_id, as_of) -> list[Week]       found vs closed per week
  campaign_by_subcategory(actor, campaign_id, as_of) -> list[Slice]   found/closed per 子类别
  campaign_by_community(actor, campaign_id, as_of) -> list[Slice]     found/closed per 社区

"found" and "closed" are THE figure predicates of ``rectification.figures.definitions``
(the same SQL the campaign's stats and the hazard list's ``figure=`` filter use), so the
bars of a chart add up to the figures shown beside it: Σ found of the weeks (and of the
sub-categories, and of the communities) = ``hazards_found``, Σ closed = ``hazards_closed``.

A week is an ISO week (Monday to Sunday) in the configured time zone. A hazard is found in
the week of its ``found_on``; it is closed in the week (local time) of its transition to
``closed`` (销号), the only one it has since closed is final. The weeks run from the
campaign's first week (or the earliest ``found_on``, for paper records of earlier visits)
to the later of the campaign's last week and the last event, never past D.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from inspections.services.scope import campaign_row
from inspections.tables import Hazard
from rectification.figures import definitions as d
from rectification.figures.queries import campaign_and_path, in_subtree, make_as_of
from safety.actors import Actor
from safety.settings import local_midnight, local_today

# The sub-categories of the product rules, in its order (the chart lists them in this order; a
# value outside it — an older free text — comes last, under its own name).
SUBCATEGORIES = (
    "电气",
    "消防",
    "机械",
    "特种设备",
    "危化品",
    "有限空间",
    "粉尘",
    "作业环境",
    "职业健康",
    "制度/培训",
    "应急",
    "其他",
)


@dataclass(frozen=True)
class Week:
    monday: dt.date
    found: int
    closed: int

    @property
    def sunday(self) -> dt.date:
        return self.monday + dt.timedelta(days=6)


@dataclass(frozen=True)
class Slice:
    """One bar of a breakdown: its key (the group's id, or the sub-category text), label,
    and the found / closed counts as of D."""

    key: int | str | None
    label: str
    found: int
    closed: int


async def _scope(actor: Actor, campaign_id: int, as_of: dt.date | None) -> tuple[dict, d.AsOf, str]:
    """The campaign (404 outside scope), D, and the WHERE text of its hazards in the
    officer's subtree — the stats' own (``rectification.figures.queries``)."""
    _, path = await campaign_and_path(actor, campaign_id)
    campaign = await campaign_row(actor, campaign_id)
    where = f"hazard.campaign = {int(campaign['id'])} AND {in_subtree(path, '+e.org_unit')}"
    return campaign, make_as_of(as_of), where


def monday_of(day: dt.date) -> dt.date:
    return day - dt.timedelta(days=day.weekday())


def _date(asof: d.AsOf, day: dt.date) -> str:
    return asof.date(day)


def _instant(asof: d.AsOf, day: dt.date) -> str:
    """The instant local midnight starts ``day``, as the same literal AsOf writes."""
    text = str(local_midnight(day).astimezone(dt.UTC))
    return f"'{text}'" if asof.sqlite else f"TIMESTAMPTZ '{text}'"


FANOUT = 32  # the branches of one CASE of the week search


def _bucket(expr: str, bounds: list[str]) -> str:
    """The index of the week ``expr`` falls in: how many week starts (after the first) it
    has reached (``bounds`` ascending; NULL reaches none). Portable SQL (no engine's date
    or time-zone functions, the literals are ``AsOf``'s own).

    A search tree of flat CASEs of up to ``FANOUT`` branches each (a CASE's branches are a
    list, not nested): ⌈log32(weeks + 1)⌉ CASEs deep — 4 for the 52,000 weeks of a
    thousand years — and about 32 comparisons per level for each row, whatever the
    campaign's length. It used to be a sum of one CASE per week, a chain as deep as the
    weeks: past ~990 weeks SQLite refused it ("Expression tree is too large (maximum depth
    1000)") and the page answered 500; a binary search of nested CASEs overflows SQLite's
    parser stack instead (~16 levels). The text still grows by one comparison per week,
    as does the series it answers."""

    def search(lo: int, hi: int) -> str:
        # The answer lies in lo..hi; ``bounds[k - 1]`` is the start of week k.
        if lo == hi:
            return str(lo)
        size = hi - lo + 1
        step = max(1, -(-size // FANOUT))  # each branch covers ``step`` answers
        firsts = list(range(lo, hi + 1, step))
        branches = [
            f"WHEN {expr} >= {bounds[k - 1]} THEN {search(k, min(k + step - 1, hi))}"
            for k in reversed(firsts[1:])
        ]
        return f"CASE {' '.join(branches)} ELSE {search(lo, firsts[1] - 1)} END"

    return search(0, len(bounds))


def _states(
    asof: d.AsOf, where: str, group_by: str | None = None, closing_time: bool = False
) -> str:
    """``WITH … s AS (…)``: each hazard of ``where`` found as of D, once, with its found
    day, sub-category, (``group_by``) group key and label, ``closed`` (1 when closed as of
    D) and (``closing_time``) ``c``: when it was closed (销号: its transition to ``closed``,
    the only one since closed is final). Statuses as of D come from
    ``definitions.status_sql``; the CTEs are MATERIALIZED so the correlated look-ups run
    once per hazard, not once per bucket."""
    key, label = d.group_key(group_by) if group_by else ("NULL", "NULL")
    found = d.figure_sql("found", asof, "x.st", "NULL", "x")
    closed = d.figure_sql("closed", asof, "x.st", "NULL", "x")
    inner = (
        f"SELECT hazard.id AS id, hazard.found_on AS f, hazard.subcategory AS sub,"
        " hazard.closed_at AS ca,"
        f" {key} AS gkey, {label} AS glabel, {d.status_sql(asof)} AS st"
        f" FROM hazard{d.hazard_joins(group_by)} WHERE {where}"
    )
    closed_at = (
        f"CASE WHEN {closed} THEN (SELECT MAX(t.at) FROM hazard_transition t"
        " WHERE t.hazard = x.id AND t.to_status = 'closed') END"
        if closing_time
        else "NULL"
    )
    return (
        f"WITH x AS MATERIALIZED ({inner}),"
        " s AS MATERIALIZED (SELECT x.id AS id, x.f AS f, x.sub AS sub, x.gkey AS gkey, x.ca AS ca,"
        f" x.glabel AS glabel, CASE WHEN {closed} THEN 1 ELSE 0 END AS closed,"
        f" {closed_at} AS c FROM x WHERE {found})"
    )


def _int(value: object) -> int:
    return int(value or 0)


def _day(value: object) -> dt.date | None:
    if value is None or (isinstance(value, dt.date) and not isinstance(value, dt.datetime)):
        return value  # type: ignore[return-value]
    if isinstance(value, dt.datetime):
        return value.date()
    return dt.date.fromisoformat(str(value)[:10])


def _local_day(value: object) -> dt.date | None:
    """A stored instant (datetime, or SQLite's text) as the local day it falls on."""
    if value is None:
        return None
    if not isinstance(value, dt.datetime):
        value = dt.datetime.fromisoformat(str(value))
    if value.tzinfo is None:
        value = value.replace(tzinfo=dt.UTC)
    return local_today(value)


def _found_week(asof: d.AsOf, first_monday: dt.date) -> str:
    """The week index of a found day ``s.f`` (a DATE on both engines, no time zone):
    whole days since the first Monday, divided by 7, in SQL — a constant expression
    whatever the number of weeks."""
    if asof.sqlite:
        days = f"CAST(julianday(s.f) - julianday({asof.date(first_monday)}) AS INTEGER)"
    else:
        days = f"(s.f - {asof.date(first_monday)})"
    return f"({days} / 7)"


async def campaign_weekly(
    actor: Actor, campaign_id: int, as_of: dt.date | None = None
) -> list[Week]:
    """Found and closed per ISO week of the campaign, as of D (two statements: the range
    of the events, then the counts per week; the weeks without any are filled in here).

    Found: the week number of ``found_on`` by date arithmetic in SQL. Closed: the week of
    the closing instant in the configured zone, by a search over the local Mondays'
    starting instants (``_bucket``) — only those between the first and the last closing,
    which are the server's own timestamps: their span is the system's age, never the
    campaign's. So no campaign length (a ten-year one, or paper records of 2000 in a 2026
    campaign) makes the statement deeper or longer than the closings need."""
    campaign, asof, where = await _scope(actor, campaign_id, as_of)
    # The range: closed_at (stamped with the closing transition) is exact enough to end
    # it; the buckets below use the transition itself.
    span = await Hazard.raw(
        f"{_states(asof, where)} SELECT MIN(s.f) AS first, MAX(s.f) AS last,"
        " MIN(CASE WHEN s.closed = 1 THEN s.ca END) AS first_closed,"
        " MAX(CASE WHEN s.closed = 1 THEN s.ca END) AS closed FROM s"
    ).run()
    states = _states(asof, where, closing_time=True)
    row = span[0] if span else {}
    start = _day(campaign["starts_on"])
    end = min(asof.day, _day(campaign["ends_on"]))
    first, last = _day(row.get("first")), _day(row.get("last"))
    first_closed, last_closed = _local_day(row.get("first_closed")), _local_day(row.get("closed"))
    start = min(d for d in (start, first) if d is not None)
    end = min(asof.day, max(d for d in (end, last, last_closed) if d is not None))
    if end < start:
        return []
    first_monday = monday_of(start)
    weeks = (end - first_monday).days // 7 + 1
    mondays = [first_monday + dt.timedelta(weeks=i) for i in range(weeks)]
    # The closings' weeks (a week of slack each side: closed_at and the transition are
    # stamped together), as an offset into ``mondays``.
    lo = hi = 0
    if first_closed is not None and last_closed is not None:
        lo = max(0, min(weeks - 1, (first_closed - first_monday).days // 7 - 1))
        hi = max(lo, min(weeks - 1, (last_closed - first_monday).days // 7 + 1))
    closed_idx = _bucket("s.c", [_instant(asof, m) for m in mondays[lo + 1 : hi + 1]])
    rows = await Hazard.raw(
        f"{states} SELECT 'found' AS kind, {_found_week(asof, first_monday)} AS week,"
        " COUNT(*) AS n FROM s GROUP BY 1, 2 UNION ALL "
        f"SELECT 'closed' AS kind, {lo} + {closed_idx} AS week, COUNT(*) AS n FROM s"
        " WHERE s.closed = 1 GROUP BY 1, 2"
    ).run()
    found = [0] * weeks
    closed = [0] * weeks
    for r in rows:
        # A found day before the first Monday or after D cannot be (the range holds
        # them); clamped all the same, as the old sum of week starts did.
        i = max(0, min(weeks - 1, _int(r["week"])))
        (found if r["kind"] == "found" else closed)[i] += _int(r["n"])
    return [Week(m, found[i], closed[i]) for i, m in enumerate(mondays)]


async def campaign_by_subcategory(
    actor: Actor, campaign_id: int, as_of: dt.date | None = None
) -> list[Slice]:
    """Found and closed per sub-category (PRODUCT's twelve, in order; those with no hazard
    are left out)."""
    _, asof, where = await _scope(actor, campaign_id, as_of)
    rows = await Hazard.raw(
        f"{_states(asof, where)} SELECT s.sub AS k, COUNT(*) AS found,"
        " SUM(s.closed) AS closed FROM s GROUP BY s.sub"
    ).run()
    order = {name: i for i, name in enumerate(SUBCATEGORIES)}
    slices = [Slice(r["k"], r["k"] or "其他", _int(r["found"]), _int(r["closed"])) for r in rows]
    return sorted(slices, key=lambda s: (order.get(s.label, len(order)), s.label))


async def campaign_by_community(
    actor: Actor, campaign_id: int, as_of: dt.date | None = None
) -> list[Slice]:
    """Found and closed per community (the enterprise's community, as the stats' breakdown
    keys it), most found first."""
    _, asof, where = await _scope(actor, campaign_id, as_of)
    rows = await Hazard.raw(
        f"{_states(asof, where, 'community')} SELECT s.gkey AS k, MAX(s.glabel) AS label,"
        " COUNT(*) AS found, SUM(s.closed) AS closed FROM s GROUP BY s.gkey"
    ).run()
    slices = [Slice(r["k"], r["label"] or "—", _int(r["found"]), _int(r["closed"])) for r in rows]
    return sorted(slices, key=lambda s: (-s.found, s.label))
