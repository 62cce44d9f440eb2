"""The route glue of docs/dev/routes.md: the 413 response reaches handlers inside Routers,
an admin-only router refuses a wrong role before reading the body, and the automatic
OPTIONS answer stays open on a router that carries the actor."""

from __future__ import annotations

from litestar import Litestar, Router, post
from litestar.params import JSONBody
from pydantic import BaseModel

from safety.openapi import document
from tests import factories as f


class _Body(BaseModel):
    name: str


@post("/things", summary="A JSON body")
async def _make(data: JSONBody[_Body]) -> None:
    return None


@post("/plain", summary="No body")
async def _plain() -> None:
    return None


def test_the_json_limit_reaches_handlers_inside_nested_routers():
    inner = Router(path="/inner", route_handlers=[_make, _plain])
    app = Litestar(route_handlers=[Router(path="/outer", route_handlers=[inner])])
    document(app)
    paths = app.openapi_schema.to_schema()["paths"]
    assert "413" in paths["/outer/inner/things"]["post"]["responses"]
    assert "413" not in paths["/outer/inner/plain"]["post"]["responses"]


async def test_the_app_documents_413_on_router_json_routes(client):
    paths = (await client.get("/schema/openapi.json")).json()["paths"]
    # Declared without 413 by its handler: the walk over the built app adds it.
    assert "413" in paths["/api/v1/me/totp/confirm"]["post"]["responses"]
    assert "413" not in paths["/api/v1/me"]["get"]["responses"]


async def test_an_admin_only_router_refuses_another_role_before_the_body(client):
    world = await f.world()
    # A body that would be a 400 for the admin is a 403 for an officer: the guard runs first.
    r = await client.post("/api/v1/users", json=[], headers=f.headers(world.officer))
    assert r.status_code == 403
    r = await client.post("/api/v1/users", json=[], headers=f.headers(world.admin))
    assert r.status_code == 400


async def test_options_stays_open_on_a_router_with_the_actor(client):
    client.cookies.clear()
    for path in ("/api/v1/users", "/api/v1/me", "/admin/users", "/enterprises"):
        r = await client.options(path)
        assert r.status_code == 204, path
        assert "GET" in r.headers["allow"], path
    assert (await client.get("/api/v1/users")).status_code == 401
