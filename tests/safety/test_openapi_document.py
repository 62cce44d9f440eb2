"""The served OpenAPI document is one a client generator can use (safety/openapi.py):
readable unique operation ids, unique schema titles, ``security: []`` exactly where no
token is needed, the error schema on every 4xx (with its fields declared), bounded paging
and enums for the fixed vocabularies."""

from __future__ import annotations

from collections import Counter

import pytest

from inspections.patrol.tables import PatrolReportStatus
from inspections.tables import HazardLevel, HazardSource, HazardStatus, InspectionState
from rectification.figures.definitions import GROUPS, ORG_GROUPS
from safety.openapi import OPERATION_ID
from safety.schemas import MAX_DB_INT
from safety.tables import CampaignKind, OrgUnitKind, RiskColour, Role
from safety.web import MAX_LIMIT

METHODS = {"get", "post", "put", "patch", "delete"}


@pytest.fixture(scope="module")
async def document(client):
    r = await client.get("/schema/openapi.json")
    assert r.status_code == 200
    return r.json()


def operations(document):
    for path, item in document["paths"].items():
        for method, op in item.items():
            if method in METHODS:
                yield method, path, op


def test_operation_ids_are_the_handlers_names_in_camel_case_and_unique(document):
    ids = {(m, p): op["operationId"] for m, p, op in operations(document)}
    assert len(set(ids.values())) == len(ids), Counter(ids.values()).most_common(3)
    for key, op_id in ids.items():
        assert OPERATION_ID.fullmatch(op_id), (key, op_id)
    assert ids["get", "/api/v1/hazards"] == "listHazards"
    assert ids["get", "/api/v1/campaigns/{campaign_id}/stats"] == "campaignStats"
    assert ids["post", "/api/v1/auth/token"] == "token"


def test_schema_titles_are_unique(document):
    titles = Counter(s.get("title") for s in document["components"]["schemas"].values())
    assert [t for t, n in titles.items() if n > 1] == []


def test_only_the_routes_without_an_actor_need_no_token(document):
    assert document["security"] == [{"BearerToken": []}]
    public = {(m, p) for m, p, op in operations(document) if op.get("security") == []}
    assert public == {("get", "/health"), ("post", "/api/v1/auth/token")}
    for m, p, op in operations(document):
        assert op.get("security") in (None, []), (m, p)


def test_every_error_response_is_the_error_schema(document):
    ref = {"$ref": "#/components/schemas/ErrorOut"}
    for m, p, op in operations(document):
        assert "400" in op["responses"], (m, p)
        for code, response in op["responses"].items():
            if code.startswith("4"):
                assert response["content"]["application/json"]["schema"] == ref, (m, p, code)
    item = document["components"]["schemas"]["ErrorItem"]
    assert {"key", "message", "message_en", "source"} <= set(item["properties"])
    assert set(item["required"]) == {"key", "message"}


def test_every_list_documents_the_bounds_paging_enforces(document):
    bounds = {"limit": (1, MAX_LIMIT), "offset": (0, MAX_DB_INT)}
    seen = 0
    for m, p, op in operations(document):
        for parameter in op.get("parameters", []):
            if parameter["in"] == "query" and parameter["name"] in bounds:
                seen += 1
                low, high = bounds[parameter["name"]]
                schema = parameter["schema"]
                assert (schema["minimum"], schema["maximum"]) == (low, high), (m, p)
    assert seen == 38


@pytest.mark.parametrize(
    ("query", "key"),
    [("limit=0", "limit"), (f"limit={MAX_LIMIT + 1}", "limit"), ("offset=-1", "offset")],
)
async def test_paging_out_of_its_bounds_is_the_400_it_always_was(client, query, key):
    from tests import factories as f

    admin = await f.user("admin")
    r = await client.get(f"/api/v1/users?{query}", headers=f.headers(admin))
    assert r.status_code == 400
    assert r.json()["detail"] == "分页参数有误"
    assert [item["key"] for item in r.json()["extra"]] == [key]


def _enum(schema):
    if "enum" in schema:
        return schema["enum"]
    for option in schema.get("oneOf", []) + schema.get("anyOf", []):
        if "enum" in option:
            return option["enum"]
    return None


@pytest.mark.parametrize(
    ("model", "field", "vocabulary"),
    [
        ("MeOut", "role", Role),
        ("UserOut", "role", Role),
        ("OrgUnitOut", "kind", OrgUnitKind),
        ("EnterpriseOut", "risk_colour", RiskColour),
        ("HazardListItemOut", "status", HazardStatus),
        ("HazardListItemOut", "level", HazardLevel),
        ("HazardListItemOut", "source", HazardSource),
        ("InspectionSummaryOut", "state", InspectionState),
        ("RiskPointOut", "colour", RiskColour),
        ("PatrolReportOut", "status", PatrolReportStatus),
        ("HazardIn", "level", HazardLevel),
        ("CampaignIn", "kind", CampaignKind),
    ],
)
def test_fixed_vocabularies_are_enums_of_the_one_list(document, model, field, vocabulary):
    schema = document["components"]["schemas"][model]["properties"][field]
    assert _enum(schema) == [member.value for member in vocabulary]


@pytest.mark.parametrize(
    ("path", "name", "values"),
    [
        ("/api/v1/users", "role", [*(r.value for r in Role), ""]),
        ("/api/v1/campaigns/{campaign_id}/stats", "group_by", [*GROUPS, ""]),
        ("/api/v1/org-units/{org_unit_id}/stats", "group_by", [*ORG_GROUPS, ""]),
        ("/api/v1/patrol-reports", "status", [*(s.value for s in PatrolReportStatus), ""]),
        ("/api/v1/patrol-figures", "group_by", ["grid", "worker"]),
    ],
)
def test_vocabulary_query_parameters_are_enums(document, path, name, values):
    (parameter,) = [p for p in document["paths"][path]["get"]["parameters"] if p["name"] == name]
    assert parameter["schema"]["enum"] == values


async def test_a_value_outside_a_vocabulary_is_a_chinese_400_naming_the_field(client):
    from tests import factories as f

    w = await f.world()
    body = {"name": "行动", "kind": "weekly", "starts_on": "2026-01-01", "ends_on": "2026-01-31"}
    body["org_unit_id"] = w.tree["street"]["id"]
    r = await client.post("/api/v1/campaigns", json=body, headers=f.headers(w.officer))
    assert r.status_code == 400, r.text
    (item,) = [item for item in r.json()["extra"] if item["key"] == "kind"]
    assert item["message"].startswith("kind 须为 special_rectification/")
    assert item["message_en"].startswith("kind must be one of special_rectification/")
    r = await client.get("/api/v1/users?role=boss", headers=f.headers(w.admin))
    assert r.status_code == 400
    assert [item["key"] for item in r.json()["extra"]] == ["role"]


async def test_an_integer_query_parameter_is_written_as_one(client):
    from tests import factories as f

    admin = await f.user("admin")
    for value in ("1.0", "1e2"):
        r = await client.get(f"/api/v1/users?limit={value}", headers=f.headers(admin))
        assert r.status_code == 400, value
        assert r.json()["extra"][0]["key"] == "limit"
        assert r.json()["extra"][0]["message"] == "limit 须为整数"
    assert (await client.get("/api/v1/users?limit=2", headers=f.headers(admin))).status_code == 200
