"""Upgrades are explicit and one-way (docs/ops/upgrade.md): a database that has migrations
applied this code does not know — migrated by a newer version — is refused by ``safety
migrate`` and ``safety serve`` with one clear line and a non-zero exit, and nothing changes.
On the engine under test (SQLite, or PostgreSQL with SAFETY_TEST_DATABASE_URL)."""

from __future__ import annotations

import contextlib
import sqlite3

import asyncpg

from tests.safety.dbtools import IS_PG, cli, free_port, fresh_database

FUTURE = ("inspections", "2099-01-01T00:00:00:000000")
ADD = "INSERT INTO migration (app_name, name, ran_on) VALUES (?, ?, CURRENT_TIMESTAMP)"
REMOVE = "DELETE FROM migration WHERE app_name = ? AND name = ?"
LIST = "SELECT app_name, name FROM migration ORDER BY app_name, name"


async def _execute(url: str, sql: str, *args) -> list[tuple]:
    """``sql`` with ``?`` placeholders, on either engine."""
    if IS_PG:
        parts = sql.split("?")
        sql = parts[0] + "".join(f"${n}{part}" for n, part in enumerate(parts[1:], 1))
        conn = await asyncpg.connect(url)
        try:
            return [tuple(r) for r in await conn.fetch(sql, *args)]
        finally:
            await conn.close()
    with contextlib.closing(sqlite3.connect(url.removeprefix("sqlite:///"))) as db, db:
        return db.execute(sql, args).fetchall()


async def test_migrate_and_serve_refuse_a_database_newer_than_the_code():
    async with fresh_database() as url:
        assert (await cli("migrate", url=url)).code == 0
        # A newer version added a migration; and one of ours is (for the test) unapplied:
        # a refused migrate must not apply it either.
        await _execute(url, ADD, *FUTURE)
        ours = (await _execute(url, "SELECT app_name, name FROM migration ORDER BY id"))[-2]
        await _execute(url, REMOVE, *ours)
        before = await _execute(url, LIST)

        for args in (["migrate"], ["serve", "--port", str(free_port())]):
            result = await cli(*args, url=url, seconds=60)
            assert result.code == 1, result
            lines = result.err.strip().splitlines()
            assert len(lines) == 1, result.err
            assert lines[0].startswith("Error: the database is newer than this code"), lines
            assert f"{FUTURE[0]} {FUTURE[1]}" in lines[0]
            assert "docs/ops/upgrade.md" in lines[0]
            assert "applied" not in result.out and "checklists" not in result.out, result
        assert await _execute(url, LIST) == before

        # Back to the migrations this code knows: it is content again.
        await _execute(url, REMOVE, *FUTURE)
        await _execute(url, ADD, *ours)
        again = await cli("migrate", url=url)
        assert again.code == 0 and "database is up to date" in again.out, again
