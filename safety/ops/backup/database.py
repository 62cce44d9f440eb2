"""The database part of a backup: a consistent copy, what it holds, its check, its restore.

SQLite: the online backup API copies every page in one step inside one read transaction:
in WAL mode the server's writers go on meanwhile and the copy is the database as of that
transaction's start (copying the file, or the file and its -wal, is not: issue 20). The
copy is switched to a rollback journal (one self-contained file) and must pass
``PRAGMA integrity_check``.

PostgreSQL: ``pg_dump -Fc`` found on PATH. A repeatable-read transaction exports its
snapshot and pg_dump dumps exactly that snapshot (``--snapshot``), so the row counts and
the attachment list read in that transaction describe the dump, row for row. A pg_dump
older than the server is refused (it cannot dump a newer server correctly). Restore is
``pg_restore`` in one transaction into an empty database (``--no-owner
--no-privileges``: the second machine's roles need not match the first's).

Cross-engine restore (a SQLite backup into PostgreSQL or back) is not supported.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import re
import shutil
import sqlite3
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import quote, unquote, urlsplit, urlunsplit

import asyncpg

from safety.db import sqlite_path
from safety.ops.backup import BackupError, fsync_path

SQLITE_FILE = "database.sqlite3"
PG_FILE = "database.pgdump"
CLIENT_PACKAGE = "postgresql-client"


@dataclass
class Snapshot:
    """What a database copy holds (read from the copy itself, or its snapshot)."""

    engine: str
    file: str
    counts: dict[str, int]
    migrations: dict[str, list[str]]
    originals: dict[str, int]  # sha256 → size, every attachment's original
    tools: dict[str, str] = field(default_factory=dict)


def engine_of(url: str) -> str:
    if url.startswith("sqlite:"):
        return "sqlite"
    if url.startswith(("postgresql:", "postgres:")):
        return "postgresql"
    raise BackupError(f"DATABASE_URL must start with sqlite: or postgresql:, got {url!r}")


# ---------------------------------------------------------------- SQLite


def _sqlite_contents(conn: sqlite3.Connection) -> tuple[dict, dict, dict]:
    tables = [
        r[0]
        for r in conn.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' "
            "ORDER BY name"
        )
    ]
    counts = {t: conn.execute(f'SELECT count(*) FROM "{t}"').fetchone()[0] for t in tables}
    migrations: dict[str, list[str]] = {}
    if "migration" in counts:
        for app, name in conn.execute("SELECT app_name, name FROM migration ORDER BY id"):
            migrations.setdefault(app, []).append(name)
    originals = {}
    if "attachment" in counts:
        originals = dict(conn.execute("SELECT sha256, max(size) FROM attachment GROUP BY sha256"))
    return counts, migrations, originals


def _sqlite_open(path: Path) -> sqlite3.Connection:
    """A read-only connection that leaves no -wal/-shm beside a backup's copy."""
    return sqlite3.connect(f"file:{quote(str(path))}?mode=ro&immutable=1", uri=True)


def sqlite_check(path: Path) -> str:
    """Empty when the file is a sound database, else what integrity_check said."""
    try:
        with contextlib.closing(_sqlite_open(path)) as conn:
            rows = [r[0] for r in conn.execute("PRAGMA integrity_check")]
    except sqlite3.DatabaseError as exc:
        return f"{type(exc).__name__}: {exc}"
    return "" if rows == ["ok"] else "; ".join(rows[:5])


def sqlite_snapshot(url: str, folder: Path) -> Snapshot:
    source_path = sqlite_path(url)
    if not source_path.is_file():
        raise BackupError(f"no SQLite database at {source_path}")
    target_path = folder / SQLITE_FILE
    with contextlib.closing(sqlite3.connect(source_path, timeout=30)) as source:
        with contextlib.closing(sqlite3.connect(target_path)) as target:
            source.backup(target)  # pages=-1: every page in one step, one read transaction
            target.execute("PRAGMA journal_mode=DELETE")
            target.commit()
    problem = sqlite_check(target_path)
    if problem:
        raise BackupError(f"the copy of {source_path} failed integrity_check: {problem}")
    with contextlib.closing(_sqlite_open(target_path)) as conn:
        counts, migrations, originals = _sqlite_contents(conn)
    tools = {"sqlite": sqlite3.sqlite_version}
    return Snapshot("sqlite", SQLITE_FILE, counts, migrations, originals, tools)


# A start refused for pending migrations (or a ``safety info``) leaves Piccolo's own
# ``migration`` table, empty, in a new database: that database still holds nothing.
MIGRATION_TABLE = "migration"


def sqlite_tables(path: Path) -> dict[str, int]:
    """The database's tables and their row counts ({} for a missing or empty file)."""
    if not path.is_file() or path.stat().st_size == 0:
        return {}
    with contextlib.closing(sqlite3.connect(path, timeout=30)) as conn:
        names = [
            r[0]
            for r in conn.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
            )
        ]
        return {n: conn.execute(f'SELECT count(*) FROM "{n}"').fetchone()[0] for n in names}


def sqlite_restore(copy: Path, url: str) -> None:
    """Put the backup's copy in place of the (empty, or forced) database file: written
    beside it, flushed, then renamed over it; a leftover -wal/-shm of the old file goes."""
    target = sqlite_path(url)
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_name(f".{target.name}.restoring")
    shutil.copyfile(copy, tmp)
    fsync_path(tmp)
    for suffix in ("-wal", "-shm", "-journal"):
        with contextlib.suppress(FileNotFoundError):
            os.unlink(f"{target}{suffix}")
    os.replace(tmp, target)
    fsync_path(target.parent)
    with contextlib.closing(sqlite3.connect(target)) as conn:
        conn.execute("PRAGMA journal_mode=WAL")  # as safety.db.build_engine would


def sqlite_counts(url: str) -> dict[str, int]:
    with contextlib.closing(sqlite3.connect(sqlite_path(url), timeout=30)) as conn:
        return _sqlite_contents(conn)[0]


# ---------------------------------------------------------------- PostgreSQL


def _tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        raise BackupError(
            f"{name} was not found on PATH: install the Debian package {CLIENT_PACKAGE} "
            f"(apt install {CLIENT_PACKAGE})"
        )
    return path


def _libpq(url: str) -> tuple[str, dict[str, str]]:
    """The URL for libpq without its password (which would show in ``ps``), and the
    environment that carries it instead."""
    parts = urlsplit(url)
    env = dict(os.environ)
    if parts.password is not None:
        env["PGPASSWORD"] = unquote(parts.password)
        host = parts.hostname or ""
        user = f"{parts.username}@" if parts.username else ""
        port = f":{parts.port}" if parts.port else ""
        parts = parts._replace(netloc=f"{user}{host}{port}")
    return urlunsplit(parts._replace(scheme="postgresql")), env


async def _run(*args: str, env: dict[str, str]) -> tuple[int, str, str]:
    proc = await asyncio.create_subprocess_exec(
        *args, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE, env=env
    )
    out, err = await proc.communicate()
    return proc.returncode or 0, out.decode(errors="replace"), err.decode(errors="replace")


def _major(version_text: str) -> int:
    found = re.search(r"(\d+)(?:\.\d+)?", version_text)
    if not found:
        raise BackupError(f"cannot read a version from {version_text!r}")
    return int(found.group(1))


async def _pg_contents(conn: asyncpg.Connection) -> tuple[dict, dict, dict]:
    tables = await conn.fetch(
        "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename"
    )
    counts = {}
    for row in tables:
        name = row["tablename"]
        counts[name] = await conn.fetchval(f'SELECT count(*) FROM public."{name}"')
    migrations: dict[str, list[str]] = {}
    if "migration" in counts:
        for r in await conn.fetch("SELECT app_name, name FROM migration ORDER BY id"):
            migrations.setdefault(r["app_name"], []).append(r["name"])
    originals = {}
    if "attachment" in counts:
        rows = await conn.fetch("SELECT sha256, max(size) AS size FROM attachment GROUP BY sha256")
        originals = {r["sha256"]: r["size"] for r in rows}
    return counts, migrations, originals


async def pg_snapshot(url: str, folder: Path) -> Snapshot:
    pg_dump = _tool("pg_dump")
    dsn, env = _libpq(url)
    code, out, err = await _run(pg_dump, "--version", env=env)
    client = _major(out)
    conn = await asyncpg.connect(url)
    try:
        server = int(await conn.fetchval("SHOW server_version_num")) // 10000
        if client < server:
            raise BackupError(
                f"pg_dump {client} is older than the PostgreSQL {server} server: install "
                f"{CLIENT_PACKAGE} {server} or newer (an older pg_dump cannot dump it correctly)"
            )
        async with conn.transaction(isolation="repeatable_read", readonly=True):
            snapshot = await conn.fetchval("SELECT pg_export_snapshot()")
            dump = asyncio.ensure_future(
                _run(
                    pg_dump,
                    "-Fc",
                    f"--snapshot={snapshot}",
                    "-f",
                    str(folder / PG_FILE),
                    "-d",
                    dsn,
                    env=env,
                )
            )
            # While pg_dump works on the same snapshot: what it holds.
            counts, migrations, originals = await _pg_contents(conn)
            code, out, err = await dump  # the snapshot must outlive pg_dump's import of it
    finally:
        await conn.close()
    if code:
        raise BackupError(f"pg_dump failed (exit {code}): {err.strip()}")
    tools = {"pg_dump": out.strip() or str(client), "server_major": str(server)}
    return Snapshot("postgresql", PG_FILE, counts, migrations, originals, tools)


async def pg_check(dump: Path) -> str:
    """Empty when pg_restore reads the whole archive — its table of contents and every
    data block (decompressed into a script that is thrown away) — else its error. ``-l``
    alone reads the table of contents only and passes a flipped byte in the data."""
    tool = _tool("pg_restore")
    code, _, err = await _run(tool, "-f", os.devnull, str(dump), env=dict(os.environ))
    return f"pg_restore cannot read the dump (exit {code}): {err.strip()}" if code else ""


@contextlib.asynccontextmanager
async def _connection(url: str) -> AsyncIterator[Any]:
    conn = await asyncpg.connect(url)
    try:
        yield conn
    finally:
        await conn.close()


async def pg_tables(url: str) -> dict[str, int]:
    """The public schema's tables and their row counts."""
    async with _connection(url) as conn:
        names = [
            r[0]
            for r in await conn.fetch("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")
        ]
        return {n: await conn.fetchval(f'SELECT count(*) FROM "{n}"') for n in names}


async def pg_restore(dump: Path, url: str, wipe: bool) -> None:
    """Restore into the database of ``url``; ``wipe`` empties its public schema first."""
    pg_restore_tool = _tool("pg_restore")
    if wipe:
        async with _connection(url) as conn:
            await conn.execute("DROP SCHEMA public CASCADE; CREATE SCHEMA public")
    dsn, env = _libpq(url)
    code, _, err = await _run(
        pg_restore_tool, "--no-owner", "--no-privileges", "--exit-on-error",
        "--single-transaction", "-d", dsn, str(dump), env=env,
    )  # fmt: skip
    if code:
        raise BackupError(f"pg_restore failed (exit {code}), nothing restored: {err.strip()}")


async def pg_counts(url: str) -> dict[str, int]:
    async with _connection(url) as conn:
        return (await _pg_contents(conn))[0]


# ---------------------------------------------------------------- either engine


async def snapshot(url: str, folder: Path) -> Snapshot:
    if engine_of(url) == "sqlite":
        return await asyncio.to_thread(sqlite_snapshot, url, folder)
    return await pg_snapshot(url, folder)


async def check(engine: str, path: Path) -> str:
    if engine == "sqlite":
        return await asyncio.to_thread(sqlite_check, path)
    return await pg_check(path)


async def tables(url: str) -> dict[str, int]:
    if engine_of(url) == "sqlite":
        return await asyncio.to_thread(sqlite_tables, sqlite_path(url))
    return await pg_tables(url)


def holds_nothing(found: dict[str, int]) -> bool:
    """No table, or only the empty ``migration`` table a refused start leaves."""
    return not found or (set(found) == {MIGRATION_TABLE} and found[MIGRATION_TABLE] == 0)


async def restore(copy: Path, url: str, wipe: bool) -> None:
    if engine_of(url) == "sqlite":
        await asyncio.to_thread(sqlite_restore, copy, url)
    else:
        await pg_restore(copy, url, wipe)


async def counts(url: str) -> dict[str, int]:
    if engine_of(url) == "sqlite":
        return await asyncio.to_thread(sqlite_counts, url)
    return await pg_counts(url)
