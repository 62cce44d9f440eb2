"""Piccolo app: the inspections tables and their migrations."""

import os

from piccolo.conf.apps import AppConfig, table_finder

CURRENT_DIRECTORY = os.path.dirname(os.path.abspath(__file__))

APP_CONFIG = AppConfig(
    app_name="inspections",
    migrations_folder_path=os.path.join(CURRENT_DIRECTORY, "piccolo_migrations"),
    table_classes=table_finder(
        modules=[
            "inspections.tables",
            "inspections.patrol.tables",
            # 网格日志 (patrol logs), kept apart from the reports' tables.
            "inspections.patrol.log_tables",
        ],
        exclude_imported=True,
    ),
    migration_dependencies=["safety.piccolo_app"],
    commands=[],
)
