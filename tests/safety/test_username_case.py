"""Usernames are one account whatever the letter case or Unicode spelling (NFKC + full
case folding: no "Ädmin" beside "ädmin"), and a name mixing scripts (a Cyrillic "а" in a
Latin name) is refused (safety.accounts.usernames)."""

import pytest

from safety.accounts.usernames import username_key, username_problems
from safety.tables import User
from tests import factories as f
from tests.pages import as_user
from tests.safety.dbtools import DB_ERRORS

USERS = "/api/v1/users"


def _body(username: str, role: str = "admin") -> dict:
    return {"username": username, "password": f.PASSWORD, "role": role, "display_name": "名字"}


@pytest.fixture(scope="module")
async def admin():
    return await f.user("admin")


async def _create(client, admin, username: str):
    return await client.post(USERS, json=_body(username), headers=f.headers(admin))


async def test_it_refuses_a_username_differing_only_in_case(client):
    w = await f.world()
    body = {
        "username": w.officer["username"].upper(),
        "password": f.PASSWORD,
        "role": "officer",
        "org_unit_id": w.tree["street"]["id"],
    }
    r = await client.post(USERS, json=body, headers=f.headers(w.admin))
    assert r.status_code == 409
    assert r.json()["extra"][0]["key"] == "username"
    assert not await User.exists().where(User.username == body["username"]).run()


async def test_it_refuses_a_non_ascii_case_twin(client, admin):
    w = admin
    i = f.n()
    assert (await _create(client, w, f"Ädmin{i}")).status_code == 201
    for twin in (f"ädmin{i}", f"ÄDMIN{i}", f"A\u0308dmin{i}"):  # the last: Ä decomposed
        r = await _create(client, w, twin)
        assert r.status_code == 409, (twin, r.text)
        assert r.json()["extra"][0]["key"] == "username"
    assert await User.count().where(User.username_key == f"ädmin{i}").run() == 1


async def test_it_folds_sharp_s_and_full_width_letters(client, admin):
    w = admin
    i = f.n()
    r = await _create(client, w, f"Straße{i}")
    assert r.status_code == 201
    assert (await _create(client, w, f"STRASSE{i}")).status_code == 409
    wide = await _create(client, w, f"ｗｉｄｅ{i}")
    assert wide.status_code == 201
    assert wide.json()["username"] == f"wide{i}"  # stored NFKC-normalised
    assert (await _create(client, w, f"WIDE{i}")).status_code == 409


@pytest.mark.parametrize(
    "name",
    [
        "\u0430dmin",  # Cyrillic а + Latin
        "p\u0430ypal",  # Cyrillic а inside
        "\u03bffficer",  # Greek ο + Latin
        "иван张",  # Cyrillic + Han
        "ad min",  # a space
        "admin\u200d",  # an invisible joiner
        "-admin",  # a separator first
    ],
)
async def test_it_refuses_a_look_alike_or_mixed_script_username(client, admin, name):
    w = admin
    r = await _create(client, w, f"{name}{f.n()}")
    assert r.status_code == 400, r.text
    assert [e["key"] for e in r.json()["extra"]] == ["username"]
    assert not await User.exists().where(User.username_key == username_key(name)).run()


@pytest.mark.parametrize("name", ["张san", "李ming.wang", "иван", "ελένη", "田中たろう", "o_k-1.x"])
async def test_it_accepts_one_script_or_chinese_with_latin(client, admin, name):
    w = admin
    r = await _create(client, w, f"{name}{f.n()}")
    assert r.status_code == 201, r.text


def test_the_rule_names_the_scripts_it_refuses_to_mix():
    problems = username_problems("\u0430dmin")
    assert len(problems) == 1 and "CYRILLIC" in problems[0] and "LATIN" in problems[0]
    assert username_problems("张三abc") == []


async def test_login_finds_the_account_by_any_spelling(client, admin):
    w = admin
    i = f.n()
    assert (await _create(client, w, f"ädmin{i}")).status_code == 201
    for typed in (f"ÄDMIN{i}", f"A\u0308dmin{i}", f" ädmin{i} "):
        r = await client.post(
            "/api/v1/auth/token", json={"username": typed, "password": f.PASSWORD}
        )
        assert r.status_code == 200, (typed, r.text)


async def test_the_admin_page_refuses_a_mixed_script_username(client, admin):
    w = admin
    name = f"\u0430dmin{f.n()}"
    r = await client.post(
        "/admin/users", data=_body(name), headers=await as_user(w), follow_redirects=False
    )
    assert r.status_code == 400
    assert "CYRILLIC" in r.text
    assert not await User.exists().where(User.username == name).run()


async def test_the_database_refuses_it_too(admin):
    for twin in (admin["username"].title(), admin["username"].upper()):
        row = User(username=twin, username_key=username_key(twin), password_hash="x", role="admin")
        with pytest.raises(DB_ERRORS):
            await User.insert(row).run()
