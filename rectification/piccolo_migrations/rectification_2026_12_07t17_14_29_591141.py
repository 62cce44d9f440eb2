"""Extension requests may be ``cancelled`` (the hazard was voided while one was pending).
Only the column's choices change: Piccolo keeps them in Python, the database is unchanged."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from enum import Enum
from piccolo.columns.column_types import Varchar

ID = "2026-12-07T17:14:29:591141"
VERSION = "1.38.0"
DESCRIPTION = "extension_request.status: cancelled"


async def forwards():
    manager = MigrationManager(
        migration_id=ID, app_name="rectification", description=DESCRIPTION
    )

    manager.alter_column(
        table_class_name="ExtensionRequest",
        tablename="extension_request",
        column_name="status",
        db_column_name="status",
        params={
            "choices": Enum(
                "ExtensionStatus",
                {
                    "pending": "pending",
                    "approved": "approved",
                    "refused": "refused",
                    "cancelled": "cancelled",
                },
            )
        },
        old_params={
            "choices": Enum(
                "ExtensionStatus",
                {
                    "pending": "pending",
                    "approved": "approved",
                    "refused": "refused",
                },
            )
        },
        column_class=Varchar,
        old_column_class=Varchar,
        schema=None,
    )

    return manager
