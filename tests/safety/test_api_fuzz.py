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

Deterministic: hypothesis is derandomized, so CI fuzzes the same inputs every run.
"""

from __future__ import annotations

import asyncio
from typing import Any

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

from safety import files
from safety.app import create_app
from tests import factories as f
from tests import imagegen

BASE_URL = "http://testserver.local"
EXAMPLES_PER_MODE = 25
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


def _operations() -> list[tuple[str, str]]:
    # The route table is fixed at import time; the test itself fuzzes the schema the
    # running app serves (and checks that it names the same operations).
    paths = create_app().openapi_schema.to_schema()["paths"]
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
    from safety.auth import SYSTEM
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
    return w, target, photo.id, await inspection_ids(w)


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
    return {
        "campaign_id": v.campaign["id"],
        "batch_id": v.batch["id"],
        "inspection_id": v.inspection["id"],
        "hazard_id": hazard["id"],
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


def sandbox(case: schemathesis.Case, target_user_id: int) -> None:
    """Keep random writes away from rows other tests own: the admin's PATCH changes only
    the fuzz target user; login attempts use names no persona has (no lockouts)."""
    path = case.operation.path
    if path == "/api/v1/users/{user_id}" and case.method.upper() == "PATCH":
        case.path_parameters = {"user_id": target_user_id}
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
        "file_id": photo_id,
        "checklist_id": world.checklist_id,
        **inspection,
    }
    own = {p.name: own_ids[p.name] for p in operation.path_parameters}
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
        sandbox(case, target["id"])
        response = send(case)
        assert response.status_code < 500, (response.status_code, response.text, case)
        if 400 <= response.status_code < 500 and "json" in response.headers.get("content-type", ""):
            assert_error_shape(response.status_code, response.json())
        case.validate_response(response, checks=CHECKS)

    fuzz()
