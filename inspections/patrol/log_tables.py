"""网格日志 (patrol log): one grid worker's day in one grid — the enterprises visited and
what they noticed. One log per worker, grid and day (a unique index, migration
``patrol_log_uq``); a second entry for the same day is merged into it."""

from __future__ import annotations

from piccolo.columns import Date, ForeignKey, Integer, Text, Timestamptz
from piccolo.columns.base import OnDelete
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.table import Table

from safety.tables import Enterprise, OrgUnit, User

RESTRICT = OnDelete.restrict


class PatrolLog(Table, tablename="patrol_log"):
    """One grid worker's day in one grid (网格日志)."""

    worker = ForeignKey(User, on_delete=RESTRICT, null=False, index=True)
    org_unit = ForeignKey(OrgUnit, on_delete=RESTRICT, null=False, index=True)  # the grid
    day = Date(required=True, index=True)
    notes = Text(default="")
    version = Integer(default=1)
    created_at = Timestamptz(default=TimestamptzNow())
    updated_at = Timestamptz(default=TimestamptzNow())


class PatrolLogVisit(Table, tablename="patrol_log_visit"):
    """An enterprise visited on the log's day. ``visited_on`` repeats the log's day so that
    "not visited for N days" is one index probe per enterprise (enterprise, visited_on)."""

    log = ForeignKey(PatrolLog, on_delete=OnDelete.cascade, null=False, index=True)
    enterprise = ForeignKey(Enterprise, on_delete=RESTRICT, null=False, index=True)
    visited_on = Date(required=True)
