"""Usernames are unique regardless of letter case, so "Officer" cannot be created beside
"officer" to impersonate them (an expression index; both engines support it)."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.engine.finder import engine_finder

ID = "2026-11-27T07:50:32:017487"
VERSION = "1.38.0"
DESCRIPTION = "case-insensitive unique usernames"


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="safety", description=DESCRIPTION)

    async def run():
        await engine_finder().run_ddl(
            "CREATE UNIQUE INDEX IF NOT EXISTS app_user_username_ci_uq"
            ' ON app_user (lower("username"))'
        )

    manager.add_raw(run)
    return manager
