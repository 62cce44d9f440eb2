from piccolo.apps.migrations.auto.migration_manager import MigrationManager

ID = "2026-11-27T11:08:54:000000"
VERSION = "1.38.0"
DESCRIPTION = "Backfill Hazard.effective_deadline from deadline (after the column exists)"


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="inspections", description=DESCRIPTION)

    async def backfill() -> None:
        from piccolo.engine import engine_finder

        await engine_finder().run_ddl(
            "UPDATE hazard SET effective_deadline = deadline WHERE effective_deadline IS NULL"
        )

    manager.add_raw(backfill)

    return manager
