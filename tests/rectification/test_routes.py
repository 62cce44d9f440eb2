"""The rectification routers (rectification/routes.py). A router's actor dependency also
reaches the OPTIONS answer Litestar adds to each of its paths; that answer names the
methods and needs no caller (as when each handler declared the actor itself), while the
routes themselves still do."""

from __future__ import annotations

import pytest

PATHS = ["/api/v1/hazards/1", "/api/v1/extension-requests", "/hazards/1", "/dashboard", "/"]


@pytest.mark.parametrize("path", PATHS)
async def test_options_needs_no_caller_but_the_route_does(client, path):
    answer = await client.options(path)
    assert answer.status_code == 204
    assert "GET" in answer.headers["allow"]
    route = await client.get(path, follow_redirects=False)
    assert route.status_code == (401 if path.startswith("/api/") else 303)
