"""Piccolo configuration: the engine from settings and the three domain apps."""

from piccolo.conf.apps import AppRegistry

from safety.db import build_engine
from safety.settings import get_settings

DB = build_engine(get_settings().resolved_database_url)

APP_REGISTRY = AppRegistry(
    apps=[
        "safety.piccolo_app",
        "inspections.piccolo_app",
        "rectification.piccolo_app",
    ]
)
