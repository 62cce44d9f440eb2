from piccolo.apps.migrations.auto.migration_manager import MigrationManager

ID = "2026-11-27T13:23:27:000000"
VERSION = "1.38.0"
DESCRIPTION = "Seed the default referral departments (转办) the admin may then edit"

DEFAULTS = ("市场监管", "消防救援", "城管执法", "住建", "应急管理", "生态环境", "公安", "燃气公司")


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="inspections", description=DESCRIPTION)

    async def seed() -> None:
        from piccolo.engine import engine_finder

        engine = engine_finder()
        for position, name in enumerate(DEFAULTS, start=1):
            # Names are fixed literals above (no quoting issue); skip any the admin has.
            await engine.run_ddl(
                "INSERT INTO referral_department (name, active, position, created_at) "
                f"SELECT '{name}', true, {position}, CURRENT_TIMESTAMP "
                f"WHERE NOT EXISTS (SELECT 1 FROM referral_department WHERE name = '{name}')"
            )

    manager.add_raw(seed)

    return manager
