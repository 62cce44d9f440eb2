"""Server-side page sessions (table ``user_session``)."""

from __future__ import annotations

from litestar import Request

SESSION_COOKIE = "safety_session"


async def user_for_request(request: Request) -> dict | None:
    """The active user of the request's session cookie, or None."""
    return None
