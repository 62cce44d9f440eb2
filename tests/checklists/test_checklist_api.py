"""Checklist JSON API: list the current versions, read any version, publish (admin only)
with versioning, and field-level 400s naming the path."""

import json

from inspections.checklists import service
from safety.tables import AuditEvent
from tests import factories as f
from tests.checklists.helpers import MAJOR_BASIS, body, item

URL = "/api/v1/checklists"
ITEM_KEYS = {
    "id",
    "code",
    "text",
    "legal_basis",
    "category",
    "subcategory",
    "default_level",
    "major_basis",
}


def keys(r) -> list[str]:
    return [e["key"] for e in r.json().get("extra", [])]


async def test_it_lists_the_current_version_of_each_template_in_the_api_shape(client):
    await service.load_library()
    w = await f.world()
    r = await client.get(URL, params={"limit": 500}, headers=f.headers(w.inspector))
    assert r.status_code == 200, r.text
    page = r.json()
    assert page["total"] == len(page["items"]) >= 7
    codes = [c["code"] for c in page["items"]]
    assert len(codes) == len(set(codes)), "one entry per template code"
    dust = next(c for c in page["items"] if c["code"] == "dust")
    assert {"id", "code", "version", "name", "domain", "sections"} <= set(dust)
    section = dust["sections"][0]
    assert {"id", "title", "items"} <= set(section)
    assert ITEM_KEYS <= set(section["items"][0])
    majors = [i for s in dust["sections"] for i in s["items"] if i["default_level"] == "major"]
    assert majors and all(i["major_basis"] for i in majors)
    assert dust["major_count"] == len(majors)


async def test_it_publishes_versions_and_keeps_old_ones_readable(client):
    w = await f.world()
    data = body()
    r = await client.post(URL, json=data, headers=f.headers(w.admin))
    assert r.status_code == 201, r.text
    v1 = r.json()
    assert v1["version"] == 1 and v1["item_count"] == 3 and v1["major_count"] == 1
    assert [s["title"] for s in v1["sections"]] == ["配电箱", "人员"]
    assert v1["sections"][1]["items"][0]["major_basis"] == MAJOR_BASIS

    # The same content again: nothing new, the current version comes back.
    again = await client.post(URL, json=data, headers=f.headers(w.admin))
    assert again.status_code == 201 and again.json()["id"] == v1["id"]

    data["sections"][0]["items"].append(item("T-04", text="配电箱门完好，有警示标识"))
    r2 = await client.post(URL, json=data, headers=f.headers(w.admin))
    v2 = r2.json()
    assert r2.status_code == 201 and v2["version"] == 2 and v2["id"] != v1["id"]
    assert v2["code"] == v1["code"] and v2["item_count"] == 4

    old = await client.get(f"{URL}/{v1['id']}", headers=f.headers(w.enterprise_user))
    assert old.status_code == 200 and old.json()["version"] == 1
    assert old.json()["item_count"] == 3
    listed = await client.get(URL, params={"limit": 500}, headers=f.headers(w.officer))
    mine = [c for c in listed.json()["items"] if c["code"] == data["code"]]
    assert [c["version"] for c in mine] == [2]

    events = await AuditEvent.select().where(AuditEvent.action == "checklist.publish").run()
    published = {(e["object_id"]) for e in events}
    assert {v1["id"], v2["id"]} <= published
    last = next(e for e in events if e["object_id"] == v2["id"])
    after, before = (
        json.loads(x) if isinstance(x, str) else x for x in (last["after"], last["before"])
    )
    assert after["added"] == ["T-04"] and before["version"] == 1


async def test_it_names_every_bad_field_by_its_path(client):
    w = await f.world()
    data = body(
        name="",
        sections=[
            {
                "title": "配电箱",
                "items": [
                    item("D-01", default_level="critical"),
                    item("D-02", category="现场", subcategory="水电"),
                    item("D-01", legal_basis=""),
                    item("D-04", default_level="major"),
                ],
            },
            {"title": "空的", "items": []},
        ],
    )
    r = await client.post(URL, json=data, headers=f.headers(w.admin))
    assert r.status_code == 400, r.text
    assert r.json()["status_code"] == 400
    assert set(keys(r)) == {
        "name",
        "sections[0].items[0].default_level",
        "sections[0].items[1].category",
        "sections[0].items[1].subcategory",
        "sections[0].items[2].legal_basis",
        "sections[0].items[2].code",
        "sections[0].items[3].major_basis",
        "sections[1].items",
    }
    assert await service.current_of(data["code"]) is None


async def test_it_refuses_a_template_without_sections_or_of_the_wrong_type(client):
    w = await f.world()
    for bad, key in (({"sections": []}, "sections"), ({"sections": "x"}, "sections")):
        r = await client.post(URL, json=body(**bad), headers=f.headers(w.admin))
        assert r.status_code == 400 and key in keys(r), r.text
    r = await client.post(
        URL,
        json=body(code=123, sections=[{"title": "x", "items": [item("A", text=["list"])]}]),
        headers=f.headers(w.admin),
    )
    assert r.status_code == 400
    assert {"code", "sections[0].items[0].text"} <= set(keys(r))
    r = await client.post(URL, json=body(code="x" * 65), headers=f.headers(w.admin))
    assert r.status_code == 400 and keys(r) == ["code"]


async def test_only_admins_publish_and_missing_versions_are_404(client):
    w = await f.world()
    for u in (w.officer, w.inspector, w.enterprise_user):
        r = await client.post(URL, json=body(), headers=f.headers(u))
        assert r.status_code == 403, r.text
    r = await client.get(f"{URL}/2147483000", headers=f.headers(w.officer))
    assert r.status_code == 404
    r = await client.get(f"{URL}/2147483648", headers=f.headers(w.officer))
    assert r.status_code == 400
    r = await client.get(URL)
    assert r.status_code == 401
