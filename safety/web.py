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


async def provide_actor(request: Request) -> Actor:
    """The caller, from ``Authorization: Bearer`` or the page session; 401 otherwise."""
    header = request.headers.get("authorization", "")
    if header.lower().startswith("bearer "):
        user = await user_for_token(header[7:].strip())
        return actor_from_user(user, client_ip(request))
    from safety.sessions import user_for_request  # page sessions

    user = await user_for_request(request)
    if user is None:
        raise NotAuthenticated("需要登录 (authentication required)")
    return actor_from_user(user, client_ip(request))


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
