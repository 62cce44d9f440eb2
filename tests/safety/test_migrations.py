"""The migrations build the whole schema forwards from an empty database on the engine under
test, ``safety migrate`` is idempotent, and the migration files agree with tables.py."""

from __future__ import annotations

import json

import pytest
from piccolo.apps.migrations.commands.new import AutoMigrationManager

from tests.safety.dbtools import ENGINE, all_tables, cli, fresh_database, python

INSPECT = """
import asyncio, json
from safety.db import engine, is_sqlite
from safety.migrations import pending_migrations

async def main():
    if is_sqlite():
        rows = await engine().run_ddl(
            "SELECT name, type FROM sqlite_master WHERE type IN ('table', 'index', 'trigger')"
        )
        names = {r["name"]: r["type"] for r in rows}
        wal = (await engine().run_ddl("PRAGMA journal_mode"))[0]["journal_mode"]
    else:
        rows = await engine().run_ddl(
            "SELECT tablename AS name, 'table' AS type FROM pg_tables WHERE schemaname = 'public'"
            " UNION ALL SELECT indexname, 'index' FROM pg_indexes WHERE schemaname = 'public'"
            " UNION ALL SELECT tgname, 'trigger' FROM pg_trigger WHERE NOT tgisinternal"
        )
        names = {r["name"]: r["type"] for r in rows}
        wal = None
    print(json.dumps({"pending": await pending_migrations(), "names": names, "wal": wal}))

asyncio.run(main())
"""

UNIQUE_INDEXES = {
    "org_unit_parent_name_uq",
    "campaign_enterprise_uq",
    "batch_name_uq",
    "batch_enterprise_uq",
    "batch_inspector_uq",
    "idempotency_user_key_uq",
    "checklist_template_code_version_uq",
    "checklist_item_code_uq",
    "inspection_inspector_uq",
    "item_result_uq",
    "risk_point_enterprise_name_uq",
}
AUDIT_TRIGGERS = {
    "sqlite": {"audit_event_no_update", "audit_event_no_delete"},
    "postgresql": {"audit_event_no_change", "audit_event_no_truncate"},
}


async def _inspect(url: str) -> dict:
    result = await python(INSPECT, url)
    assert result.code == 0, result
    return json.loads(result.out.strip().splitlines()[-1])


async def test_migrate_builds_the_schema_from_empty_and_a_second_run_is_a_no_op():
    async with fresh_database() as url:
        before = await _inspect(url)
        assert len(before["pending"]) >= 5, before["pending"]  # all three apps, nothing ran

        first = await cli("migrate", url=url)
        assert first.code == 0, first
        assert f"applied {len(before['pending'])} migration(s)" in first.out

        after = await _inspect(url)
        assert after["pending"] == []
        expected_tables = {t._meta.tablename for t in all_tables()} | {
            "migration"
        }  # Piccolo's record of what ran
        missing = expected_tables - {n for n, kind in after["names"].items() if kind == "table"}
        assert not missing, f"tables missing after migrate: {missing}"
        indexes = {n for n, kind in after["names"].items() if kind == "index"}
        assert UNIQUE_INDEXES <= indexes, UNIQUE_INDEXES - indexes
        triggers = {n for n, kind in after["names"].items() if kind == "trigger"}
        assert AUDIT_TRIGGERS[ENGINE] <= triggers, triggers
        if ENGINE == "sqlite":
            assert after["wal"] == "wal"

        second = await cli("migrate", url=url)
        assert second.code == 0, second
        assert "database is up to date" in second.out
        assert "applied" not in second.out
        assert (await _inspect(url))["names"] == after["names"]


@pytest.mark.parametrize("app_name", ["safety", "inspections", "rectification"])
async def test_the_migrations_match_the_table_classes(app_name):
    """What `piccolo migrations new --auto` would generate: nothing, or someone changed a
    table without a migration."""
    from safety.piccolo_conf import APP_REGISTRY

    app_config = APP_REGISTRY.get_app_config(app_name)
    statements = await AutoMigrationManager(auto_input="n").get_alter_statements(
        app_config=app_config
    )
    pending = [s for group in statements for s in group.statements]
    assert pending == [], f"{app_name}: tables.py differs from its migrations:\n" + "\n".join(
        pending
    )


async def test_the_session_database_has_no_pending_migrations():
    from safety.migrations import pending_migrations

    assert await pending_migrations() == []
