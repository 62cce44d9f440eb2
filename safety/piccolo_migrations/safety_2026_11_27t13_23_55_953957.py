from piccolo.apps.migrations.auto.migration_manager import MigrationManager

ID = "2026-11-27T13:23:55:953957"
VERSION = "1.38.0"
DESCRIPTION = ""


async def forwards():
    manager = MigrationManager(
        migration_id=ID, app_name="safety", description=DESCRIPTION
    )

    manager.drop_table(
        class_name="RiskPoint", tablename="risk_point", schema=None
    )

    return manager
