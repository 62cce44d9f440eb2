"""The one logging set-up: stdlib ``logging``, one handler on the root logger, configured
by ``configure()`` at app start (``create_app``) and by the CLI.

- Format (``SAFETY_LOG_FORMAT``): ``human`` lines (``2026-12-07 20:31:05 INFO  safety.access
  [req=ab12…] GET /health 200 1.2 ms``) or ``json``, one object per line (time, level,
  logger, message, request_id and the record's extra fields). Times are in SAFETY_TIMEZONE.
- Level (``SAFETY_LOG_LEVEL``), access log switch (``SAFETY_ACCESS_LOG``).
- uvicorn's loggers carry no handler of their own: they propagate to ours, so there is one
  format; uvicorn's access log is off (``RequestContext`` writes the one access line).
- The request id lives in a context variable set by ``RequestContext`` (pure ASGI, so it
  covers every response, streamed or static, and every error); ``RequestIdFilter`` puts
  it on each record the handler writes, including tracebacks logged by error handlers.

Audit-worthy events (``audit_event``) are logged once, by ``safety.audit.record`` after
the event's transaction commits (and by the ledger export, a read that leaves no event).
"""

from __future__ import annotations

import contextlib
import contextvars
import datetime as dt
import json
import logging
import re
import sys
import time
import uuid
from collections.abc import Iterator
from typing import Any, TextIO
from zoneinfo import ZoneInfo

request_id: contextvars.ContextVar[str | None] = contextvars.ContextVar("request_id", default=None)

HEADER = b"x-request-id"
_SANE_ID = re.compile(rb"[A-Za-z0-9._-]{1,64}")
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")

# What every LogRecord carries; anything else came from ``extra=`` (uvicorn's
# ``color_message`` is a coloured copy of the message).
_STANDARD = set(vars(logging.LogRecord("", 0, "", 0, "", None, None))) | {
    "message",
    "asctime",
    "request_id",
    "taskName",
    "color_message",
}

# Libraries that chatter at INFO: Piccolo, WeasyPrint's every rendering step, and httpx's every
# request with its full URL (a webhook's URL carries its key: never logged, even at DEBUG).
_QUIET = {
    "piccolo": logging.WARNING,  # "Running Sqlite version …" at every connection set-up
    "weasyprint": logging.WARNING,
    "fontTools": logging.WARNING,
    "httpx": logging.WARNING,
    "httpcore": logging.WARNING,
}

access_log = logging.getLogger("safety.access")
audit_log = logging.getLogger("safety.audit")


class RequestIdFilter(logging.Filter):
    """Stamps each record with the id of the request being handled (None outside one)."""

    def filter(self, record: logging.LogRecord) -> bool:
        if getattr(record, "request_id", None) is None:
            record.request_id = request_id.get()
        return True


class HumanFormatter(logging.Formatter):
    """``time LEVEL logger [req=id] message``; control characters of the message are
    escaped, so a request path cannot forge a line; a traceback follows on its lines."""

    def __init__(self, zone: ZoneInfo) -> None:
        super().__init__()
        self.zone = zone

    def format(self, record: logging.LogRecord) -> str:
        when = dt.datetime.fromtimestamp(record.created, self.zone)
        rid = getattr(record, "request_id", None)
        message = _CONTROL.sub(lambda m: f"\\x{ord(m.group()):02x}", record.getMessage())
        tag = f" [req={rid}]" if rid else ""
        line = f"{when:%Y-%m-%d %H:%M:%S} {record.levelname:<5} {record.name}{tag} {message}"
        if record.exc_info:
            line += "\n" + self.formatException(record.exc_info)
        if record.stack_info:
            line += "\n" + self.formatStack(record.stack_info)
        return line


class JsonFormatter(logging.Formatter):
    """One JSON object per line: the fixed keys, then the record's extra fields."""

    def __init__(self, zone: ZoneInfo) -> None:
        super().__init__()
        self.zone = zone

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "time": dt.datetime.fromtimestamp(record.created, self.zone).isoformat(
                timespec="milliseconds"
            ),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "request_id": getattr(record, "request_id", None),
        }
        for key, value in vars(record).items():
            if key not in _STANDARD:
                entry.setdefault(key, value)
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False, default=str)


class _Handler(logging.StreamHandler):
    """Writes to the given stream, else to whatever ``sys.stderr`` is at the time."""

    def __init__(self, stream: TextIO | None) -> None:
        logging.Handler.__init__(self)
        self._fixed = stream

    @property
    def stream(self) -> TextIO:
        return self._fixed if self._fixed is not None else sys.stderr

    @stream.setter
    def stream(self, value: TextIO | None) -> None:
        self._fixed = value


_access_on = True


def configure(settings: Any = None, stream: TextIO | None = None) -> None:
    """Install the one handler (replacing an earlier one: calling again reconfigures) on
    the root logger, route uvicorn's loggers through it and apply the settings."""
    global _access_on
    if settings is None:
        from safety.settings import get_settings

        settings = get_settings()
    zone = ZoneInfo(settings.timezone)
    handler = _Handler(stream)
    handler.addFilter(RequestIdFilter())
    json_lines = settings.log_format == "json"
    handler.setFormatter(JsonFormatter(zone) if json_lines else HumanFormatter(zone))
    handler.safety_handler = True  # type: ignore[attr-defined]
    root = logging.getLogger()
    for old in [h for h in root.handlers if getattr(h, "safety_handler", False)]:
        root.removeHandler(old)
    root.addHandler(handler)
    root.setLevel(settings.log_level)
    for name in ("uvicorn", "uvicorn.error", "uvicorn.access", "uvicorn.asgi"):
        logger = logging.getLogger(name)
        logger.handlers.clear()
        logger.propagate = True
        logger.setLevel(logging.NOTSET)
    logging.getLogger("uvicorn.access").disabled = True  # ours is safety.access
    for name, level in _QUIET.items():
        logging.getLogger(name).setLevel(max(level, root.level))
    logging.captureWarnings(True)
    _access_on = settings.access_log


def audit_event(
    action: str,
    user_id: int | None,
    username: str,
    object_type: str = "",
    object_id: int | None = None,
    success: bool = True,
    **detail: Any,
) -> None:
    """One INFO line of an audit-worthy event: who (user id and username only, no other
    personal data), what, on which object, ok or refused, and a few detail codes."""
    who = f"user {user_id} ({username})" if user_id else f"anonymous ({username or '-'})"
    target = f" on {object_type} {object_id}" if object_id is not None else ""
    extras = "".join(f" {key}={value}" for key, value in detail.items())
    audit_log.info(
        "%s by %s%s: %s%s",
        action,
        who,
        target,
        "ok" if success else "refused",
        extras,
        extra={
            "action": action,
            "user_id": user_id,
            "username": username,
            "object_type": object_type,
            "object_id": object_id,
            "success": success,
            **detail,
        },
    )


# Audit events worth a log line: logins (ok, failed, locked), logouts, second factors,
# user and role changes, hazard verification (验收: the pass that closes, 销号, and the
# fail), refusals, and backup/restore runs should they be audited; the ledger export is
# logged by the export itself.
AUDIT_WORTHY = (
    "auth.",
    "totp.",
    "user.",
    "hazard.verify_",
    "access.denied",
    "backup.",
    "restore.",
)
# Codes from an event's ``after`` that say what happened without personal data.
_DETAIL_CODES = ("closed", "reason", "via", "second_factor", "kind", "role", "active")


def audit_worthy(action: str) -> bool:
    return action.startswith(AUDIT_WORTHY)


def audit_recorded(row: dict[str, Any], before: Any, after: Any) -> None:
    """The log line of an audit event ``safety.audit.record`` kept (``row``: its columns).
    An ``*.update`` names the fields that changed (never their values) and shows a code
    (``role``, ``active``) only when it is one of them."""
    detail: dict[str, Any] = {}
    if isinstance(after, dict):
        codes = [key for key in _DETAIL_CODES if key in after]
        if row["action"].endswith(".update") and isinstance(before, dict):
            changed = sorted(k for k in after if before.get(k, ...) != after[k])
            codes = [key for key in codes if key in changed]
            detail["changed"] = ",".join(changed)
        detail = {**{key: after[key] for key in codes}, **detail}
    audit_event(
        row["action"],
        row["actor"],
        row["actor_username"],
        row["object_type"],
        row["object_id"],
        row["success"],
        **detail,
    )


@contextlib.contextmanager
def without_audit_lines() -> Iterator[None]:
    """No audit lines within: ``safety demo`` makes a synthetic history of hundreds of
    events through the services, which are not operations worth a line each."""
    audit_log.disabled = True
    try:
        yield
    finally:
        audit_log.disabled = False


def _given_id(scope: dict[str, Any]) -> str | None:
    for name, value in scope.get("headers", ()):
        if name == HEADER:
            return value.decode("ascii") if _SANE_ID.fullmatch(value) else None
    return None


class RequestContext:
    """Pure ASGI middleware around the whole app: the request id (a sane ``X-Request-ID``
    from the client or the proxy, else a new uuid4 hex) is set for the request's log
    lines and returned in every response's ``X-Request-ID``; then one access line."""

    def __init__(self, app: Any) -> None:
        self.app = app

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        rid = _given_id(scope) or uuid.uuid4().hex
        token = request_id.set(rid)
        scope.setdefault("state", {})  # where the app keeps the caller (``actor``)
        started = time.perf_counter()
        status = 500
        header = (HEADER, rid.encode("ascii"))

        async def send_with_id(message: dict[str, Any]) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                kept = [h for h in message.get("headers", ()) if h[0].lower() != HEADER]
                message = {**message, "headers": [*kept, header]}
            await send(message)

        try:
            await self.app(scope, receive, send_with_id)
        finally:
            if _access_on:
                _access_line(scope, status, started)
            request_id.reset(token)


def _access_line(scope: dict[str, Any], status: int, started: float) -> None:
    """Method, path (never the query string: it may hold search terms or tokens), status,
    duration, the caller's user id when known."""
    ms = (time.perf_counter() - started) * 1000
    actor = scope["state"].get("actor")
    user_id = getattr(actor, "user_id", None)
    user = f" user={user_id}" if user_id else ""
    access_log.info(
        "%s %s %s %.1f ms%s",
        scope["method"],
        scope["path"],
        status,
        ms,
        user,
        extra={
            "method": scope["method"],
            "path": scope["path"],
            "status": status,
            "duration_ms": round(ms, 2),
            "user_id": user_id,
        },
    )
