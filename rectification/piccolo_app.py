"""Piccolo app: the rectification tables and their migrations."""

import os

from piccolo.conf.apps import AppConfig, table_finder

CURRENT_DIRECTORY = os.path.dirname(os.path.abspath(__file__))

APP_CONFIG = AppConfig(
    app_name="rectification",
    migrations_folder_path=os.path.join(CURRENT_DIRECTORY, "piccolo_migrations"),
    table_classes=table_finder(modules=["rectification.tables"], exclude_imported=True),
    migration_dependencies=["inspections.piccolo_app"],
    commands=[],
)
