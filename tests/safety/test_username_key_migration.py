"""The username-key migration fills the key of rows made before it (on the engine under
test), keeps the oldest of names that now collide, and makes the key unique."""

from __future__ import annotations

import json

from tests.safety.dbtools import cli, fresh_database, python

BEFORE = """
import asyncio
from piccolo.apps.migrations.commands.forwards import run_forwards
from safety.db import engine

async def main():
    # The schema as it stood just before the username key: each app up to its migration
    # of that day (later inspections migrations build on later safety ones).
    upto = {"safety": "2026-11-27T10:19:31:508084", "inspections": "2026-11-27T11:08:54:000000"}
    for app in ("safety", "inspections", "rectification"):
        result = await run_forwards(app_name=app, migration_id=upto.get(app, "all"))
        assert result.success, result.message
    # Twins that the old lower() index let through on both engines (ß folds to ss).
    for name in ("Straße", "STRASSE", "Bob", "ｗｉｄｅ", "ÄDMIN"):
        await engine().run_ddl(
            "INSERT INTO app_user (username, password_hash, role, display_name, active,"
            " token_epoch, version) VALUES ('" + name + "', 'x', 'admin', '', true, 0, 1)"
        )

asyncio.run(main())
"""

AFTER = """
import asyncio, json
from safety.tables import User

async def main():
    rows = await User.select(User.id, User.username, User.username_key).order_by(User.id).run()
    print(json.dumps(rows))

asyncio.run(main())
"""


async def test_existing_usernames_get_their_key_and_collisions_are_set_aside():
    async with fresh_database() as url:
        before = await python(BEFORE, url)
        assert before.code == 0, before
        migrated = await cli("migrate", url=url)
        assert migrated.code == 0, migrated
        rows = json.loads((await python(AFTER, url)).out.strip().splitlines()[-1])
        keys = {r["username"]: r["username_key"] for r in rows}
        first = min(r["id"] for r in rows)
        assert keys["Straße"] == "strasse"  # the oldest keeps the key
        assert keys["STRASSE"] == f"strasse#{first + 1}"  # a later twin can no longer log in
        assert keys["Bob"] == "bob" and keys["ｗｉｄｅ"] == "wide" and keys["ÄDMIN"] == "ädmin"
        twin = await python(
            "import asyncio\nfrom safety.db import engine\n"
            'asyncio.run(engine().run_ddl("INSERT INTO app_user (username, username_key,'
            " password_hash, role) VALUES ('BOB', 'bob', 'x', 'admin')\"))",
            url,
        )
        assert twin.code != 0 and "unique" in twin.text.lower()
