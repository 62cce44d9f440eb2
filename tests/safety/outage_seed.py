"""``python -m tests.safety.outage_seed``: migrate the database of DATABASE_URL and make an
open hazard with its enterprise contact, then print what the outage tests need as JSON
(the contact's bearer token and page session, the hazard's id). Run as a subprocess by
tests/safety/test_outages.py, whose server uses that database (not the session's)."""

from __future__ import annotations

import asyncio
import json


async def main() -> dict:
    from safety.migrations import apply_migrations

    await apply_migrations()
    from tests import factories as f
    from tests.pages import session_cookie
    from tests.rectification.test_rectification_api import _open_hazard

    w = await f.world()
    hazard = await _open_hazard(w)
    user = w.enterprise_user
    return {
        "token": f.headers(user)["Authorization"],
        "session": await session_cookie(user),
        "hazard_id": hazard["id"],
    }


if __name__ == "__main__":
    print(json.dumps(asyncio.run(main())))
