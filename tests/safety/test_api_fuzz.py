"""Bad input never gives a 500: every /api/v1 operation of the served OpenAPI schema,
fuzzed by schemathesis (hypothesis underneath) with valid and schema-violating inputs,
sent with the bearer token of a role that may call it.

For every generated request: no 5xx; a 4xx JSON body has Litestar's error shape
``{"status_code", "detail", "extra": [{"key", "message"}]}``; the status code, content type,
headers and body conform to what the schema documents (so the schema stays truthful).

The requests go through the suite's own httpx client on the session event loop (the test
is synchronous, so that loop is idle while it runs and each request is run to completion on
it): the app, its PostgreSQL pool and the factories all share one loop. Schemathesis's own
ASGI transport would run the app on a loop in another thread, where the pool does not work.

A second, hand-made pass (``test_hostile_input_never_gives_a_server_error``) sends every
operation what a generator rarely makes, anonymously and as each role: bodies that are not
UTF-8, nested 1,100 deep or truncated, objects whose every field holds a boundary value,
and path and query parameters at and past their limits (0, -1, the database's integer
range, 2**63, a superscript digit, calendar edges, control characters, bytes that are not
UTF-8). No 5xx; every JSON 4xx in the error shape; an anonymous caller gets 401 from every
authenticated operation whatever it sent (authentication comes before parsing).

Deterministic: hypothesis is derandomized and the hostile pass is a fixed table, so CI
fuzzes the same inputs every run.
"""

from __future__ import annotations

import asyncio
import datetime as dt
from typing import Any
from urllib.parse import quote

import pytest
import requests
import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    negative_data_rejection,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from safety.app import create_app
from safety.files import store as files
from safety.schemas import MAX_DB_INT
from tests import factories as f
from tests import imagegen

BASE_URL = "http://testserver.local"
EXAMPLES_PER_MODE = 15
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    negative_data_rejection,
]
REQUEST_KEYS = {"method", "url", "headers", "params", "cookies", "json", "data", "files"}

# The persona that may call each operation (admin's own work; the officer's registry).
ADMIN_PATHS = ("/api/v1/users", "/api/v1/audit-events")
# Writes only an admin may make (the officer would get 403 on every case).
ADMIN_WRITES = {("POST", "/api/v1/checklists")}


SCHEMA = create_app().openapi_schema.to_schema()


def _operations() -> list[tuple[str, str]]:
    # The route table is fixed at import time; the test itself fuzzes the schema the
    # running app serves (and checks that it names the same operations).
    paths = SCHEMA["paths"]
    return sorted(
        (method.upper(), path)
        for path, ops in paths.items()
        if path.startswith("/api/v1/")
        for method in ops
        if method in {"get", "post", "put", "patch", "delete"}
    )


OPERATIONS = _operations()


def persona_for(method: str, path: str) -> str | None:
    if path == "/api/v1/auth/token":
        return None
    if path.startswith(ADMIN_PATHS) or (method, path) in ADMIN_WRITES:
        return "admin"
    if path == "/api/v1/org-units" and method == "POST":
        return "admin"
    if path.startswith("/api/v1/referral-departments") and method != "GET":
        return "admin"
    if path.startswith("/api/v1/patrol-reports") and method == "POST":
        return "officer" if path.endswith("/triage") else "grid_worker"
    return "officer"


@pytest.fixture(scope="module")
async def event_loop_of_tests():
    return asyncio.get_running_loop()


@pytest.fixture(scope="module")
async def served_schema(client):
    r = await client.get("/schema/openapi.json")
    assert r.status_code == 200
    return schemathesis.openapi.from_dict(r.json())


@pytest.fixture(scope="module")
async def fuzz_world():
    """Fresh personas, plus a user the admin's PATCH may change at will (never a user
    another test relies on)."""
    from inspections.checklists.service import publish
    from safety.actors import SYSTEM
    from tests.checklists.helpers import body

    w = await f.world()
    w.checklist_id = (await publish(SYSTEM, body())).checklist["id"]
    target = await f.user("inspector", agency_id=w.agency["id"])
    photo = await files.save_bytes(
        imagegen.jpeg((64, 48)),
        filename="fuzz.jpg",
        owner_type="enterprise",
        owner_id=w.enterprise["id"],
        kind="scene",
        actor=f.actor(w.officer),
    )
    return w, target, photo.id, {**await inspection_ids(w), **await patrol_ids(w)}


async def patrol_ids(w) -> dict[str, int]:
    """A patrol report of the World's grid worker and a referral department."""
    from inspections.patrol.departments import create_department
    from inspections.patrol.schemas import DepartmentIn
    from tests.patrol.helpers import report

    department = await create_department(f.actor(w.admin), DepartmentIn(name=f"模糊{f.n()}"))
    return {"report_id": (await report(w.grid_worker))["id"], "department_id": department["id"]}


async def inspection_ids(w) -> dict[str, int]:
    """A campaign, batch, inspection (in progress) and hazard of the World, for the
    operations that take their ids."""
    from inspections import services
    from inspections.schemas import HazardIn
    from tests.inspections import factories as fi

    v = await fi.visit(w, enterprise=w.enterprise)
    await services.start_inspection(f.actor(w.inspector), v.inspection["id"])
    hazard = await services.log_hazard(
        f.actor(w.inspector),
        v.inspection["id"],
        HazardIn(description="安全出口堵塞", level="general", category="site"),
    )
    from rectification import services as rectification
    from rectification.schemas import ExtensionIn
    from safety.notifications.service import notify

    extension = await rectification.request_extension(
        f.actor(w.enterprise_user),
        hazard["id"],
        ExtensionIn(
            new_deadline=hazard["effective_deadline"] + dt.timedelta(days=30), reason="待料"
        ),
    )
    [notification] = await notify([w.officer["id"]], kind="fuzz", title="模糊测试")
    from inspections.risk.service import create_point

    point = await create_point(
        f.actor(w.officer),
        w.enterprise["id"],
        {"name": "模糊测试风险点", "method": "LS", "likelihood": 2, "severity": 2},
    )
    return {
        "point_id": point["id"],
        "campaign_id": v.campaign["id"],
        "batch_id": v.batch["id"],
        "inspection_id": v.inspection["id"],
        "hazard_id": hazard["id"],
        "request_id": extension["id"],
        "notification_id": notification,
    }


def test_the_fuzzed_operations_are_the_served_ones(served_schema):
    served = sorted(
        (op.ok().method.upper(), op.ok().path)
        for op in served_schema.get_all_operations()
        if op.ok().path.startswith("/api/v1/")
    )
    assert served == OPERATIONS
    assert len(OPERATIONS) >= 18


def assert_error_shape(status: int, body: Any) -> None:
    """Litestar's error shape; a 400 names at least one field."""
    assert isinstance(body, dict), body
    assert body.get("status_code") == status, body
    assert isinstance(body.get("detail"), str) and body["detail"], body
    extra = body.get("extra", [])
    assert isinstance(extra, list), body
    for item in extra:
        assert isinstance(item, dict), body
        assert isinstance(item.get("key"), str), body
        assert isinstance(item.get("message"), str) and item["message"], body
    if status == 400:
        assert extra, f"a 400 must name the bad field(s): {body}"


def sandbox(case: schemathesis.Case, target_user_id: int, department_id: int) -> None:
    """Keep random writes away from rows other tests own: the admin's PATCHes change only
    the fuzz target user and the fuzz's own referral department (a random id 1 would
    deactivate the seeded 市场监管 other tests refer to); login attempts use names no
    persona has (no lockouts)."""
    path = case.operation.path
    if path == "/api/v1/users/{user_id}" and case.method.upper() == "PATCH":
        case.path_parameters = {"user_id": target_user_id}
    if path == "/api/v1/referral-departments/{department_id}" and case.method.upper() == "PATCH":
        case.path_parameters = {"department_id": department_id}
    if path == "/api/v1/auth/token" and isinstance(case.body, dict):
        username = case.body.get("username")
        if isinstance(username, str):
            case.body = {**case.body, "username": f"fuzz-{username}"}


@pytest.mark.parametrize(("method", "path"), OPERATIONS, ids=[f"{m} {p}" for m, p in OPERATIONS])
def test_bad_input_never_gives_a_server_error(
    method, path, served_schema, fuzz_world, client, event_loop_of_tests
):
    world, target, photo_id, inspection = fuzz_world
    operation = served_schema.find_operation_by_path(method.lower(), path)
    assert operation is not None
    role = persona_for(method, path)
    headers = f.headers(getattr(world, role)) if role else None
    # Random ids mostly name nothing (404): half of the cases aim at rows of this world.
    own_ids = {
        "enterprise_id": world.enterprise["id"],
        "user_id": target["id"],
        "org_unit_id": world.tree["grid1"]["id"],
        "checklist_id": world.checklist_id,
        "file_id": photo_id,
        **inspection,
    }
    names = [p.name for p in operation.path_parameters]
    # A path whose ids this world does not make is fuzzed with random ids only.
    own = {n: own_ids[n] for n in names} if all(n in own_ids for n in names) else {}
    strategy = st.one_of(
        *(
            operation.as_strategy(mode, headers=headers, path_parameters=fixed)
            for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE)
            for fixed in ([None, own] if own else [None])
        )
    )

    def send(case: schemathesis.Case):
        kwargs = case.as_transport_kwargs(base_url=BASE_URL)
        prepared = requests.Request(
            **{k: v for k, v in kwargs.items() if k in REQUEST_KEYS}
        ).prepare()
        return event_loop_of_tests.run_until_complete(
            client.request(
                prepared.method,
                prepared.url,
                headers=dict(prepared.headers),
                content=prepared.body,
            )
        )

    @settings(
        max_examples=2 * EXAMPLES_PER_MODE,
        deadline=None,
        derandomize=True,
        database=None,
        suppress_health_check=[
            HealthCheck.too_slow,
            HealthCheck.filter_too_much,
            HealthCheck.data_too_large,
            HealthCheck.function_scoped_fixture,
        ],
    )
    @given(case=strategy)
    def fuzz(case: schemathesis.Case) -> None:
        sandbox(case, target["id"], inspection["department_id"])
        response = send(case)
        assert response.status_code < 500, (response.status_code, response.text, case)
        if 400 <= response.status_code < 500 and "json" in response.headers.get("content-type", ""):
            assert_error_shape(response.status_code, response.json())
        case.validate_response(response, checks=CHECKS)

    fuzz()


# ---------------------------------------------------------------- the hostile pass

PERSONAS = ("anonymous", "admin", "officer", "inspector", "enterprise", "grid_worker")
HOSTILE_BODIES = {
    "invalid-utf8": b'{"username":"\xff\xfe","password":"x","name":"\xc3(","version":1}',
    "lone-surrogate-escape": b'{"username":"\\udcff","name":"\\ud800","version":1}',
    "nested-1100": b"[" * 1100 + b"]" * 1100,
    "nested-in-a-field": b'{"name":' + b"[" * 200 + b"]" * 200 + b',"version":1}',
    "truncated": b'{"name": "abc',
    "not-an-object": b"[1, 2]",
    "null": b"null",
    "huge-numbers": b'{"version": 1e999, "org_unit_id": 123456789012345678901234567890}',
}
BIG = 2**63
# A value for every field / parameter at once, rotated (row i gives the k-th field the
# value (i + k) mod n), so each field meets each value across the rows.
BOUNDARY_VALUES: list[Any] = [
    0,
    -1,
    MAX_DB_INT,
    MAX_DB_INT + 1,
    BIG,
    1e308,
    "",
    "²",
    "x" * 3000,
    "9999-12-31",
    "0001-01-01",
    None,
    [],
    {},
]
# Query strings are text: the same edges written out, plus raw bytes that are not UTF-8
# and control characters (sent percent-encoded as they are).
BOUNDARY_QUERY = [
    "0",
    "-1",
    str(MAX_DB_INT),
    str(MAX_DB_INT + 1),
    str(BIG),
    "",
    "%C2%B2",  # ²
    "x" * 3000,
    "9999-12-31",
    "0001-01-01T00:00:00%2B14:00",
    "%FF%FE",
    "%00",
]
BOUNDARY_PATH = ["0", "-1", str(MAX_DB_INT), str(MAX_DB_INT + 1), str(BIG)]


def _resolve(schema: dict) -> dict:
    ref = schema.get("$ref", "")
    return SCHEMA["components"]["schemas"][ref.rsplit("/", 1)[-1]] if ref else schema


def _body_fields(method: str, path: str) -> list[str] | None:
    """The JSON body's field names, or None when the operation takes no JSON body."""
    body = SCHEMA["paths"][path][method.lower()].get("requestBody")
    if not body or "application/json" not in body["content"]:
        return None
    return sorted(_resolve(body["content"]["application/json"]["schema"]).get("properties", {}))


def _rotated(names: list[str], values: list[Any], row: int) -> dict[str, Any]:
    return {name: values[(row + k) % len(values)] for k, name in enumerate(names)}


def hostile_requests(
    method: str, path: str, ids: dict[str, int], one_by_one: bool
) -> list[tuple[str, bytes, str]]:
    """(url, body, content type) of every hostile request for one operation. Query values
    are rotated over all parameters at once; ``one_by_one`` (the persona the operation is
    for) gets every rotation row and also each parameter each value alone, so an earlier
    parameter's 400 cannot mask a later one's 500; other personas every third row."""
    import json as jsonlib

    op = SCHEMA["paths"][path][method.lower()]
    params = op.get("parameters", [])
    path_names = [p["name"] for p in params if p["in"] == "path"]
    query_names = [p["name"] for p in params if p["in"] == "query"]

    def url(path_values: dict[str, str], query: dict[str, str] | None = None) -> str:
        out = path
        for name in path_names:
            out = out.replace("{" + name + "}", path_values.get(name, str(ids.get(name, 1))))
        if query:
            out += "?" + "&".join(f"{quote(k)}={v}" for k, v in query.items())
        return out

    found: list[tuple[str, bytes, str]] = []
    for value in BOUNDARY_PATH if path_names else []:
        found.append((url({n: value for n in path_names}), b"", ""))
    step = 1 if one_by_one else 3
    for row in range(0, len(BOUNDARY_QUERY) if query_names else 0, step):
        found.append((url({}, _rotated(query_names, BOUNDARY_QUERY, row)), b"", ""))
    for name in query_names if one_by_one else []:
        found.extend((url({}, {name: value}), b"", "") for value in BOUNDARY_QUERY)
    fields = _body_fields(method, path)
    if fields is not None:
        for body in HOSTILE_BODIES.values():
            found.append((url({}), body, "application/json"))
        for row in range(0, len(BOUNDARY_VALUES), step):
            body = jsonlib.dumps(_rotated(fields, BOUNDARY_VALUES, row)).encode()
            found.append((url({}), body, "application/json"))
        for name in fields if one_by_one else []:
            found.extend(
                (url({}), jsonlib.dumps({name: value}).encode(), "application/json")
                for value in BOUNDARY_VALUES
            )
    elif "requestBody" in op:  # multipart: a part whose name and content are not UTF-8
        boundary = "hostile"
        multipart = (
            f"--{boundary}\r\n".encode()
            + b'Content-Disposition: form-data; name="file"; filename="\xff\xfe.csv"\r\n'
            + b"Content-Type: text/csv\r\n\r\n\xff\xfe\x00bad\r\n"
            + f"--{boundary}--\r\n".encode()
        )
        found.append((url({}), multipart, f"multipart/form-data; boundary={boundary}"))
        found.append((url({}), HOSTILE_BODIES["invalid-utf8"], "application/json"))
    if method == "GET" and not found:
        found.append((url({}), b"", ""))
    elif not found:  # an operation without input: a body it does not expect, still no 5xx
        found.extend((url({}), body, "application/json") for body in HOSTILE_BODIES.values())
    return found


@pytest.mark.parametrize(("method", "path"), OPERATIONS, ids=[f"{m} {p}" for m, p in OPERATIONS])
async def test_hostile_input_never_gives_a_server_error(method, path, fuzz_world, client):
    world, target, _, own = fuzz_world
    ids = {
        "enterprise_id": world.enterprise["id"],
        "user_id": target["id"],
        "org_unit_id": world.tree["grid1"]["id"],
        # the fuzz's own department: an id of 1 would rename and deactivate the seeded
        # 市场监管 that other tests refer reports to
        "department_id": own["department_id"],
    }
    public = path == "/api/v1/auth/token"  # its boundary usernames are nobody's: no lockouts
    allowed = persona_for(method, path) or "anonymous"
    for persona in PERSONAS:
        user = None if persona == "anonymous" else getattr(world, persona)
        if persona == "enterprise":
            user = world.enterprise_user
        auth = f.headers(user) if user else {}
        requests_ = hostile_requests(method, path, ids, one_by_one=persona == allowed)
        assert requests_, f"{method} {path}: nothing hostile to send"
        for url, body, content_type in requests_:
            headers = {**auth, **({"content-type": content_type} if content_type else {})}
            r = await client.request(method, url, content=body or None, headers=headers)
            where = (persona, method, url[:120], body[:80])
            assert r.status_code < 500, (where, r.status_code, r.text[:300])
            if user is None and not public:
                assert r.status_code == 401, (where, r.status_code, r.text[:300])
            if 400 <= r.status_code < 500 and "json" in r.headers.get("content-type", ""):
                assert_error_shape(r.status_code, r.json())
