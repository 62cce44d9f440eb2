"""Patrol logs (网格日志): one log per worker, grid and day (a unique index: Piccolo's
Unique constraint needs ALTER TABLE ADD CONSTRAINT, which SQLite lacks), one visit per
log and enterprise, and the (enterprise, visited_on) index that answers "not visited for
N days" with one probe per enterprise; and (org_unit, reported_at) on the reports, for the
patrol figures of a period."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.engine.finder import engine_finder

ID = "2026-11-27T13:26:38:000000"
VERSION = "1.38.0"
DESCRIPTION = "patrol log unique and lookup indexes"

INDEXES = [
    'CREATE UNIQUE INDEX IF NOT EXISTS patrol_log_uq ON patrol_log ("worker", "org_unit", "day")',
    "CREATE UNIQUE INDEX IF NOT EXISTS patrol_log_visit_uq"
    ' ON patrol_log_visit ("log", "enterprise")',
    "CREATE INDEX IF NOT EXISTS patrol_log_visit_enterprise_on_idx"
    ' ON patrol_log_visit ("enterprise", "visited_on")',
    'CREATE INDEX IF NOT EXISTS patrol_log_unit_day_idx ON patrol_log ("org_unit", "day")',
    # The patrol figures read a period of each grid's reports: a range per grid, not a
    # scan of the year (72,000 reports a street).
    "CREATE INDEX IF NOT EXISTS patrol_report_unit_at_idx"
    ' ON patrol_report ("org_unit", "reported_at")',
]


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="inspections", description=DESCRIPTION)

    async def run():
        db = engine_finder()
        for statement in INDEXES:
            await db.run_ddl(statement)

    manager.add_raw(run)
    return manager
