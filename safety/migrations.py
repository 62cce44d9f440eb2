"""Applying and checking the Piccolo migrations of all three apps.

A database may be ahead of the code: migrated by a newer version, then opened by an older
checkout (an upgrade rolled back by checking out the old code without restoring the
backup). Piccolo would call it up to date and serve it; here it is refused
(``NewerDatabase``) by ``apply_migrations`` and by every command that checks for pending
migrations (``safety serve``…): the way back is the backup taken before the upgrade
(docs/ops/upgrade.md).
"""

from __future__ import annotations

import contextlib
import io

from piccolo.apps.migrations.commands.check import CheckMigrationManager
from piccolo.apps.migrations.commands.forwards import run_forwards
from piccolo.apps.migrations.tables import Migration


class NewerDatabase(RuntimeError):
    """The database records migrations this code does not have."""


async def pending_migrations() -> list[tuple[str, str, str]]:
    """(app, migration id, description) of every migration not yet applied."""
    with contextlib.redirect_stdout(io.StringIO()):
        statuses = await CheckMigrationManager(app_name="all").get_migration_statuses()
    return [(s.app_name, s.migration_id, s.description) for s in statuses if not s.has_ran]


def known_migrations() -> set[tuple[str, str]]:
    """(app, migration id) of every migration file of this code."""
    manager = CheckMigrationManager(app_name="all")
    known: set[tuple[str, str]] = set()
    for module in manager.get_app_modules():
        config = module.APP_CONFIG
        folder = config.resolved_migrations_folder_path
        known.update((config.app_name, i) for i in manager.get_migration_modules(folder))
    return known


async def unknown_migrations() -> list[tuple[str, str]]:
    """(app, migration id) of every migration the database records as applied that this
    code does not have, oldest first. Empty for a database never migrated."""
    if not await Migration.table_exists().run():
        return []
    rows = await Migration.select(Migration.app_name, Migration.name).order_by(Migration.id).run()
    known = known_migrations()
    return [(r["app_name"], r["name"]) for r in rows if (r["app_name"], r["name"]) not in known]


async def refuse_newer_database() -> None:
    """``NewerDatabase`` (one line, for the console) when the database is ahead of the code."""
    unknown = await unknown_migrations()
    if unknown:
        named = ", ".join(f"{app} {mid}" for app, mid in unknown[:3])
        more = f" and {len(unknown) - 3} more" if len(unknown) > 3 else ""
        raise NewerDatabase(
            f"the database is newer than this code: it has {len(unknown)} migration(s) this "
            f"version does not know ({named}{more}); run the version that migrated it, or "
            "restore the backup taken before the upgrade (docs/ops/upgrade.md)"
        )


async def apply_migrations(quiet: bool = True) -> int:
    """Apply every pending migration, forwards, in dependency order. Idempotent: returns
    how many were applied (0 when the database is current). Refuses a database newer
    than the code (``NewerDatabase``) before changing anything."""
    await refuse_newer_database()
    todo = await pending_migrations()
    if not todo:
        return 0
    out = io.StringIO()
    with contextlib.redirect_stdout(out) if quiet else contextlib.nullcontext():
        result = await run_forwards(app_name="all")
    if not result.success:
        raise RuntimeError(f"migration failed: {result.message}\n{out.getvalue()}")
    return len(todo)
