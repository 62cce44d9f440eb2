"""Which exceptions are outages (503, safety.outages.classify) and which stay bugs (500).
The conditions themselves are made for real in tests/safety/test_outages.py; the
PostgreSQL server's own refusals (a full disk there, too many connections, a server
starting up) cannot be made on a shared server, so their mapping is checked here."""

from __future__ import annotations

import errno
import sqlite3

import asyncpg
import pytest

from safety import outages


@pytest.mark.parametrize(
    ("exc", "kind"),
    [
        (asyncpg.DiskFullError("could not extend file"), outages.FULL),
        (asyncpg.TooManyConnectionsError("too many clients"), outages.DATABASE),
        (asyncpg.CannotConnectNowError("the database system is starting up"), outages.DATABASE),
        (asyncpg.AdminShutdownError("terminating connection"), outages.DATABASE),
        (asyncpg.ConnectionDoesNotExistError("connection was closed"), outages.DATABASE),
        (asyncpg.ReadOnlySQLTransactionError("read-only transaction"), outages.READ_ONLY),
        (ConnectionRefusedError(errno.ECONNREFUSED, "Connection refused"), outages.DATABASE),
        (OSError(errno.EDQUOT, "Disk quota exceeded"), outages.FULL),
        (OSError(errno.ENOSPC, "No space left on device"), outages.FULL),
        (OSError(errno.EROFS, "Read-only file system"), outages.READ_ONLY),
        (PermissionError(errno.EACCES, "Permission denied"), outages.READ_ONLY),
    ],
)
def test_it_names_the_outage(exc, kind):
    assert outages.classify(exc) == kind


def test_it_finds_the_outage_an_error_was_raised_from():
    try:
        try:
            raise OSError(errno.ENOSPC, "No space left on device")
        except OSError as inner:
            raise RuntimeError("rendering failed") from inner
    except RuntimeError as outer:
        assert outages.classify(outer) == outages.FULL


@pytest.mark.parametrize(
    "exc",
    [
        ValueError("a bug"),
        KeyError("status"),
        FileNotFoundError(errno.ENOENT, "No such file or directory"),
        asyncpg.UniqueViolationError("duplicate key"),
        sqlite3.OperationalError("database is locked"),  # busy: safety.db queues writers
        sqlite3.OperationalError("no such table: hazard"),
    ],
)
def test_a_bug_is_no_outage(exc):
    assert outages.classify(exc) is None


def test_every_outage_speaks_one_language_at_a_time():
    from safety import i18n

    for kind in (outages.DATABASE, outages.FULL, outages.READ_ONLY):
        zh = outages.message(kind)
        assert not any(c.isascii() and c.isalpha() for c in zh)
        assert not i18n.CJK.search(i18n.localise(zh, "en"))
