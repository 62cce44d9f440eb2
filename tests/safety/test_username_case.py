"""Usernames are unique whatever their letter case: no "Officer" beside "officer"."""

import pytest

from safety.tables import User
from tests import factories as f
from tests.safety.dbtools import DB_ERRORS


async def test_it_refuses_a_username_differing_only_in_case(client):
    w = await f.world()
    body = {
        "username": w.officer["username"].upper(),
        "password": f.PASSWORD,
        "role": "officer",
        "org_unit_id": w.tree["street"]["id"],
    }
    r = await client.post("/api/v1/users", json=body, headers=f.headers(w.admin))
    assert r.status_code == 409
    assert r.json()["extra"][0]["key"] == "username"
    assert not await User.exists().where(User.username == body["username"]).run()


async def test_the_database_refuses_it_too():
    w = await f.world()
    twin = User(username=w.admin["username"].title(), password_hash="x", role="admin")
    with pytest.raises(DB_ERRORS):
        await User.insert(twin).run()
