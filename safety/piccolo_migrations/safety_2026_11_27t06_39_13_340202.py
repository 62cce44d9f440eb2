"""Top-level org units must have unique names too: the (parent, name) index does not cover
rows whose parent is NULL (NULLs are distinct in unique indexes on both engines)."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.engine.finder import engine_finder

ID = "2026-11-27T06:39:13:340202"
VERSION = "1.38.0"
DESCRIPTION = "unique names of root org units"


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="safety", description=DESCRIPTION)

    async def run():
        await engine_finder().run_ddl(
            'CREATE UNIQUE INDEX IF NOT EXISTS org_unit_root_name_uq ON org_unit ("name")'
            ' WHERE "parent" IS NULL'
        )

    manager.add_raw(run)
    return manager
