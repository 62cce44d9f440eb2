"""Inspections of kind ``self`` (企业自查) have no campaign, so ``inspection.campaign``
becomes nullable; the inspector's signer name and the enterprise's refusal to sign (拒签)
with its reason; hazards from grid patrol reports (``source = patrol``).

SQLite cannot drop a NOT NULL constraint with ALTER TABLE (see _sqlite_campaign_nullable);
PostgreSQL runs Piccolo's ALTER COLUMN.
"""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.engine.finder import engine_finder
from enum import Enum
from piccolo.columns.column_types import ForeignKey
from piccolo.columns.column_types import Text
from piccolo.columns.column_types import Varchar
from piccolo.columns.indexes import IndexMethod

ID = "2026-11-27T10:22:24:474143"
VERSION = "1.38.0"
DESCRIPTION = "inspection kind, signer name and refusal; campaign optional; patrol hazards"


NOT_NULL_CAMPAIGN = '"campaign" INTEGER NOT NULL REFERENCES'


async def _sqlite_campaign_nullable():
    """Drop the NOT NULL of ``inspection.campaign`` in place: the change SQLite documents
    as safe through ``writable_schema`` (it changes no stored row; "Making Other Kinds Of
    Table Schema Changes" in its ALTER TABLE page). A table rebuild would trip the foreign
    keys of every row pointing at an inspection, and they cannot be switched off inside
    the migration's transaction."""
    db = engine_finder()
    rows = await db.run_ddl(
        "SELECT sql FROM sqlite_master WHERE type = 'table' AND name = 'inspection'"
    )
    if NOT_NULL_CAMPAIGN not in rows[0]["sql"]:
        return  # already nullable
    version = (await db.run_ddl("PRAGMA schema_version"))[0]["schema_version"]
    await db.run_ddl("PRAGMA writable_schema = ON")
    await db.run_ddl(
        "UPDATE sqlite_master SET sql = replace(sql, '"
        + NOT_NULL_CAMPAIGN.replace("'", "''")
        + "', '\"campaign\" INTEGER REFERENCES')"
        " WHERE type = 'table' AND name = 'inspection'"
    )
    await db.run_ddl(f"PRAGMA schema_version = {int(version) + 1}")
    await db.run_ddl("PRAGMA writable_schema = OFF")


class _Manager(MigrationManager):
    async def _run_alter_columns(self, backwards: bool = False):
        if engine_finder().engine_type == "sqlite":
            return  # the only NOT NULL change is done by _sqlite_campaign_nullable
        await super()._run_alter_columns(backwards=backwards)


async def forwards():
    manager = _Manager(
        migration_id=ID, app_name="inspections", description=DESCRIPTION
    )

    async def run():
        if engine_finder().engine_type == "sqlite":
            await _sqlite_campaign_nullable()

    manager.add_raw(run)

    manager.add_column(
        table_class_name="Inspection",
        tablename="inspection",
        column_name="enterprise_refused_reason",
        db_column_name="enterprise_refused_reason",
        column_class_name="Text",
        column_class=Text,
        params={
            "default": "",
            "null": False,
            "primary_key": False,
            "unique": False,
            "index": False,
            "index_method": IndexMethod.btree,
            "choices": None,
            "db_column_name": None,
            "secret": False,
        },
        schema=None,
    )

    manager.add_column(
        table_class_name="Inspection",
        tablename="inspection",
        column_name="inspector_signer_name",
        db_column_name="inspector_signer_name",
        column_class_name="Varchar",
        column_class=Varchar,
        params={
            "length": 50,
            "default": "",
            "null": False,
            "primary_key": False,
            "unique": False,
            "index": False,
            "index_method": IndexMethod.btree,
            "choices": None,
            "db_column_name": None,
            "secret": False,
        },
        schema=None,
    )

    manager.add_column(
        table_class_name="Inspection",
        tablename="inspection",
        column_name="kind",
        db_column_name="kind",
        column_class_name="Varchar",
        column_class=Varchar,
        params={
            "length": 16,
            "default": "campaign",
            "null": False,
            "primary_key": False,
            "unique": False,
            "index": False,
            "index_method": IndexMethod.btree,
            "choices": Enum(
                "InspectionKind", {"campaign": "campaign", "self_": "self"}
            ),
            "db_column_name": None,
            "secret": False,
        },
        schema=None,
    )

    manager.alter_column(
        table_class_name="Hazard",
        tablename="hazard",
        column_name="source",
        db_column_name="source",
        params={
            "choices": Enum(
                "HazardSource",
                {
                    "inspection": "inspection",
                    "self_report": "self_report",
                    "patrol": "patrol",
                },
            )
        },
        old_params={
            "choices": Enum(
                "HazardSource",
                {"inspection": "inspection", "self_report": "self_report"},
            )
        },
        column_class=Varchar,
        old_column_class=Varchar,
        schema=None,
    )

    manager.alter_column(
        table_class_name="Inspection",
        tablename="inspection",
        column_name="campaign",
        db_column_name="campaign",
        params={"null": True},
        old_params={"null": False},
        column_class=ForeignKey,
        old_column_class=ForeignKey,
        schema=None,
    )

    return manager
