"""Composite unique indexes (see the safety app's constraints migration for why)."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.engine.finder import engine_finder

ID = "2026-11-27T06:04:18:166196"
VERSION = "1.38.0"
DESCRIPTION = "unique indexes"

INDEXES = [
    'CREATE UNIQUE INDEX IF NOT EXISTS checklist_template_code_version_uq'
    ' ON checklist_template ("code", "version")',
    'CREATE UNIQUE INDEX IF NOT EXISTS checklist_item_code_uq ON checklist_item ("template", "code")',
    'CREATE UNIQUE INDEX IF NOT EXISTS inspection_inspector_uq'
    ' ON inspection_inspector ("inspection", "user")',
    'CREATE UNIQUE INDEX IF NOT EXISTS item_result_uq ON item_result ("inspection", "item")',
    'CREATE INDEX IF NOT EXISTS hazard_transition_hazard_at_idx'
    ' ON hazard_transition ("hazard", "at")',
    'CREATE INDEX IF NOT EXISTS hazard_campaign_status_idx ON hazard ("campaign", "status")',
]


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="inspections", description=DESCRIPTION)

    async def run():
        db = engine_finder()
        for statement in INDEXES:
            await db.run_ddl(statement)

    manager.add_raw(run)
    return manager
