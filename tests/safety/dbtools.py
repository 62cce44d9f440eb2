"""Helpers for the foundation tests: fresh databases, the CLI as a subprocess, a served app
on a free port, and a generic row builder that walks every table's foreign keys.

Not a test module (no ``test_`` prefix); imported by the foundation tests.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import json
import os
import secrets
import signal
import socket
import sqlite3
import sys
import tempfile
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any
from urllib.parse import urlparse, urlunparse
from zoneinfo import ZoneInfo

import asyncpg
import httpx
from piccolo.columns import (
    JSON,
    Boolean,
    Date,
    Float,
    ForeignKey,
    Integer,
    Serial,
    Text,
    Timestamptz,
    Varchar,
)
from piccolo.table import Table

ROOT = Path(__file__).resolve().parents[2]
SESSION_URL = os.environ["DATABASE_URL"]  # set by tests/conftest.py before this import
IS_PG = SESSION_URL.startswith(("postgresql:", "postgres:"))
ENGINE = "postgresql" if IS_PG else "sqlite"

# What each engine raises when a constraint or trigger refuses a statement.
DB_ERRORS: tuple[type[BaseException], ...] = (sqlite3.DatabaseError, asyncpg.PostgresError)


def all_tables() -> list[type[Table]]:
    """Every Piccolo table of the three apps, from the registry (so new ones are covered)."""
    from safety.piccolo_conf import APP_REGISTRY

    tables: list[type[Table]] = []
    for app_config in APP_REGISTRY.app_configs.values():
        tables.extend(app_config.table_classes)
    return tables


# ---------------------------------------------------------------- fresh databases


def _with_database(url: str, name: str) -> str:
    return urlunparse(urlparse(url)._replace(path=f"/{name}"))


@contextlib.asynccontextmanager
async def fresh_database() -> AsyncIterator[str]:
    """The URL of a new, empty database on the engine under test, removed afterwards.
    SQLite: a new file in a temporary folder. PostgreSQL: a new database on the same server
    (created from the ``postgres`` maintenance database)."""
    if not IS_PG:
        folder = Path(tempfile.mkdtemp(prefix="safety-fresh-"))
        yield f"sqlite:///{folder / 'fresh.sqlite3'}"
        return
    base = urlparse(SESSION_URL).path.lstrip("/") or "safety"
    name = f"{base}_fresh_{secrets.token_hex(4)}"
    admin_url = _with_database(SESSION_URL, "postgres")
    conn = await asyncpg.connect(admin_url)
    try:
        await conn.execute(f'CREATE DATABASE "{name}"')
    finally:
        await conn.close()
    try:
        yield _with_database(SESSION_URL, name)
    finally:
        conn = await asyncpg.connect(admin_url)
        try:
            await conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        finally:
            await conn.close()


async def drop_pg_database(url: str) -> None:
    """Drop a PostgreSQL database out from under its users (terminating their sessions)."""
    name = urlparse(url).path.lstrip("/")
    conn = await asyncpg.connect(_with_database(url, "postgres"))
    try:
        await conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    finally:
        await conn.close()


# ---------------------------------------------------------------- subprocesses


def _env(url: str, data_dir: Path | None) -> dict[str, str]:
    # subprocess_env looked up at call time, one argument when it can be: a test may
    # monkeypatch it (test_cli pins one data directory so)
    return subprocess_env(url) if data_dir is None else subprocess_env(url, data_dir)


def subprocess_env(url: str, data_dir: Path | None = None) -> dict[str, str]:
    env = dict(os.environ)
    env["DATABASE_URL"] = url
    env["SAFETY_DATA_DIR"] = str(data_dir or tempfile.mkdtemp(prefix="safety-data-"))
    env["PICCOLO_CONF"] = "safety.piccolo_conf"
    env.pop("SAFETY_TEST_DATABASE_URL", None)
    return env


class Result:
    def __init__(self, code: int, out: str, err: str) -> None:
        self.code, self.out, self.err = code, out, err

    @property
    def text(self) -> str:
        return self.out + self.err

    def __repr__(self) -> str:
        return f"<exit {self.code}\nstdout: {self.out}\nstderr: {self.err}>"


async def run(
    args: list[str], url: str, seconds: float = 120, data_dir: Path | None = None
) -> Result:
    proc = await asyncio.create_subprocess_exec(
        *args,
        cwd=ROOT,
        env=_env(url, data_dir),
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    try:
        out, err = await asyncio.wait_for(proc.communicate(), seconds)
    except TimeoutError:
        proc.kill()
        await proc.wait()
        raise
    return Result(proc.returncode, out.decode(), err.decode())


async def cli(*args: str, url: str, seconds: float = 120) -> Result:
    """``safety ARGS`` as a subprocess against the database at ``url``."""
    return await run([sys.executable, "-m", "safety.cli", *args], url, seconds)


async def python(code: str, url: str) -> Result:
    """A Python snippet in a subprocess whose settings point at ``url``."""
    return await run([sys.executable, "-c", code], url)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextlib.asynccontextmanager
async def served(
    url: str,
    startup_timeout: float = 60,
    data_dir: Path | None = None,
    log_path: Path | None = None,
) -> AsyncIterator[str]:
    """``safety serve`` on a free port; yields the base URL once it answers. The server
    runs in a session of its own and, when the block ends, that session's process group —
    the server, its PDF and parse workers, their fork server — is stopped (SIGTERM, then
    SIGKILL after 10 s): nothing else is touched. Its stderr goes to a file, not a pipe: a
    worker still warming up after the server was killed held the pipe open, and waiting
    for the process (which waits for its pipes) hung the test for good on a busy machine.
    ``data_dir``: the server's SAFETY_DATA_DIR (else a new one); ``log_path``: where its
    stderr goes (else a temporary file)."""
    port = free_port()
    err = open(log_path, "w+b") if log_path else tempfile.TemporaryFile()  # noqa: SIM115, ASYNC230
    proc = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "safety.cli",
        "serve",
        "--port",
        str(port),
        cwd=ROOT,
        env=_env(url, data_dir),
        stdout=asyncio.subprocess.DEVNULL,
        stderr=err,
        start_new_session=True,
    )
    base = f"http://127.0.0.1:{port}"

    def signal_group(sig: int) -> None:
        try:
            os.killpg(proc.pid, sig)
        except ProcessLookupError:
            pass

    try:
        loop = asyncio.get_running_loop()
        deadline = loop.time() + startup_timeout
        async with httpx.AsyncClient(timeout=5) as http:
            while True:
                if proc.returncode is not None:
                    err.seek(0)
                    raise RuntimeError(
                        f"safety serve exited {proc.returncode}: {err.read().decode()}"
                    )
                try:
                    await http.get(f"{base}/health")
                    break
                except httpx.TransportError:
                    if loop.time() > deadline:
                        raise
                    await asyncio.sleep(0.1)
        yield base
    finally:
        if proc.returncode is None:
            signal_group(signal.SIGTERM)
            try:
                await asyncio.wait_for(proc.wait(), 10)
            except TimeoutError:
                signal_group(signal.SIGKILL)
                await asyncio.wait_for(proc.wait(), 10)
        signal_group(signal.SIGKILL)  # workers that outlived the server
        err.close()


# ---------------------------------------------------------------- a row of any table

SHANGHAI = ZoneInfo("Asia/Shanghai")


def value_for(column: Any) -> Any:
    """A valid, non-default value for a non-key column, chosen so a lossy round trip shows:
    Chinese text, a timestamp with microseconds in UTC+8, a float with a fractional part."""
    if isinstance(column, Varchar):
        if column._meta.choices:
            choices = list(column._meta.choices)
            return choices[-1].value  # the last one: rarely the default
        return f"测{secrets.token_hex(40)}"[: column.length]
    if isinstance(column, Text):
        return f"检查内容：消防通道堵塞（{secrets.token_hex(4)}）\n第二行"
    if isinstance(column, Boolean):
        return not column.default
    if isinstance(column, Float):
        return 0.1 + secrets.randbelow(50)  # LEC values such as 0.1, 0.5, 6.1
    if isinstance(column, Integer):
        return 2 + secrets.randbelow(1_000_000)
    if isinstance(column, Timestamptz):
        return dt.datetime(2026, 3, 1, 8, 30, 15, 123456, tzinfo=SHANGHAI) + dt.timedelta(
            seconds=secrets.randbelow(10**6)
        )
    if isinstance(column, Date):
        return dt.date(2026, 2, 28) + dt.timedelta(days=secrets.randbelow(400))
    if isinstance(column, JSON):
        return {"名称": "值", "n": [1, 2.5, None, True], "nested": {"k": secrets.token_hex(3)}}
    raise TypeError(f"no test value for {type(column).__name__} column {column._meta.name}")


class RowBuilder:
    """Inserts a row of any table with every column set, building the parents its foreign
    keys need (one of each parent table per builder, so siblings share them)."""

    def __init__(self) -> None:
        self.parents: dict[type[Table], int] = {}

    async def parent(self, table: type[Table]) -> int:
        if table not in self.parents:
            self.parents[table] = (await self.insert(table, self_parent=False))[0]
        return self.parents[table]

    async def values(self, table: type[Table], self_parent: bool = True) -> dict[str, Any]:
        values: dict[str, Any] = {}
        for column in table._meta.columns:
            if isinstance(column, Serial) or column._meta.primary_key:
                continue
            name = column._meta.name
            if isinstance(column, ForeignKey):
                ref = column._foreign_key_meta.resolved_references
                if ref is table:
                    values[name] = (
                        (await self.insert(table, self_parent=False))[0] if self_parent else None
                    )
                else:
                    values[name] = await self.parent(ref)
            else:
                values[name] = value_for(column)
        if table._meta.tablename == "enterprise":
            from tests.factories import uscc

            values["uscc"] = uscc()
        return values

    async def insert(
        self, table: type[Table], self_parent: bool = True, **overrides: Any
    ) -> tuple[int, dict[str, Any]]:
        values = await self.values(table, self_parent)
        values.update(overrides)
        if table._meta.tablename == "audit_event":
            return await _insert_audit_event(table, values)
        rows = await table.insert(table(**values)).returning(table._meta.primary_key).run()
        return rows[0]["id"], values


async def _insert_audit_event(table: type[Table], values: dict[str, Any]):
    """Audit rows must extend the HMAC chain, or ``safety audit verify`` would (rightly)
    fail for every later test sharing the database."""
    from safety.audit import _PG_AUDIT_LOCK, chain_value
    from safety.db import is_sqlite, write_transaction

    for key in ("before", "after"):
        values[key] = json.dumps(values[key], ensure_ascii=False, sort_keys=True)
    async with write_transaction():
        if not is_sqlite():
            await table.raw("SELECT pg_advisory_xact_lock({})", _PG_AUDIT_LOCK).run()
        last = await table.select(table.chain).order_by(table.id, ascending=False).first().run()
        values["chain"] = chain_value(last["chain"] if last else "", values)
        rows = await table.insert(table(**values)).returning(table._meta.primary_key).run()
    return rows[0]["id"], values
