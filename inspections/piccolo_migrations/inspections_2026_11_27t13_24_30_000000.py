"""Risk points: one name per enterprise (the 风险分级管控清单 import's identity), and the
enterprise colour becomes derived: the worst active risk point's, none (未评估) without
any. Colours typed by hand before are cleared (they stay in the audit trail)."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager

ID = "2026-11-27T13:24:30:000000"
VERSION = "1.38.0"
DESCRIPTION = "risk_point unique name per enterprise; derive enterprise.risk_colour"

STATEMENTS = [
    'CREATE UNIQUE INDEX IF NOT EXISTS risk_point_enterprise_name_uq ON risk_point ("enterprise", "name")',
    "UPDATE enterprise SET risk_colour = ("
    " SELECT CASE MIN(CASE rp.colour WHEN 'red' THEN 1 WHEN 'orange' THEN 2"
    " WHEN 'yellow' THEN 3 WHEN 'blue' THEN 4 END)"
    " WHEN 1 THEN 'red' WHEN 2 THEN 'orange' WHEN 3 THEN 'yellow' WHEN 4 THEN 'blue' END"
    " FROM risk_point rp WHERE rp.enterprise = enterprise.id AND rp.active)",
]


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="inspections", description=DESCRIPTION)

    async def run() -> None:
        from piccolo.engine import engine_finder

        for statement in STATEMENTS:
            await engine_finder().run_ddl(statement)

    manager.add_raw(run)

    return manager
