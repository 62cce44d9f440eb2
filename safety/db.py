"""Database engine from ``DATABASE_URL``: a SQLite file by default, PostgreSQL for scale.

SQLite: WAL journal, foreign keys on (Piccolo sets the pragma per connection), a busy
timeout, and IMMEDIATE transactions for writes so two writers queue instead of failing
half-way with "database is locked". PostgreSQL: writers queue on an advisory lock (same
guarantee), and a connection pool is opened and closed with the app (``open_pool`` /
``close_pool``).
"""

from __future__ import annotations

import asyncio
import contextlib
import contextvars
import sqlite3
import weakref
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlparse

from piccolo.columns.combination import WhereRaw
from piccolo.engine.base import Engine
from piccolo.engine.postgres import PostgresEngine
from piccolo.engine.sqlite import SQLiteEngine, TransactionType
from piccolo.querystring import QueryString

from safety.errors import ServiceBusy

SQLITE_BUSY_TIMEOUT_SECONDS = 30
PG_LOCK_TIMEOUT_SECONDS = 30
PING_TIMEOUT_SECONDS = 5


# Session settings of every PostgreSQL connection:
# - no JIT: a figure's correlated look-ups (status as of a day, per hazard) make its
#   estimated cost look huge, and PostgreSQL spent half a second compiling a statement
#   that then ran in 0.6 s; JIT pays off on scans of many millions of rows, which this
#   system's statements are not;
# - a plan for the values at hand, always: asyncpg prepares every statement, and from the
#   sixth run PostgreSQL may keep a generic plan that cannot see the value of a parameter
#   (an org unit's path prefix: one grid's few hazards or a whole street's), so the hazard
#   list of a street went from 80 ms to 370 ms once the plan turned generic. Planning
#   each run costs a millisecond or two at most (the hazard list's joins); statements
#   without parameters (the figures' SQL) keep their cached plan.
# - lock_timeout: a statement that waits this long for a lock is stuck behind a deadlock or
#   a transaction left open: it fails loudly instead of hanging every writer behind it
#   (the writers' advisory lock included).
PG_SETTINGS = {
    "jit": "off",
    "plan_cache_mode": "force_custom_plan",
    "lock_timeout": f"{PG_LOCK_TIMEOUT_SECONDS}s",
}


def sqlite_path(url: str) -> Path:
    """``sqlite:///relative.db`` or ``sqlite:////abs/path.db`` → a path."""
    parsed = urlparse(url)
    raw = unquote(parsed.path)
    # sqlite:///var/x.db → "/var/x.db": three slashes mean relative in SQLAlchemy's
    # convention; we follow it so the README's URLs read the same as everywhere else.
    if url.startswith("sqlite:////"):
        return Path(raw)
    return Path(raw.lstrip("/"))


def build_engine(url: str) -> Engine:
    if url.startswith("sqlite:"):
        path = sqlite_path(url)
        path.parent.mkdir(parents=True, exist_ok=True)
        # WAL is a property of the file: set once, it sticks for every later connection.
        with sqlite3.connect(path) as conn:
            conn.execute("PRAGMA journal_mode=WAL")
        return SQLiteEngine(path=str(path), timeout=SQLITE_BUSY_TIMEOUT_SECONDS)
    if url.startswith(("postgresql:", "postgres:")):
        return PostgresEngine(config={"dsn": url, "server_settings": PG_SETTINGS})
    raise ValueError(f"DATABASE_URL must start with sqlite: or postgresql:, got {url!r}")


def engine() -> Engine:
    """The engine Piccolo uses (the one named in ``safety.piccolo_conf``)."""
    from piccolo.engine.finder import engine_finder

    found = engine_finder()
    if found is None:  # safety.piccolo_conf defines DB: only a broken install lacks it
        raise RuntimeError("safety.piccolo_conf defines no DB")
    return found


def is_sqlite() -> bool:
    return isinstance(engine(), SQLiteEngine)


# The audit chain's advisory-lock key (safety.audit): one key, so a use case that writes
# and then records its audit event takes one lock, re-entrantly.
PG_WRITE_LOCK = 734_512_001


# One FIFO queue of writers per process (per event loop): see ``write_transaction``.
_writer_queues: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, asyncio.Lock] = (
    weakref.WeakKeyDictionary()
)


@contextlib.asynccontextmanager
async def _turn_to_write() -> AsyncIterator[None]:
    """Wait, first come first served, for this process's turn to open a write transaction.

    Without it every waiting writer of a process sits in the database's own wait: SQLite's
    busy handler polls with growing sleeps (1 ms … 100 ms) and lets whoever polls at the
    right moment in, so under 20 phones writing at once a report waited up to 7 s while
    others went straight through; on PostgreSQL each waiter holds a pooled connection on the
    advisory lock, which starves the readers of the pool. Queued here, at most one writer
    per process waits in the database (processes still queue there, as before). A nested
    write transaction joins its parent and does not queue again."""
    loop = asyncio.get_running_loop()
    queue = _writer_queues.get(loop)
    if queue is None:
        queue = _writer_queues[loop] = asyncio.Lock()
    try:
        await asyncio.wait_for(queue.acquire(), SQLITE_BUSY_TIMEOUT_SECONDS)
    except TimeoutError:
        raise ServiceBusy(
            f"服务器繁忙（等待写入超过 {SQLITE_BUSY_TIMEOUT_SECONDS} 秒），请稍后重试"
        ) from None
    try:
        yield
    finally:
        queue.release()


@contextlib.asynccontextmanager
async def write_transaction() -> AsyncIterator[Any]:
    """A transaction for a use case that writes. Writers queue on both engines, so the
    read-check-write of a use case never loses an update or passes a stale check: first
    in this process, in arrival order (``_turn_to_write``), then in the database —
    IMMEDIATE on SQLite; on PostgreSQL (READ COMMITTED) a transaction-level advisory
    lock taken first. Inside another write transaction it is that transaction (the
    queue and the lock are already held): a use case may call another."""
    db = engine()
    current = db.current_transaction.get()
    if current is not None:
        yield current
        return
    committed: list[Callable[[], None]] = []
    hooks = _after_commit.set(committed)
    try:
        async with _turn_to_write():
            if isinstance(db, SQLiteEngine):
                async with db.transaction(transaction_type=TransactionType.immediate) as tx:
                    yield tx
            else:
                async with db.transaction() as tx:
                    await pg_transaction_lock(PG_WRITE_LOCK, db)
                    yield tx
    finally:
        _after_commit.reset(hooks)
    for hook in committed:  # reached only when the transaction committed
        hook()


# The hooks of the write transaction in progress (``after_commit``), None outside one.
_after_commit: contextvars.ContextVar[list[Callable[[], None]] | None] = contextvars.ContextVar(
    "after_commit", default=None
)


def after_commit(hook: Callable[[], None]) -> None:
    """Run ``hook`` once the current write transaction has committed (never on a
    rollback); outside a write transaction, now. For side effects that must only tell of
    what was kept, e.g. the log line of an audit event."""
    pending = _after_commit.get()
    if pending is None:
        hook()
    else:
        pending.append(hook)


async def open_pool() -> None:
    from safety.settings import get_settings

    db = engine()
    if isinstance(db, PostgresEngine):
        s = get_settings()
        await db.start_connection_pool(min_size=s.pg_pool_min, max_size=s.pg_pool_max)


async def close_pool() -> None:
    db = engine()
    if isinstance(db, PostgresEngine):
        await db.close_connection_pool()


async def probe(
    db: Engine | None = None, patience: float = PING_TIMEOUT_SECONDS
) -> BaseException | None:
    """Does the database answer? None when it does, else what it raised (a
    ``TimeoutError`` when it hangs). On SQLite the query must read the file: ``SELECT 1``
    succeeds even on a file of garbage. A database that hangs counts as down after
    ``patience`` seconds, so /health answers 503 instead of hanging with it."""
    db = engine() if db is None else db
    query = "SELECT count(*) FROM sqlite_master" if isinstance(db, SQLiteEngine) else "SELECT 1"
    # Not wait_for: cancelling a query blocked in SQLite's busy handler waits for it anyway.
    task = asyncio.ensure_future(db.run_ddl(query))
    task.add_done_callback(lambda t: t.cancelled() or t.exception())  # never "unretrieved"
    done, _ = await asyncio.wait({task}, timeout=patience)
    if not done:
        task.cancel()
        return TimeoutError(f"the database did not answer within {patience} s")
    return task.exception()


async def ping(db: Engine | None = None, patience: float = PING_TIMEOUT_SECONDS) -> bool:
    """True when the database answers (``probe``)."""
    return await probe(db, patience) is None


def contains(text: str, *columns: Any) -> WhereRaw:
    """Case-insensitive "any of these columns contains ``text``" for search boxes, the same
    on both engines (SQLite has no ILIKE). The user's % and _ are literal, not wildcards."""
    escaped = text.strip().lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    pattern = f"%{escaped}%"
    parts = [
        f"LOWER(COALESCE({c._meta.get_full_name(with_alias=False)}, '')) LIKE {{}} ESCAPE '\\'"
        for c in columns
    ]
    return WhereRaw("(" + " OR ".join(parts) + ")", *([pattern] * len(columns)))


def subselect_column(query: Any, alias: str) -> QueryString:
    """A one-value Piccolo query (``Table.count().where(...)``, say) as a column ``alias``
    of another select: a page and the number of its matches in one statement. The
    sub-select does not depend on the row, so the database computes it once (a window
    count would make PostgreSQL join every match before the limit)."""
    if not alias.isidentifier():
        raise ValueError(f"bad column alias {alias!r}")
    return QueryString(f"({{}}) AS {alias}", *query.querystrings)


async def pg_transaction_lock(key: int, db: Engine | None = None) -> None:
    """PostgreSQL: wait for the advisory lock ``key``, held until the current transaction
    ends (SQLite needs none: its IMMEDIATE transactions already queue writers)."""
    db = engine() if db is None else db
    await db.run_ddl(f"SELECT pg_advisory_xact_lock({int(key)})")


def codepoint_order(column: Any) -> QueryString:
    """``column`` as a sort key in code-point order, as Python compares strings: SQLite's
    default (BINARY); PostgreSQL's collation "C" (its default follows the locale)."""
    name = column._meta.get_full_name(with_alias=False)
    return QueryString(name if is_sqlite() else f'{name} COLLATE "C"')
