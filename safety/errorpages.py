"""The one mapping of errors to HTTP responses: JSON (Litestar's error shape) for
``/api``, ``/health`` and ``/schema``; an HTML page for page routes, where 401 becomes a
redirect to the login page. Every 403 (a role acting out of bounds, or a form post
without a valid CSRF token) is written to the audit trail after the response is sent.
"""

from __future__ import annotations

import logging
from typing import Any
from urllib.parse import quote

from litestar import Request, Response
from litestar.background_tasks import BackgroundTask
from litestar.exceptions import HTTPException
from litestar.response import Redirect, Template

from safety.errors import DomainError, NotAuthenticated

log = logging.getLogger("safety")

JSON_PREFIXES = ("/api/", "/health", "/schema")


def wants_json(request: Request) -> bool:
    path = request.url.path
    return path == "/api" or path.startswith(JSON_PREFIXES)


def login_redirect(request: Request) -> Redirect:
    target = request.url.path
    if request.method == "GET" and request.url.query:
        target += "?" + request.url.query
    return Redirect(f"/login?next={quote(target, safe='')}", status_code=303)


async def _audit_denial(
    path: str, method: str, detail: str, user: Any, ip: str | None, kind: str
) -> None:
    from safety import audit
    from safety.db import write_transaction

    try:
        async with write_transaction():
            await audit.record(
                user,
                "access.denied",
                "route",
                None,
                after={"method": method, "path": path, "detail": detail, "kind": kind, "ip": ip},
                success=False,
            )
    except Exception:  # noqa: BLE001 - the response is already sent; log, never raise
        log.exception("could not audit a refused request")


def _denial_task(request: Request, detail: str, kind: str) -> BackgroundTask:
    actor = request.state.get("actor") if hasattr(request.state, "get") else None
    ip = request.client.host if request.client else None
    return BackgroundTask(_audit_denial, request.url.path, request.method, detail, actor, ip, kind)


def _respond(
    request: Request,
    status_code: int,
    detail: str,
    extra: Any = None,
    headers: dict[str, str] | None = None,
    background: BackgroundTask | None = None,
) -> Response:
    if wants_json(request):
        body: dict[str, Any] = {"status_code": status_code, "detail": detail}
        if extra:
            body["extra"] = extra
        elif extra is not None:
            body["extra"] = []
        return Response(body, status_code=status_code, headers=headers, background=background)
    return Template(
        "error.html",
        context={
            "status_code": status_code,
            "detail": detail,
            "extra": extra if isinstance(extra, list) else [],
        },
        status_code=status_code,
        headers=headers,
        background=background,
        media_type="text/html",
    )


def domain_error_handler(request: Request, exc: DomainError) -> Response:
    if isinstance(exc, NotAuthenticated):
        if not wants_json(request):
            return login_redirect(request)
        return _respond(request, 401, exc.detail, exc.extra, headers={"WWW-Authenticate": "Bearer"})
    background = _denial_task(request, exc.detail, "role") if exc.status_code == 403 else None
    headers = getattr(exc, "headers", None)
    return _respond(request, exc.status_code, exc.detail, exc.extra, headers, background)


def internal_error_handler(request: Request, exc: Exception) -> Response:
    if isinstance(exc, HTTPException):
        background = None
        if exc.status_code == 403:  # the CSRF middleware's refusal
            background = _denial_task(request, str(exc.detail), "csrf")
        return _respond(
            request, exc.status_code, exc.detail, exc.extra or None, exc.headers, background
        )
    log.exception("unhandled error on %s %s", request.method, request.url.path)
    return _respond(request, 500, "服务器内部错误 (internal server error)")
