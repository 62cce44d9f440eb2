"""Applying and checking the Piccolo migrations of all three apps."""

from __future__ import annotations

import contextlib
import io

from piccolo.apps.migrations.commands.check import CheckMigrationManager
from piccolo.apps.migrations.commands.forwards import run_forwards


async def pending_migrations() -> list[tuple[str, str, str]]:
    """(app, migration id, description) of every migration not yet applied."""
    with contextlib.redirect_stdout(io.StringIO()):
        statuses = await CheckMigrationManager(app_name="all").get_migration_statuses()
    return [(s.app_name, s.migration_id, s.description) for s in statuses if not s.has_ran]


async def apply_migrations(quiet: bool = True) -> int:
    """Apply every pending migration, forwards, in dependency order. Idempotent: returns
    how many were applied (0 when the database is current)."""
    todo = await pending_migrations()
    if not todo:
        return 0
    out = io.StringIO()
    with contextlib.redirect_stdout(out) if quiet else contextlib.nullcontext():
        result = await run_forwards(app_name="all")
    if not result.success:
        raise RuntimeError(f"migration failed: {result.message}\n{out.getvalue()}")
    return len(todo)
