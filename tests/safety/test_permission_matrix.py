"""Every route × every role × own/foreign object, against the rules in tests/permissions/.

To add a route, add its rule to the area module in tests/permissions/ (see the HOW TO in
tests/permissions/__init__.py). A route of the app without a rule fails
``test_every_route_has_a_rule``.
"""

from __future__ import annotations

import pytest

from safety.app import create_app
from tests import factories as f
from tests.pages import as_user, page_headers
from tests.permissions import BASE_ROLES, LOGIN, ROLES, Req, all_specs

SPECS = all_specs()
SKIPPED_PREFIXES = ("/schema", "/static")
PERSONA = {
    "admin": "admin",
    "officer": "officer",
    "inspector": "inspector",
    "enterprise": "enterprise_user",
    "grid_worker": "grid_worker",
}


def app_routes() -> set[tuple[str, str]]:
    keys = set()
    for route in create_app().routes:
        if route.path.startswith(SKIPPED_PREFIXES):
            continue
        for handler in getattr(route, "route_handlers", []):
            for method in handler.http_methods:
                if method not in ("OPTIONS", "HEAD"):
                    keys.add((method, route.path))
    return keys


def test_every_route_has_a_rule():
    missing = sorted(app_routes() - set(SPECS))
    assert not missing, f"routes without a permission rule (add to tests/permissions/): {missing}"


def test_every_rule_names_a_route_and_every_role():
    stale = sorted(set(SPECS) - app_routes())
    assert not stale, f"rules for routes that do not exist: {stale}"
    for key, spec in SPECS.items():
        named = set(spec.expect) - {"grid_worker"}
        assert named == set(BASE_ROLES), f"{key}: expect must name {BASE_ROLES}"


@pytest.fixture(scope="module")
async def world():
    return await f.world()


async def send(client, req: Req, user: dict | None):
    client.cookies.clear()  # only this request's credentials count
    headers = dict(req.headers)
    if req.path.startswith("/api/"):
        if user is not None:
            headers.update(f.headers(user))
    else:
        headers.update(await as_user(user) if user is not None else page_headers())
    return await client.request(
        req.method,
        req.path,
        json=req.json,
        data=req.form,
        files=req.files,
        params=req.params,
        headers=headers,
        follow_redirects=False,
    )


@pytest.mark.parametrize("key", sorted(SPECS), ids=lambda k: f"{k[0]} {k[1]}")
async def test_route_follows_its_permission_rule(key, world, client):
    spec = SPECS[key]
    failures = []
    for target in spec.targets:
        for role in ROLES:
            req = await spec.build(world, target)
            assert req.method == key[0], f"{key}: build made a {req.method} request"
            r = await send(client, req, getattr(world, PERSONA[role]))
            want = spec.expected(role, target)
            if r.status_code != want:
                failures.append(f"{role}/{target}: {r.status_code} != {want} ({r.text[:160]})")
        req = await spec.build(world, target)
        r = await send(client, req, None)
        want = spec.expected_anonymous(target)
        if want == LOGIN:
            location = r.headers.get("location", "")
            if r.status_code != 303 or not location.startswith("/login?next="):
                failures.append(f"anonymous/{target}: {r.status_code} to {location!r}, not login")
        elif r.status_code != want:
            failures.append(f"anonymous/{target}: {r.status_code} != {want}")
    assert not failures, f"{key[0]} {key[1]}:\n" + "\n".join(failures)
