"""Web-layer glue shared by every package's controllers: who is calling, and paging.

Controllers take ``actor: Actor`` (provided here) and hand it to services; they hold no
business rules.
"""

from __future__ import annotations

from typing import Any, Generic, TypeVar

from litestar import Request
from litestar.di import Provide
from pydantic import BaseModel

from safety.auth import Actor, actor_from_user, user_for_token
from safety.errors import NotAuthenticated, ValidationFailed

T = TypeVar("T")

MAX_LIMIT = 500


def client_ip(request: Request) -> str | None:
    return request.client.host if request.client else None


def is_api_path(path: str) -> bool:
    return path == "/api" or path.startswith("/api/")


async def provide_actor(request: Request) -> Actor:
    """The caller; 401 otherwise. ``/api/*`` accepts ONLY ``Authorization: Bearer`` (so the
    API needs no CSRF protection and a browser's cookie cannot be used cross-site against
    it); pages accept only the session cookie (``safety.sessions``)."""
    if is_api_path(request.url.path):
        header = request.headers.get("authorization", "")
        scheme, _, token = header.partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            raise NotAuthenticated("需要令牌 (bearer token required)")
        user = await user_for_token(token.strip())
        actor = actor_from_user(user, client_ip(request))
        request.state.actor = actor  # names the actor of an audited refusal
        return actor
    from safety.sessions import user_for_request  # page sessions

    user = await user_for_request(request)
    if user is None:
        raise NotAuthenticated("需要登录 (authentication required)")
    actor = actor_from_user(user, client_ip(request))
    request.state.actor = actor  # the layout's nav and user name read it
    return actor


ACTOR = {"actor": Provide(provide_actor)}


class Page(BaseModel, Generic[T]):
    """A page of a list: ``{"items": [...], "total": N}``."""

    items: list[T]
    total: int


def paging(limit: int | None, offset: int | None) -> tuple[int, int]:
    """Validate ``?limit=`` (default 50, max 500) and ``?offset=``."""
    limit = 50 if limit is None else limit
    offset = 0 if offset is None else offset
    errors: list[dict[str, Any]] = []
    if not 1 <= limit <= MAX_LIMIT:
        errors.append({"key": "limit", "message": f"limit must be 1..{MAX_LIMIT}"})
    if offset < 0:
        errors.append({"key": "offset", "message": "offset must be ≥ 0"})
    if errors:
        raise ValidationFailed("invalid paging", errors)
    return limit, offset
