"""Hostile requests answered by the kernel (issue 7, findings 3, 4 and 6): malformed,
oversized or deeply nested JSON bodies are a 400/413 in Litestar's error shape, never a
500, and only after authentication (anonymous → 401 whatever the body); the audit trail's
filters refuse bad values with a 400 naming them; every response, errors and static files
included, carries the security headers."""

from __future__ import annotations

import re

import pytest
from litestar.enums import RequestEncodingType

from safety.app import create_app
from safety.bodies import JSON_MAX_DEPTH, nesting_depth
from safety.schemas import MAX_DB_INT
from safety.settings import get_settings
from safety.tables import AuditEvent
from tests import factories as f
from tests.pages import as_user

INVALID_UTF8 = b'{"username":"\xff","password":"x"}'
DEEP = b"[" * 1100 + b"]" * 1100
JSON = {"content-type": "application/json"}


@pytest.fixture(scope="module")
async def w():
    return await f.world()


def keys(r) -> list[str]:
    return [e["key"] for e in r.json()["extra"]]


def _json_body_operations() -> list[tuple[str, str]]:
    """Every /api route that reads a JSON body, from the app's own route table, so a new
    one is covered without editing this list."""
    found = []
    for route in create_app().routes:
        if not route.path.startswith("/api/"):
            continue
        for method, (handler, _) in getattr(route, "route_handler_map", {}).items():
            field = handler.parsed_fn_signature.parameters.get("data")
            if method in {"POST", "PUT", "PATCH"} and field is not None:
                if field.kwarg_definition.media_type == RequestEncodingType.JSON:
                    found.append((method, route.path_format))
    return sorted(found)


BODY_OPERATIONS = _json_body_operations()
AUTHENTICATED = [op for op in BODY_OPERATIONS if op[1] != "/api/v1/auth/token"]


def _concrete(path: str) -> str:
    return re.sub(r"\{[^}]+\}", "1", path)


def test_the_json_body_operations_are_found():
    assert ("POST", "/api/v1/auth/token") in BODY_OPERATIONS
    assert ("PATCH", "/api/v1/enterprises/{enterprise_id}") in AUTHENTICATED
    assert ("POST", "/api/v1/enterprises/import") not in BODY_OPERATIONS  # multipart
    assert len(AUTHENTICATED) >= 6


async def test_every_json_body_operation_documents_the_size_limit(client):
    paths = (await client.get("/schema/openapi.json")).json()["paths"]
    for method, path in BODY_OPERATIONS:
        assert "413" in paths[path][method.lower()]["responses"], (method, path)


@pytest.mark.parametrize("body", [INVALID_UTF8, DEEP], ids=["invalid-utf8", "nested-1100"])
async def test_the_token_endpoint_refuses_a_hostile_body_with_a_400(client, body):
    r = await client.post("/api/v1/auth/token", content=body, headers=JSON)
    assert r.status_code == 400, r.text
    assert r.json()["status_code"] == 400
    assert keys(r) == ["body"]


@pytest.mark.parametrize("body", [INVALID_UTF8, DEEP, b"{broken"], ids=["utf8", "deep", "bad"])
@pytest.mark.parametrize(("method", "path"), AUTHENTICATED)
async def test_an_anonymous_caller_gets_401_whatever_the_body(client, method, path, body):
    client.cookies.clear()
    r = await client.request(method, _concrete(path), content=body, headers=JSON)
    assert r.status_code == 401, r.text
    assert r.headers["www-authenticate"] == "Bearer"


@pytest.mark.parametrize("body", [INVALID_UTF8, DEEP], ids=["invalid-utf8", "nested-1100"])
@pytest.mark.parametrize(("method", "path"), AUTHENTICATED)
async def test_an_authenticated_caller_gets_400_naming_the_body(client, w, method, path, body):
    who = w.admin if "/enterprises" not in path else w.officer
    url = path.replace("{enterprise_id}", str(w.enterprise["id"]))
    url = _concrete(url.replace("{user_id}", str(w.inspector["id"])))
    r = await client.request(method, url, content=body, headers={**JSON, **f.headers(who)})
    assert r.status_code == 400, r.text
    body_out = r.json()
    assert body_out["status_code"] == 400 and body_out["detail"]
    assert keys(r) == ["body"]


async def test_json_nested_past_the_limit_is_refused_and_at_the_limit_is_parsed(client, w):
    h = {**JSON, **f.headers(w.officer)}
    at_limit = b'{"name":' + b"[" * (JSON_MAX_DEPTH - 1) + b"]" * (JSON_MAX_DEPTH - 1) + b"}"
    over = b'{"name":' + b"[" * JSON_MAX_DEPTH + b"]" * JSON_MAX_DEPTH + b"}"
    r = await client.post("/api/v1/enterprises", content=at_limit, headers=h)
    assert r.status_code == 400 and "body" not in keys(r), r.text  # parsed: the field is bad
    r = await client.post("/api/v1/enterprises", content=over, headers=h)
    assert r.status_code == 400 and keys(r) == ["body"], r.text
    assert "64" in r.json()["detail"]


def test_nesting_depth_ignores_brackets_inside_strings():
    assert nesting_depth(b'{"a":"[[[[[","b":"\\"[[{"}') == 1
    assert nesting_depth(b'[[1],[[2]],{"k":[3]}]') == 3
    assert nesting_depth(b'"\\\\"') == 0
    assert nesting_depth(b"[" * 5000) == JSON_MAX_DEPTH + 1  # stops counting past the limit


async def test_a_json_body_over_the_size_limit_is_a_413(client, w):
    limit = get_settings().max_json_bytes
    body = b'{"name":"' + b"x" * limit + b'"}'
    r = await client.post(
        "/api/v1/enterprises", content=body, headers={**JSON, **f.headers(w.officer)}
    )
    assert r.status_code == 413, r.text
    assert r.json()["status_code"] == 413 and keys(r) == ["body"]
    r = await client.post("/api/v1/auth/token", content=body, headers=JSON)
    assert r.status_code == 413, r.text


async def test_an_upload_bigger_than_the_json_limit_is_not_refused_for_its_size(client, w):
    big = ("统一社会信用代码,企业名称\n" + "x" * (get_settings().max_json_bytes + 10)).encode()
    r = await client.post(
        "/api/v1/enterprises/import",
        files={"file": ("big.csv", big, "text/csv")},
        headers=f.headers(w.officer),
    )
    assert r.status_code not in (413, 500), r.text


# ---------------------------------------------------------------- audit filters (4)


@pytest.mark.parametrize(
    ("query", "key"),
    [
        ("actor=²", None),  # not digits: a username (only failed logins may carry it)
        ("actor=99999999999999999999", "actor"),
        (f"actor={MAX_DB_INT + 1}", "actor"),
        ("object_id=99999999999999999999", "object_id"),
        ("object_id=²", "object_id"),
        ("object_id=0", "object_id"),
        ("object_id=-1", "object_id"),
        ("since=2026-02-30", "since"),
        ("until=2026-13-01", "until"),
        ("since=2026-01-01T00:00:00", "since"),  # no offset
    ],
)
async def test_the_audit_trail_refuses_a_bad_filter_naming_it(client, w, query, key):
    r = await client.get(f"/api/v1/audit-events?{query}", headers=f.headers(w.admin))
    if key is None:
        assert r.status_code == 200, r.text
        assert {e["actor_username"] for e in r.json()["items"]} <= {"²"}
        return
    assert r.status_code == 400, r.text
    assert keys(r) == [key]


@pytest.mark.parametrize(
    "query",
    [
        "since=0001-01-01",
        "until=0001-01-01",
        "since=9999-12-31",
        "until=9999-12-31",
        "since=0001-01-01T00:00:00%2B14:00",
        "until=9999-12-31T23:59:59-12:00",
        "since=0001-01-01&until=9999-12-31",
    ],
)
async def test_the_audit_trail_takes_dates_at_the_edge_of_the_calendar(client, w, query):
    r = await client.get(f"/api/v1/audit-events?{query}&limit=1", headers=f.headers(w.admin))
    assert r.status_code == 200, r.text
    everything = await AuditEvent.count().run()
    if query.startswith("since=0001") and "until=0001" not in query:
        assert r.json()["total"] == everything
    if query in ("until=9999-12-31", "since=0001-01-01&until=9999-12-31"):
        assert r.json()["total"] == everything
    if query in ("until=0001-01-01", "since=9999-12-31"):
        assert r.json()["total"] == 0


@pytest.mark.parametrize(
    ("query", "key"),
    [
        ("who=²", None),
        ("who=99999999999999999999", "actor"),
        ("object_id=99999999999999999999", "object_id"),
        ("until=9999-12-31", None),
        ("since=0001-01-01", None),
        ("since=0001-01-01T00:00:00%2B14:00", None),
        ("since=2026-02-30", "since"),
    ],
)
async def test_the_audit_page_shows_a_bad_filter_next_to_its_field(client, w, query, key):
    r = await client.get(f"/admin/audit?{query}", headers=await as_user(w.admin))
    assert r.status_code == (400 if key else 200), r.text[:300]
    assert "<html" in r.text


@pytest.mark.parametrize(
    ("who", "url", "key"),
    [
        ("officer", "/api/v1/enterprises?q=a%00b", "q"),
        ("admin", "/api/v1/users?q=%00", "q"),
        ("admin", "/api/v1/agencies?q=%1b", "q"),
        ("admin", "/api/v1/audit-events?actor=%00", "actor"),
        ("admin", "/api/v1/audit-events?action=%7f", "action"),
        ("admin", "/api/v1/audit-events?object_type=%00", "object_type"),
        ("admin", "/api/v1/org-units?kind=x&%00=1", "\\x00"),
    ],
)
async def test_a_control_character_in_a_query_parameter_is_a_400_naming_it(
    client, w, who, url, key
):
    r = await client.get(url, headers=f.headers(getattr(w, who)))
    assert r.status_code == 400, r.text
    assert keys(r) == [key]


async def test_the_audit_page_refuses_a_control_character_in_a_filter(client, w):
    r = await client.get("/admin/audit?who=%00", headers=await as_user(w.admin))
    assert r.status_code == 400 and "<html" in r.text


# ---------------------------------------------------------------- security headers (6)


def assert_security_headers(r, *, static: bool = False) -> None:
    h = r.headers
    assert "frame-ancestors 'none'" in h.get("content-security-policy", ""), (r.url, dict(h))
    assert h.get("x-frame-options") == "DENY", r.url
    assert h.get("x-content-type-options") == "nosniff", r.url
    assert h.get("referrer-policy"), r.url
    assert h.get("cache-control") == ("no-cache" if static else "no-store"), r.url


@pytest.mark.parametrize(
    ("method", "path", "status"),
    [
        ("GET", "/no-such-page", 404),
        ("GET", "/api/v1/no-such-thing", 404),
        ("GET", "/static/no-such-file.css", 404),
        ("DELETE", "/api/v1/me", 405),
        ("PUT", "/login", 405),
        ("POST", "/api/v1/enterprises/export.xlsx", 405),
        ("GET", "/api/v1/me", 401),
        ("GET", "/login", 200),
    ],
)
async def test_every_response_carries_the_security_headers(client, method, path, status):
    client.cookies.clear()
    r = await client.request(method, path)
    assert r.status_code == status, r.text
    assert_security_headers(r, static=path.startswith("/static/"))


async def test_static_files_carry_the_security_headers(client):
    r = await client.get("/static/app.css")
    assert r.status_code == 200
    assert_security_headers(r, static=True)


async def test_hsts_is_on_every_response_when_configured(client, monkeypatch):
    monkeypatch.setattr(get_settings(), "secure_cookies", True)
    for method, path in (("GET", "/no-such-page"), ("DELETE", "/api/v1/me"), ("GET", "/login")):
        r = await client.request(method, path)
        assert r.headers.get("strict-transport-security") == "max-age=31536000", path
