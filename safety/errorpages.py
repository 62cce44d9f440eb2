"""The one mapping of errors to HTTP responses: JSON (Litestar's error shape) for
``/api``, ``/health`` and ``/schema``; an HTML page for page routes, where 401 becomes a
redirect to the login page.

Refusals are written to the audit trail (``access.denied``) after the response is sent:
- every 403 (a role acting out of bounds, or a form post without a valid CSRF token),
  naming the caller whenever their credentials are valid (a CSRF refusal is raised before
  the route runs, so the session is looked up for it);
- a 404 of an object (``NotFound``) for an authenticated caller: outside their scope or
  missing, which the caller cannot tell apart but the trail should show. It names the
  object (``NotFound.object_type``/``object_id``, else the route's last path parameter)
  and is collapsed per actor and object per minute (``audit.record_denial``). A 404 for an
  anonymous caller or for a route that does not exist is not audited.
"""

from __future__ import annotations

import logging
import re
from typing import Any
from urllib.parse import quote

from litestar import Request, Response
from litestar.background_tasks import BackgroundTask
from litestar.exceptions import HTTPException
from litestar.response import Redirect, Template

from safety import i18n, outages
from safety.errors import DomainError, NotAuthenticated, NotFound

log = logging.getLogger(__name__)

JSON_PREFIXES = ("/api/", "/health", "/schema")

# raised in Chinese; the English is in ``safety.error_messages`` (``i18n.localise``)
UTF8_REFUSED = "表单字段不是有效的 UTF-8 文本"
INTERNAL_ERROR = "服务器内部错误"


def wants_json(request: Request) -> bool:
    """JSON for the API, and for a page's own script that asks for it (``Accept:
    application/json``: the inspector's outbox must see a 401 or a 400, not a login page)."""
    path = request.url.path
    if path == "/api" or path.startswith(JSON_PREFIXES):
        return True
    return request.headers.get("accept", "").startswith("application/json")


def login_redirect(request: Request) -> Redirect:
    target = request.url.path
    if request.method == "GET" and request.url.query:
        target += "?" + request.url.query
    return Redirect(f"/login?next={quote(target, safe='')}", status_code=303)


async def _audit_denial(
    request: Request, method: str, detail: str, actor: Any, kind: str, target: Any = None
) -> None:
    from safety import audit
    from safety.db import write_transaction
    from safety.web import client_ip

    try:
        # The composition root hands over how to find the caller (the accounts room sits
        # above this module): ``app.state.known_actor``, see safety.app.
        known_actor = request.app.state.get("known_actor")
        if actor is None and known_actor is not None:
            actor = await known_actor(request)
        after = {
            "method": method,
            "path": request.url.path,
            "detail": detail,
            "kind": kind,
            "ip": client_ip(request),
        }
        async with write_transaction():
            if target is None:
                await audit.record(
                    actor, "access.denied", "route", None, after=after, success=False
                )
            else:
                await audit.record_denial(actor, target[0], target[1], after=after)
    except Exception:
        log.exception("could not audit a refused request")


def _state_actor(request: Request) -> Any:
    return request.state.get("actor") if hasattr(request.state, "get") else None


def _denial_task(request: Request, detail: str, kind: str) -> BackgroundTask:
    return BackgroundTask(
        _audit_denial, request, request.method, detail, _state_actor(request), kind
    )


def denied_object(request: Request, exc: NotFound) -> tuple[str, int | None] | None:
    """The object a 404 refused: the one the service named, else the route's last path
    parameter (``enterprise_id`` → ``("enterprise", 5)``; a non-integer one, e.g. an
    upload token, → its name and no id). None when the route has no object."""
    if exc.object_type:
        return exc.object_type, exc.object_id
    params = request.scope.get("path_params") or {}
    if not params:
        return None
    from safety.schemas import MAX_DB_INT

    name, value = list(params.items())[-1]
    if isinstance(value, int) and not isinstance(value, bool):
        # an id the audit column cannot hold names no row: the type alone is recorded
        return name.removesuffix("_id"), value if 1 <= value <= MAX_DB_INT else None
    return name, None


def _not_found_task(request: Request, exc: NotFound) -> BackgroundTask | None:
    actor = _state_actor(request)
    target = denied_object(request, exc)
    if actor is None or target is None:
        return None
    return BackgroundTask(
        _audit_denial, request, request.method, exc.detail, actor, "scope", target
    )


def _one_language(item: Any, lang: str) -> Any:
    """A field error in the caller's language (``message``), with the stable English text
    beside it (``message_en``); ``key`` untouched."""
    if not isinstance(item, dict) or not isinstance(item.get("message"), str):
        return item
    return {
        **item,
        "message": i18n.localise(item["message"], lang),
        "message_en": i18n.english(item["message"]),
    }


def _respond(
    request: Request,
    status_code: int,
    detail: str,
    extra: Any = None,
    headers: dict[str, str] | None = None,
    background: BackgroundTask | None = None,
    fields: dict[str, str] | None = None,
) -> Response:
    lang = i18n.request_lang(request)
    if isinstance(extra, list):
        extra = [_one_language(item, lang) for item in extra]
    if wants_json(request):
        body: dict[str, Any] = {
            "status_code": status_code,
            "detail": i18n.localise(detail, lang),
            "detail_en": i18n.english(detail),
        }
        if extra:
            body["extra"] = extra
        elif extra is not None:
            body["extra"] = []
        body.update(fields or {})
        return Response(body, status_code=status_code, headers=headers, background=background)
    return Template(
        "error.html",
        context={
            "status_code": status_code,
            "detail": i18n.localise(detail, lang),
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
    background = None
    if exc.status_code == 403:
        background = _denial_task(request, exc.detail, "role")
    elif isinstance(exc, NotFound):
        background = _not_found_task(request, exc)
    headers = getattr(exc, "headers", None)
    return _respond(request, exc.status_code, exc.detail, exc.extra, headers, background)


# msgspec (dataclass bodies, e.g. a multipart form) reports the field in its message and
# Litestar keys it by the handler's argument ("data"): "Object missing required field
# `file`", "Expected `str`, got `int` - at `$.name`".
_MSGSPEC_FIELD = re.compile(r"missing required field `([^`]+)`|at `\$\.([A-Za-z_]\w*)")


def _field_of(item: Any) -> Any:
    if not isinstance(item, dict):
        return item
    if not item.get("key"):
        return {**item, "key": "body"}
    if item["key"] == "data" and item.get("source") == "body":
        found = _MSGSPEC_FIELD.search(str(item.get("message", "")))
        if found:
            return {**item, "key": found.group(1) or found.group(2)}
    return item


def _name_the_fields(detail: str, extra: Any) -> Any:
    """A 400 always names the field at fault. When it is the body itself (malformed JSON,
    a broken multipart form, JSON that is not an object) Litestar names none: say "body"."""
    if not extra:
        return [{"key": "body", "message": detail}]
    if isinstance(extra, list):
        return [_field_of(item) for item in extra]
    return extra


def internal_error_handler(request: Request, exc: Exception) -> Response:
    if isinstance(exc, HTTPException):
        background = None
        if exc.status_code == 403:  # the CSRF middleware's refusal
            background = _denial_task(request, str(exc.detail), "csrf")
        extra = exc.extra or None
        if exc.status_code == 400:
            extra = _name_the_fields(exc.detail, extra)
        return _respond(request, exc.status_code, exc.detail, extra, exc.headers, background)
    if isinstance(exc, UnicodeDecodeError):
        # Litestar decodes a multipart part sent without a file name as UTF-8 text and
        # lets the error escape: bytes where text belongs are bad input, not a crash.
        message = UTF8_REFUSED
        return _respond(request, 400, message, [{"key": "body", "message": message}])
    kind = outages.classify(exc)
    if kind is not None:  # the database or the storage failed: 503, one log line per kind
        outages.OUTAGE_LOG.refused(kind, exc)
        headers = {"Retry-After": outages.retry_after()}
        return _respond(request, 503, outages.message(kind), None, headers, None, {"reason": kind})
    log.exception("unhandled error on %s %s", request.method, request.url.path)
    return _respond(request, 500, INTERNAL_ERROR)
