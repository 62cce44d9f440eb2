"""Usernames compared by their NFKC + case-folded key (safety.usernames): fill
``app_user.username_key`` for existing rows, make it unique, and drop the old index on
``lower(username)`` (ASCII-only folding on SQLite), which the key supersedes.

Rows that already collide under the new key (``Ädmin`` beside ``ädmin``, created before
this rule) cannot share it: the oldest keeps it, a later one gets ``<key>#<id>``, which no
typed name can produce (``#`` is not allowed in usernames), so that account cannot log in
until an administrator deals with it. The migration logs each such account (a warning)."""

import logging

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.columns import Varchar
from piccolo.engine.finder import engine_finder
from piccolo.table import Table

from safety.accounts.usernames import username_key  # moved (issue 21); same function

ID = "2026-11-27T10:20:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "username key: backfill and unique index"

log = logging.getLogger(__name__)


class _AppUser(Table, tablename="app_user"):
    username = Varchar(length=64)
    username_key = Varchar(length=255)


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="safety", description=DESCRIPTION)

    async def run():
        rows = await _AppUser.select(_AppUser.id, _AppUser.username).order_by(_AppUser.id).run()
        taken: set[str] = set()
        for row in rows:
            key = username_key(row["username"])
            if key in taken:
                log.warning("user id %s: username collides under the new key: disabled", row["id"])
                key = f"{key}#{row['id']}"
            taken.add(key)
            await _AppUser.update({_AppUser.username_key: key}).where(_AppUser.id == row["id"]).run()
        db = engine_finder()
        await db.run_ddl(
            'CREATE UNIQUE INDEX IF NOT EXISTS app_user_username_key_uq ON app_user ("username_key")'
        )
        await db.run_ddl("DROP INDEX IF EXISTS app_user_username_ci_uq")

    manager.add_raw(run)
    return manager
