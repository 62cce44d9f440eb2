"""GET /health: 200 while the database answers, 503 with "database": "error" once it does
not."""

import asyncio
import sqlite3
import time
from pathlib import Path

import httpx
from piccolo.engine.sqlite import SQLiteEngine

from safety.db import ping, sqlite_path
from tests.safety.dbtools import IS_PG, cli, drop_pg_database, fresh_database, served


async def test_health_is_ok_with_a_reachable_database(client):
    r = await client.get("/health")
    assert r.status_code == 200
    assert r.json() == {"status": "ok", "database": "ok"}


async def test_openapi_schema_is_served(client):
    r = await client.get("/schema/openapi.json")
    assert r.status_code == 200
    assert "/health" in r.json()["paths"]


# ---------------------------------------------------------------- a server whose database goes away
# A real `safety serve` on a free port: settings and the engine are process-wide, so a
# broken database is only honest in a process of its own.


async def _health(base: str) -> tuple[int, dict]:
    async with httpx.AsyncClient(timeout=30) as http:
        r = await http.get(f"{base}/health")
    return r.status_code, r.json()


async def _break(url: str) -> None:
    if IS_PG:
        await drop_pg_database(url)
        return
    path = sqlite_path(url)
    for side in (Path(f"{path}-wal"), Path(f"{path}-shm")):
        side.unlink(missing_ok=True)
    path.write_bytes(b"this is not a database " * 512)


async def test_health_is_503_when_the_database_stops_answering():
    async with fresh_database() as url:
        migrated = await cli("migrate", url=url)
        assert migrated.code == 0, migrated
        async with served(url) as base:
            assert await _health(base) == (200, {"status": "ok", "database": "ok"})
            await _break(url)
            status, body = await _health(base)
            assert status == 503
            assert body["database"] == "error"
            assert body["status"] != "ok"


# ---------------------------------------------------------------- ping itself


async def test_ping_reports_a_corrupt_sqlite_file_as_down(tmp_path):
    # `SELECT 1` alone succeeds on a file of garbage; ping must read the file.
    garbage = tmp_path / "corrupt.sqlite3"
    garbage.write_bytes(b"\x13garbage, not a database" * 400)
    assert await ping(SQLiteEngine(path=str(garbage))) is False


async def test_ping_gives_up_on_a_database_that_never_answers(tmp_path):
    # Another process holds an exclusive lock on a rollback-journal file, so every reader
    # waits out the 30 s busy timeout: the database "hangs". Ping must not hang with it.
    path = tmp_path / "locked.sqlite3"
    holder = sqlite3.connect(path, isolation_level=None)
    holder.execute("CREATE TABLE t (x INTEGER)")
    holder.execute("BEGIN EXCLUSIVE")
    holder.execute("INSERT INTO t VALUES (1)")
    db = SQLiteEngine(path=str(path), timeout=30)
    try:
        started = time.monotonic()
        assert await ping(db, patience=1) is False
        assert time.monotonic() - started < 5
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert await ping(db) is True  # the lock gone, the same database answers again
    await asyncio.sleep(0.5)  # let the abandoned query's thread finish while the loop runs


async def test_ping_reports_the_session_database_as_up():
    assert await ping() is True
