"""Composite unique indexes (Piccolo's Unique constraint uses ALTER TABLE ADD CONSTRAINT,
which SQLite lacks; a unique index works on both engines) and the append-only audit trail
(UPDATE and DELETE refused by the database itself)."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.engine.finder import engine_finder

ID = "2026-11-27T06:04:06:463688"
VERSION = "1.38.0"
DESCRIPTION = "unique indexes and append-only audit trail"

INDEXES = [
    'CREATE UNIQUE INDEX IF NOT EXISTS org_unit_parent_name_uq ON org_unit ("parent", "name")',
    "CREATE UNIQUE INDEX IF NOT EXISTS campaign_enterprise_uq"
    ' ON campaign_enterprise ("campaign", "enterprise")',
    'CREATE UNIQUE INDEX IF NOT EXISTS batch_name_uq ON batch ("campaign", "name")',
    'CREATE UNIQUE INDEX IF NOT EXISTS batch_enterprise_uq ON batch_enterprise ("batch", "enterprise")',
    'CREATE UNIQUE INDEX IF NOT EXISTS batch_inspector_uq ON batch_inspector ("batch", "user")',
    'CREATE UNIQUE INDEX IF NOT EXISTS idempotency_user_key_uq ON idempotency_record ("user", "key")',
    'CREATE INDEX IF NOT EXISTS attachment_owner_idx ON attachment ("owner_type", "owner_id")',
    'CREATE INDEX IF NOT EXISTS audit_event_object_idx ON audit_event ("object_type", "object_id")',
    'CREATE INDEX IF NOT EXISTS login_attempt_user_at_idx ON login_attempt ("username", "at")',
]

SQLITE_AUDIT = [
    """CREATE TRIGGER IF NOT EXISTS audit_event_no_update BEFORE UPDATE ON audit_event
       BEGIN SELECT RAISE(ABORT, 'audit_event is append-only'); END""",
    """CREATE TRIGGER IF NOT EXISTS audit_event_no_delete BEFORE DELETE ON audit_event
       BEGIN SELECT RAISE(ABORT, 'audit_event is append-only'); END""",
]

POSTGRES_AUDIT = [
    """CREATE OR REPLACE FUNCTION audit_event_append_only() RETURNS trigger AS $$
       BEGIN RAISE EXCEPTION 'audit_event is append-only'; END; $$ LANGUAGE plpgsql""",
    "DROP TRIGGER IF EXISTS audit_event_no_change ON audit_event",
    """CREATE TRIGGER audit_event_no_change BEFORE UPDATE OR DELETE ON audit_event
       FOR EACH ROW EXECUTE FUNCTION audit_event_append_only()""",
    "DROP TRIGGER IF EXISTS audit_event_no_truncate ON audit_event",
    """CREATE TRIGGER audit_event_no_truncate BEFORE TRUNCATE ON audit_event
       FOR EACH STATEMENT EXECUTE FUNCTION audit_event_append_only()""",
]


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="safety", description=DESCRIPTION)

    async def run():
        db = engine_finder()
        statements = INDEXES + (SQLITE_AUDIT if db.engine_type == "sqlite" else POSTGRES_AUDIT)
        for statement in statements:
            await db.run_ddl(statement)

    manager.add_raw(run)
    return manager
