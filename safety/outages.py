"""Outages: what the server answers when the database or the storage fails under it.

A database that cannot be reached, a full disk and a read-only data directory are not
bugs of the request: every route answers **503** with ``Retry-After`` (``SAFETY_OUTAGE_
RETRY_SECONDS``) and says which of the three it is, in the user's language (a page) or in
the API's error shape (``detail`` localised, ``detail_en`` stable English, and ``reason``,
a stable code). Nothing is half-kept: a write transaction that fails is rolled back by
the engine, and an upload's files are written atomically before its row (safety.files.store).

``classify`` maps an exception (or one it was raised from) to a kind:

- ``storage_full``: SQLite "database or disk is full", ``OSError`` ENOSPC/EDQUOT (an
  upload, the PDF cache, the fonts), PostgreSQL ``DiskFullError`` (53100);
- ``read_only``: SQLite "attempt to write a readonly database", ``OSError`` EROFS/EACCES/
  EPERM, PostgreSQL ``ReadOnlySQLTransactionError`` (a standby);
- ``database_unreachable``: SQLite "unable to open database file" (its folder gone), the
  PostgreSQL connection errors (refused, reset, closed, ``CannotConnectNowError``,
  ``TooManyConnectionsError``, an administrator's shutdown);
- SQLite's "disk I/O error" and "unable to open database file" say little: the database
  file's file system is looked at (``storage_problem``) to tell a full or read-only one.

The log gets one line when a kind of outage is first seen, then at most one a minute
while it lasts (with the number of requests it refused), and one when ``/health`` finds
it over — not a traceback per request. Design notes: docs/dev/outages.md.
"""

from __future__ import annotations

import errno
import logging
import os
import sqlite3
import threading
import time
from pathlib import Path

from safety import i18n

log = logging.getLogger("safety")

DATABASE = "database_unreachable"
FULL = "storage_full"
READ_ONLY = "read_only"

# Chinese text → English (the Chinese is the key, as in safety.error_messages)
MESSAGES = {
    DATABASE: (
        "数据库暂时无法连接，请稍后重试；如持续出现，请联系系统管理员",
        "the database cannot be reached: try again later, and tell the system "
        "administrator if it lasts",
    ),
    FULL: (
        "存储空间已满，本次操作未保存，请联系系统管理员",
        "storage is full: nothing was saved, tell the system administrator",
    ),
    READ_ONLY: (
        "数据目录为只读，本次操作未保存，请联系系统管理员",
        "the data directory is read-only: nothing was saved, tell the system administrator",
    ),
}
i18n.register({zh: (zh, en) for zh, en in MESSAGES.values()})

# A data directory with less free space than this reports ``storage_full`` in /health.
MIN_FREE_BYTES = 1024 * 1024
LOG_EVERY_SECONDS = 60

_FULL_ERRNOS = {errno.ENOSPC, errno.EDQUOT}
_READ_ONLY_ERRNOS = {errno.EROFS, errno.EACCES, errno.EPERM}


def message(kind: str) -> str:
    """The outage's message (its Chinese text: ``i18n.localise`` gives the English)."""
    return MESSAGES[kind][0]


def retry_after() -> str:
    from safety.settings import get_settings

    return str(get_settings().outage_retry_seconds)


def _chain(exc: BaseException) -> list[BaseException]:
    seen: list[BaseException] = []
    current: BaseException | None = exc
    while current is not None and current not in seen and len(seen) < 10:
        seen.append(current)
        current = current.__cause__ or current.__context__
    return seen


def _postgres_kind(exc: BaseException) -> str | None:
    import asyncpg

    if isinstance(exc, asyncpg.DiskFullError):
        return FULL
    if isinstance(exc, asyncpg.ReadOnlySQLTransactionError):
        return READ_ONLY
    down = (
        asyncpg.PostgresConnectionError,  # class 08: refused, reset, closed …
        asyncpg.CannotConnectNowError,
        asyncpg.TooManyConnectionsError,
        asyncpg.AdminShutdownError,
        asyncpg.CrashShutdownError,
    )
    if isinstance(exc, down):
        return DATABASE
    if isinstance(exc, asyncpg.InterfaceError) and "connection" in str(exc).lower():
        return DATABASE  # "connection is closed", "cannot perform operation: … connection"
    return None


def _sqlite_kind(exc: sqlite3.Error) -> str | None:
    text = str(exc).lower()
    if "database or disk is full" in text:
        return FULL
    if "readonly database" in text:
        return READ_ONLY
    if "unable to open database file" in text or "disk i/o error" in text:
        return storage_problem(_database_dir()) or DATABASE
    return None


def _os_kind(exc: OSError) -> str | None:
    if isinstance(exc, ConnectionError):  # refused, reset, aborted: the database server
        return DATABASE
    if exc.errno in _FULL_ERRNOS:
        return FULL
    if exc.errno in _READ_ONLY_ERRNOS:
        return READ_ONLY
    return None


def classify(exc: BaseException) -> str | None:
    """The kind of outage ``exc`` (or an exception it was raised from) shows, or None when
    it is no outage (a bug: a 500)."""
    for item in _chain(exc):
        kind = None
        if isinstance(item, sqlite3.Error):
            kind = _sqlite_kind(item)
        elif isinstance(item, OSError):
            kind = _os_kind(item)
        else:
            kind = _postgres_kind(item)
        if kind is not None:
            return kind
    return None


# ---------------------------------------------------------------- the file systems


def _database_dir() -> Path | None:
    from safety.db import sqlite_path
    from safety.settings import get_settings

    url = get_settings().resolved_database_url
    return sqlite_path(url).parent if url.startswith("sqlite:") else None


def storage_problem(folder: Path | None, must_exist: bool = True) -> str | None:
    """``read_only`` or ``storage_full`` when the file system holding ``folder`` is so;
    ``database_unreachable`` when the folder is gone and ``must_exist`` (the SQLite
    file's folder; a data directory not made yet is looked at through its parent)."""
    if folder is None:
        return None
    if not must_exist:
        folder = next((p for p in (folder, *folder.resolve().parents) if p.exists()), folder)
    try:
        stats = os.statvfs(folder)
    except FileNotFoundError:
        return DATABASE
    except OSError:
        return None
    if stats.f_flag & os.ST_RDONLY:
        return READ_ONLY
    if stats.f_bavail * stats.f_frsize < MIN_FREE_BYTES:
        return FULL
    return None


async def current() -> tuple[str | None, bool]:
    """What ``/health`` reports: the kind of outage (None: none) and whether the database
    answers. The database first (does it answer, and if not why), then the data
    directory's and the SQLite file's file systems."""
    import anyio.to_thread

    from safety.db import probe
    from safety.settings import get_settings

    failure = await probe()
    if failure is not None:
        return classify(failure) or DATABASE, False

    def look() -> str | None:
        data_dir = get_settings().data_dir
        return storage_problem(data_dir, must_exist=False) or storage_problem(_database_dir())

    return await anyio.to_thread.run_sync(look), True


# ---------------------------------------------------------------- the log


class _Log:
    """One line per kind of outage: when it starts, then at most one per
    ``LOG_EVERY_SECONDS`` while it lasts, and when it is over."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.active: dict[str, tuple[float, int]] = {}  # kind → (last line at, refused since)

    def refused(self, kind: str, exc: BaseException | None) -> None:
        now = time.monotonic()
        with self.lock:
            last, count = self.active.get(kind, (None, 0))
            count += 1
            if last is not None and now - last < LOG_EVERY_SECONDS:
                self.active[kind] = (last, count)
                return
            self.active[kind] = (now, 0)
        cause = f"{type(exc).__name__}: {exc}" if exc is not None else "seen by /health"
        if last is None:
            log.error("outage: %s (%s); answering 503", kind, cause)
        else:
            log.error("outage continues: %s (%s); %d request(s) refused", kind, cause, count)

    def over(self, still: str | None) -> None:
        with self.lock:
            ended = [k for k in self.active if k != still]
            for kind in ended:
                del self.active[kind]
        for kind in ended:
            log.warning("outage over: %s", kind)


OUTAGE_LOG = _Log()


class _NoOutageTracebacks(logging.Filter):
    """asyncpg's pool logs a traceback each time it fails to reconnect (a warning with
    ``exc_info``): during an outage that is a traceback a second. Kept as one line."""

    def filter(self, record: logging.LogRecord) -> bool:
        if record.exc_info and record.exc_info[1] and classify(record.exc_info[1]):
            record.msg = f"{record.msg} ({type(record.exc_info[1]).__name__}: %s)"
            record.args = (*(record.args or ()), record.exc_info[1])
            record.exc_info = None
            record.exc_text = None
        return True


logging.getLogger("asyncpg.pool").addFilter(_NoOutageTracebacks())
