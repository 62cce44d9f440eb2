"""The machinery every bench-data area shares: the run's ``Context`` (random source, seed,
sizes, clock, id counters, row buffers, what earlier areas made) and the bulk writers.

Rows carry explicit ids (``ctx.new_ids(table, n)`` / ``ctx.take(table)``, counted on from
the largest id already in the table), so no round trip is needed to learn them. They are
buffered per table and written on ``await ctx.flush()``, parents first (the order of
``TABLES``): ``executemany`` in one IMMEDIATE transaction on SQLite, ``COPY`` (asyncpg
``copy_records_to_table``) in one transaction on PostgreSQL. At the end the PostgreSQL id
sequences are moved past the ids used and the tables analysed.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import random
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import Any
from zoneinfo import ZoneInfo

# Every table an area may write, parents before the rows that point at them.
TABLES = [
    "checklist_template",
    "org_unit",
    "agency",
    "enterprise",
    "app_user",
    "campaign",
    "campaign_enterprise",
    "batch",
    "batch_enterprise",
    "inspection",
    "hazard",
    "hazard_transition",
    "extension_request",
    "patrol_report",
    "attachment",
    "patrol_log",
    "patrol_log_visit",
]

Columns = tuple[str, ...]


@dataclass
class Context:
    """What every area shares: the random source and the seed it came from, the sizes, the
    clock, the id counters, the row buffers and what earlier areas made (``made``)."""

    rng: random.Random
    seed: int
    today: dt.date
    zone: ZoneInfo
    now: dt.datetime
    next_id: dict[str, int]
    sink: Any
    enterprises: int = 0
    hazards: int = 0
    patrol_reports: int = 0
    patrol_logs: int = 0
    made: dict[str, Any] = field(default_factory=dict)
    counts: dict[str, int] = field(default_factory=dict)
    _buffers: dict[str, tuple[Columns, list[tuple]]] = field(default_factory=dict)

    def new_ids(self, table: str, n: int) -> range:
        start = self.next_id.get(table, 1)
        self.next_id[table] = start + n
        return range(start, start + n)

    def take(self, table: str) -> int:
        """One new id of ``table``."""
        return self.new_ids(table, 1)[0]

    def add(self, table: str, columns: Columns, rows: list[tuple]) -> None:
        self._buffer(table, columns).extend(rows)
        self.counts[table] = self.counts.get(table, 0) + len(rows)

    def add_row(self, table: str, columns: Columns, row: tuple) -> None:
        self._buffer(table, columns).append(row)
        self.counts[table] = self.counts.get(table, 0) + 1

    def _buffer(self, table: str, columns: Columns) -> list[tuple]:
        if table not in self._buffers:
            assert table in TABLES, f"{table}: not in benchdata.core.TABLES"
            self._buffers[table] = (columns, [])
        cols, rows = self._buffers[table]
        assert cols is columns or cols == columns, f"{table}: one column list per table"
        return rows

    async def flush(self) -> None:
        """Write every buffered row, parents first."""
        for table in TABLES:
            columns, rows = self._buffers.get(table, ((), []))
            if rows:
                await self.sink.write(table, columns, rows)
                rows.clear()

    def at(self, day: dt.date, minutes: int) -> dt.datetime:
        """A local time of day (minutes after midnight) as a UTC instant."""
        local = dt.datetime.combine(day, dt.time(), tzinfo=self.zone)
        return (local + dt.timedelta(minutes=minutes)).astimezone(dt.UTC)

    def local_date(self, at: dt.datetime) -> dt.date:
        return at.astimezone(self.zone).date()


def weighted(rng: random.Random, pairs: tuple[tuple[str, int], ...]) -> str:
    """One of the names, by weight: ``(("hazard", 25), ("dismissed", 38), ...)``."""
    return rng.choices([p[0] for p in pairs], weights=[p[1] for p in pairs])[0]


@contextlib.asynccontextmanager
async def bench_context(
    url: str,
    *,
    seed: int,
    zone: str,
    today: dt.date | None = None,
    rng: random.Random | None = None,
    **sizes: int,
) -> AsyncIterator[Context]:
    """A ``Context`` writing to the (migrated) database at ``url`` in one transaction:
    committed (rows flushed, sequences moved, tables analysed) when the block ends, rolled
    back when it raises. The random source is ``random.Random(seed)`` unless given."""
    sink = await open_sink(url)
    try:
        tz = ZoneInfo(zone)
        now = dt.datetime.now(dt.UTC)
        ctx = Context(
            rng=rng or random.Random(seed),
            seed=seed,
            today=today or now.astimezone(tz).date(),
            zone=tz,
            now=now,
            next_id={t: n + 1 for t, n in (await sink.max_ids(TABLES)).items()},
            sink=sink,
            **sizes,
        )
        yield ctx
        await ctx.flush()
        await sink.finish(TABLES)
    except BaseException:
        await sink.abort()
        raise


# ---------------------------------------------------------------- sinks


async def open_sink(url: str) -> SQLiteSink | PostgresSink:
    from safety.db import sqlite_path

    if url.startswith("sqlite:"):
        return SQLiteSink(str(sqlite_path(url)))
    return await PostgresSink.open(url)


_PLAIN = frozenset((str, int, float, type(None)))


def _sqlite_value(v: Any) -> Any:
    """A value as Piccolo stores it in SQLite (most are plain: they are checked first, as
    this runs for every value written)."""
    kind = type(v)
    if kind in _PLAIN:
        return v
    if kind is bool:
        return int(v)
    if isinstance(v, dt.datetime):
        return str(v if v.tzinfo is dt.UTC else v.astimezone(dt.UTC))
    if isinstance(v, dt.date):
        return v.isoformat()
    return v


class SQLiteSink:
    """executemany in one IMMEDIATE transaction; dates and instants as Piccolo stores them."""

    def __init__(self, path: str) -> None:
        import sqlite3

        # a long busy timeout: a server or test may hold the write lock for a moment
        self.conn = sqlite3.connect(path, isolation_level=None, timeout=60)
        self.conn.execute("PRAGMA foreign_keys = ON")
        self.conn.execute("PRAGMA synchronous = NORMAL")
        self.conn.execute("BEGIN IMMEDIATE")

    async def max_ids(self, tables: list[str]) -> dict[str, int]:
        return {
            t: self.conn.execute(f'SELECT COALESCE(MAX(id), 0) FROM "{t}"').fetchone()[0]
            for t in tables
        }

    async def scalar(self, sql: str) -> Any:
        row = self.conn.execute(sql).fetchone()
        return row[0] if row else None

    async def write(self, table: str, columns: Columns, rows: list[tuple]) -> None:
        names = ", ".join(f'"{c}"' for c in columns)
        marks = ", ".join("?" for _ in columns)
        self.conn.executemany(
            f'INSERT INTO "{table}" ({names}) VALUES ({marks})',
            [tuple(map(_sqlite_value, r)) for r in rows],
        )

    async def finish(self, tables: list[str]) -> None:
        self.conn.execute("COMMIT")
        self.conn.execute("ANALYZE")
        self.conn.close()

    async def abort(self) -> None:
        if self.conn.in_transaction:
            self.conn.execute("ROLLBACK")
        self.conn.close()


class PostgresSink:
    """COPY per chunk in one transaction; then the id sequences and ANALYZE."""

    def __init__(self, conn: Any) -> None:
        self.conn = conn

    @classmethod
    async def open(cls, url: str) -> PostgresSink:
        import asyncpg

        conn = await asyncpg.connect(url)
        sink = cls(conn)
        sink.tx = conn.transaction()
        await sink.tx.start()
        return sink

    async def max_ids(self, tables: list[str]) -> dict[str, int]:
        return {
            t: await self.conn.fetchval(f'SELECT COALESCE(MAX(id), 0) FROM "{t}"') for t in tables
        }

    async def scalar(self, sql: str) -> Any:
        return await self.conn.fetchval(sql)

    async def write(self, table: str, columns: Columns, rows: list[tuple]) -> None:
        await self.conn.copy_records_to_table(table, records=rows, columns=list(columns))

    async def finish(self, tables: list[str]) -> None:
        for t in tables:
            await self.conn.execute(
                f"SELECT setval(pg_get_serial_sequence('\"{t}\"', 'id'),"
                f' (SELECT GREATEST(MAX(id), 1) FROM "{t}"))'
            )
        await self.tx.commit()
        for t in tables:
            await self.conn.execute(f'ANALYZE "{t}"')
        await self.conn.close()

    async def abort(self) -> None:
        await self.conn.close()  # the open transaction is rolled back with the connection
