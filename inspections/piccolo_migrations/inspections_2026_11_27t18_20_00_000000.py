"""A hazard's status as of a day is the ``to_status`` of its last transition before an
instant, by ``at`` then ``id``: with (hazard, at, id, to_status) that is the first entry
of one backward range of the index, no sort and no table row (the figures and the hazard
list as of a past day look it up once per hazard). It replaces (hazard, at), its prefix."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.engine.finder import engine_finder

ID = "2026-11-27T18:20:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "covering index for the status of a hazard as of a day"

STATEMENTS = [
    "CREATE INDEX IF NOT EXISTS hazard_transition_hazard_at_id_idx"
    ' ON hazard_transition ("hazard", "at", "id", "to_status")',
    "DROP INDEX IF EXISTS hazard_transition_hazard_at_idx",
]


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="inspections", description=DESCRIPTION)

    async def run():
        db = engine_finder()
        for statement in STATEMENTS:
            await db.run_ddl(statement)

    manager.add_raw(run)
    return manager
