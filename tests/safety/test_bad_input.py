"""Bad input the API fuzzer (test_api_fuzz.py) found answered with a 500: each is now a
400 naming the field, and nothing changes."""

from __future__ import annotations

import pytest

from safety.schemas import MAX_DB_INT
from safety.tables import Enterprise, OrgUnit, User
from tests import factories as f
from tests.pages import as_user
from tests.safety.dbtools import SESSION_URL, cli

HUGE = 2**63  # beyond SQLite's INTEGER and PostgreSQL's integer alike
JUST_OUT = MAX_DB_INT + 1  # beyond PostgreSQL's integer only


def keys(r) -> list[str]:
    return [e["key"] for e in r.json()["extra"]]


@pytest.mark.parametrize("number", [HUGE, JUST_OUT])
@pytest.mark.parametrize(
    ("who", "path", "key"),
    [
        ("officer", "/api/v1/enterprises/{n}", "enterprise_id"),
        ("admin", "/api/v1/users/{n}", "user_id"),
        ("admin", "/api/v1/org-units/{n}", "org_unit_id"),
        ("officer", "/api/v1/enterprises?org_unit_id={n}", "org_unit_id"),
        ("officer", "/api/v1/enterprises/export.xlsx?org_unit_id={n}", "org_unit_id"),
        ("admin", "/api/v1/org-units?parent_id={n}", "parent_id"),
        ("admin", "/api/v1/users?offset={n}", "offset"),
        ("officer", "/api/v1/enterprises?offset={n}", "offset"),
    ],
)
async def test_it_refuses_an_id_out_of_the_database_range_in_the_url(
    client, who, path, key, number
):
    w = await f.world()
    r = await client.get(path.format(n=number), headers=f.headers(getattr(w, who)))
    assert r.status_code == 400, r.text
    assert key in keys(r)


@pytest.mark.parametrize("field", ["org_unit_id", "enterprise_id", "agency_id"])
async def test_it_refuses_a_user_linked_to_an_id_out_of_range(client, field):
    w = await f.world()
    username = f"huge{f.n()}"
    r = await client.post(
        "/api/v1/users",
        json={"username": username, "password": f.PASSWORD, "role": "officer", field: HUGE},
        headers=f.headers(w.admin),
    )
    assert r.status_code == 400, r.text
    assert field in keys(r)
    assert not await User.exists().where(User.username == username).run()


async def test_it_refuses_a_user_patch_with_an_id_out_of_range(client):
    w = await f.world()
    r = await client.patch(
        f"/api/v1/users/{w.officer['id']}",
        json={"org_unit_id": JUST_OUT, "display_name": "不应保存"},
        headers=f.headers(w.admin),
    )
    assert r.status_code == 400, r.text
    assert "org_unit_id" in keys(r)
    row = await User.select(User.display_name).where(User.id == w.officer["id"]).first().run()
    assert row["display_name"] != "不应保存"


async def test_it_refuses_an_org_unit_under_a_parent_out_of_range(client):
    w = await f.world()
    name = f"超界社区{f.n()}"
    r = await client.post(
        "/api/v1/org-units",
        json={"name": name, "kind": "community", "parent_id": HUGE},
        headers=f.headers(w.admin),
    )
    assert r.status_code == 400, r.text
    assert "parent_id" in keys(r)
    assert not await OrgUnit.exists().where(OrgUnit.name == name).run()


async def test_it_refuses_an_enterprise_in_an_org_unit_out_of_range(client):
    w = await f.world()
    code = f.uscc()
    r = await client.post(
        "/api/v1/enterprises",
        json={"name": f"超界企业{f.n()}", "uscc": code, "industry": "C", "org_unit_id": HUGE},
        headers=f.headers(w.officer),
    )
    assert r.status_code == 400, r.text
    assert "org_unit_id" in keys(r)
    assert not await Enterprise.exists().where(Enterprise.uscc == code).run()


async def test_it_refuses_an_enterprise_patch_with_a_version_out_of_range(client):
    w = await f.world()
    r = await client.patch(
        f"/api/v1/enterprises/{w.enterprise['id']}",
        json={"version": HUGE, "name": "不应保存"},
        headers=f.headers(w.officer),
    )
    assert r.status_code == 400, r.text
    assert "version" in keys(r)
    row = await Enterprise.select(Enterprise.name).where(Enterprise.id == w.enterprise["id"])
    assert row[0]["name"] == w.enterprise["name"]


async def test_it_refuses_an_import_form_without_a_file_part(client):
    w = await f.world()
    boundary = "fuzzboundary"
    body = (
        f'--{boundary}\r\nContent-Disposition: form-data; name="note"\r\n\r\nx\r\n'
        f"--{boundary}--\r\n"
    ).encode()
    r = await client.post(
        "/api/v1/enterprises/import",
        content=body,
        headers={
            **f.headers(w.officer),
            "Content-Type": f"multipart/form-data; boundary={boundary}",
        },
    )
    assert r.status_code == 400, r.text
    assert "file" in keys(r), r.text


async def test_it_refuses_an_import_whose_file_is_under_another_name(client):
    w = await f.world()
    r = await client.post(
        "/api/v1/enterprises/import",
        files={"sheet": ("m.csv", b"a,b\n1,2\n", "text/csv")},
        headers=f.headers(w.officer),
    )
    assert r.status_code == 400, r.text
    assert "file" in keys(r), r.text


@pytest.mark.parametrize(
    "body", [b'{"username": ', b"[1, 2]", b'"text"', b"\x00"], ids=["cut", "list", "str", "nul"]
)
async def test_a_body_that_is_not_a_json_object_is_a_400_naming_the_body(client, body):
    w = await f.world()
    r = await client.post(
        "/api/v1/agencies",
        content=body,
        headers={**f.headers(w.officer), "Content-Type": "application/json"},
    )
    assert r.status_code == 400, r.text
    assert r.json()["status_code"] == 400
    assert "body" in keys(r)


async def test_the_user_form_refuses_a_link_out_of_range(client):
    w = await f.world()
    username = f"hugeform{f.n()}"
    client.cookies.clear()
    r = await client.post(
        "/admin/users",
        data={
            "username": username,
            "password": f.PASSWORD,
            "role": "officer",
            "org_unit_id": str(HUGE),
        },
        headers=await as_user(w.admin),
    )
    assert r.status_code == 400, r.text
    assert 'class="field invalid"' in r.text
    assert not await User.exists().where(User.username == username).run()


async def test_a_list_page_with_an_offset_out_of_range_is_an_empty_page(client):
    w = await f.world()
    client.cookies.clear()
    r = await client.get(f"/admin/users?offset={HUGE}", headers=await as_user(w.admin))
    assert r.status_code == 200, r.text


async def test_an_admin_page_with_a_user_id_out_of_range_is_not_a_server_error(client):
    w = await f.world()
    client.cookies.clear()
    r = await client.get(f"/admin/users/{HUGE}", headers=await as_user(w.admin))
    assert r.status_code == 400, r.text


async def test_an_import_file_field_that_is_text_is_a_400_naming_file(client):
    w = await f.world()
    r = await client.post(
        "/api/v1/enterprises/import",
        data={"file": "not a file"},
        files={"sheet": ("m.csv", b"a,b\n1,2\n", "text/csv")},
        headers=f.headers(w.officer),
    )
    assert r.status_code == 400, r.text
    assert "file" in keys(r), r.text


async def test_createuser_refuses_a_link_out_of_range_without_a_traceback():
    username = f"clihuge{f.n()}"
    result = await cli(
        "createuser",
        *("--username", username, "--password", f.PASSWORD, "--role", "officer"),
        *("--org-unit-id", str(HUGE)),
        url=SESSION_URL,
    )
    assert result.code == 1, result
    assert "org_unit_id" in result.err and "Traceback" not in result.err, result
    assert not await User.exists().where(User.username == username).run()


@pytest.mark.parametrize(
    ("path", "status"),
    [
        ("/enterprises/{n}", 404),
        ("/enterprises/{n}/edit", 404),
        ("/enterprises?org_unit_id={n}", 400),
    ],
)
@pytest.mark.parametrize("number", [HUGE, JUST_OUT])
async def test_registry_pages_treat_an_id_out_of_range_as_no_such_row(client, path, status, number):
    w = await f.world()
    client.cookies.clear()
    r = await client.get(path.format(n=number), headers=await as_user(w.officer))
    assert r.status_code == status, r.text
