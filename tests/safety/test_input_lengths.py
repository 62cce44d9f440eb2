"""Text longer than its column is a 400 naming the field, on both engines (PostgreSQL would
refuse it with a 500; SQLite would store it), and nothing is created."""

from __future__ import annotations

import pytest
from piccolo.columns import Varchar

from safety.accounts.service import NewUser, UserPatch
from safety.orgs import AgencyIn, OrgUnitIn
from safety.tables import Agency, OrgUnit, User
from tests import factories as f

# (model, table): each model field named like a Varchar column must declare a max length
# no larger than the column's.
MODELS = [(NewUser, User), (UserPatch, User), (OrgUnitIn, OrgUnit), (AgencyIn, Agency)]


def max_len(model, field: str) -> int | None:
    """The maxLength the model declares for ``field`` (also inside ``anyOf`` for an
    optional field), read from its JSON schema: what clients see is what is enforced."""
    prop = model.model_json_schema()["properties"][field]
    for option in [prop, *prop.get("anyOf", [])]:
        if "maxLength" in option:
            return option["maxLength"]
    return None


@pytest.mark.parametrize(("model", "table"), MODELS, ids=lambda m: m.__name__)
def test_every_text_field_is_bounded_by_its_column(model, table):
    checked = 0
    for name in model.model_fields:
        column = getattr(table, name, None)
        # choice columns (role, kind) are checked against their choices by the services;
        # the username has its own rule (1-64 characters) in the service.
        if isinstance(column, Varchar) and not column._meta.choices and name != "username":
            limit = max_len(model, name)
            assert limit is not None and limit <= column.length, name
            checked += 1
    assert checked >= 2


def too_long(model, field: str) -> str:
    return "长" * (max_len(model, field) + 1)


async def test_it_refuses_an_agency_contact_longer_than_its_column(client):
    w = await f.world()
    name = f"过长机构{f.n()}"
    for field in ("contact_name", "contact_phone"):
        body = {"name": name, field: too_long(AgencyIn, field)}
        r = await client.post("/api/v1/agencies", json=body, headers=f.headers(w.admin))
        assert r.status_code == 400, r.text
        assert [e["key"] for e in r.json()["extra"]] == [field]
    assert not await Agency.exists().where(Agency.name == name).run()


async def test_it_refuses_an_org_unit_code_longer_than_its_column(client):
    w = await f.world()
    body = {
        "name": f"过长网格{f.n()}",
        "kind": "grid",
        "parent_id": w.tree["community"]["id"],
        "code": too_long(OrgUnitIn, "code"),
    }
    r = await client.post("/api/v1/org-units", json=body, headers=f.headers(w.admin))
    assert r.status_code == 400, r.text
    assert [e["key"] for e in r.json()["extra"]] == ["code"]
    assert not await OrgUnit.exists().where(OrgUnit.name == body["name"]).run()


@pytest.mark.parametrize("field", ["display_name", "qualification", "specialty", "phone"])
async def test_it_refuses_user_text_longer_than_its_column(client, field):
    w = await f.world()
    username = f"long{f.n()}"
    body = {
        "username": username,
        "password": f.PASSWORD,
        "role": "inspector",
        "agency_id": w.agency["id"],
        field: too_long(NewUser, field),
    }
    r = await client.post("/api/v1/users", json=body, headers=f.headers(w.admin))
    assert r.status_code == 400, r.text
    assert [e["key"] for e in r.json()["extra"]] == [field]
    assert not await User.exists().where(User.username == username).run()

    patch = {field: too_long(UserPatch, field)}
    target = w.inspector["id"]
    r = await client.patch(f"/api/v1/users/{target}", json=patch, headers=f.headers(w.admin))
    assert r.status_code == 400, r.text
    assert [e["key"] for e in r.json()["extra"]] == [field]
    row = await User.select(getattr(User, field)).where(User.id == target).first().run()
    assert row[field] != patch[field]


async def test_it_refuses_a_megabyte_password_before_hashing_it(client):
    w = await f.world()
    # 200 KB: within the JSON body limit, so the password rule refuses it
    body = {"username": f"pw{f.n()}", "password": "Aa1!" * 50_000, "role": "admin"}
    r = await client.post("/api/v1/users", json=body, headers=f.headers(w.admin))
    assert r.status_code == 400
    assert [e["key"] for e in r.json()["extra"]] == ["password"]
    # 1.2 MB: over the JSON body limit (SAFETY_MAX_JSON_BYTES), refused before it is parsed
    body["password"] = "Aa1!" * 300_000
    r = await client.post("/api/v1/users", json=body, headers=f.headers(w.admin))
    assert r.status_code == 413
    assert [e["key"] for e in r.json()["extra"]] == ["body"]


async def test_the_agency_page_shows_an_over_long_name_next_to_the_field(client):
    from tests.pages import as_user

    w = await f.world()
    h = await as_user(w.admin)
    name = "长" * (max_len(AgencyIn, "name") + 1)
    r = await client.post("/admin/agencies", data={"name": name}, headers=h)
    assert r.status_code == 400, r.text
    assert "200" in r.text  # the message names the limit
    assert not await Agency.exists().where(Agency.name == name).run()


async def test_the_org_unit_page_refuses_an_over_long_code(client):
    from tests.pages import as_user

    w = await f.world()
    h = await as_user(w.admin)
    form = {
        "name": f"页面网格{f.n()}",
        "kind": "grid",
        "parent_id": str(w.tree["community"]["id"]),
        "code": "9" * 40,
    }
    r = await client.post("/admin/org-units", data=form, headers=h)
    assert r.status_code == 400, r.text
    assert not await OrgUnit.exists().where(OrgUnit.name == form["name"]).run()
