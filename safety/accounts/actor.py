"""The acting user of a request (the ``actor`` dependency every signed-in route takes):
who is calling, from a bearer token on ``/api/*`` or the session cookie on pages, looked up
once per request. Routers carry it as ``dependencies=ACTOR``; ``authenticate_first`` is the
app-wide guard that resolves it before a body is parsed.
"""

from __future__ import annotations

from typing import TypeGuard

from litestar import Request
from litestar.connection import ASGIConnection
from litestar.di import Provide
from litestar.handlers import BaseRouteHandler
from litestar.types import Guard

from safety.accounts.auth import user_for_token
from safety.accounts.sessions import user_for_request
from safety.actors import Actor, actor_from_user
from safety.errors import DomainError, NotAuthenticated
from safety.tables import Notification, Role
from safety.web import client_ip, is_api_path


async def _authenticate(request: Request) -> Actor:
    """The caller; 401 otherwise. ``/api/*`` accepts ONLY ``Authorization: Bearer`` (so the
    API needs no CSRF protection and a browser's cookie cannot be used cross-site against
    it); pages accept only the session cookie (``safety.accounts.sessions``)."""
    if is_api_path(request.url.path):
        header = request.headers.get("authorization", "")
        scheme, _, token = header.partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            raise NotAuthenticated("需要令牌")
        user = await user_for_token(token.strip())
        return actor_from_user(user, client_ip(request))
    user = await user_for_request(request)
    if user is None:
        raise NotAuthenticated("需要登录")
    request.state.unread = await Notification.unread_count(user["id"])  # the layout's bell
    return actor_from_user(user, client_ip(request))


async def provide_actor(request: Request) -> Actor:
    """The caller (see ``_authenticate``), looked up once per request and kept in
    ``request.state.actor``: the layout's nav and user name read it, and an audited
    refusal names it."""
    actor = request.state.get("actor")
    if actor is None:
        actor = await _authenticate(request)
        request.state.actor = actor
    return actor


async def authenticate_first(connection: ASGIConnection, handler: BaseRouteHandler) -> None:
    """App-wide guard: a route that takes ``actor`` authenticates its caller BEFORE its
    parameters and body are parsed (Litestar runs guards first). So an anonymous caller
    gets 401 (pages: the login redirect) whatever the body holds, and a hostile body is
    only ever parsed for a known user.

    A Router's ``dependencies=ACTOR`` reaches every handler on it, Litestar's automatic
    OPTIONS handler too; that one only lists a path's methods and reads nothing, so an
    OPTIONS request stays open (as it was when each handler carried the actor)."""
    if _needs_caller(connection) and "actor" in handler.dependency_name_set:
        await provide_actor(connection)


def _needs_caller(connection: ASGIConnection) -> TypeGuard[Request]:
    return isinstance(connection, Request) and connection.method != "OPTIONS"


async def known_actor(request: Request) -> Actor | None:
    """The caller when their credentials are valid, else None; never raises. Names the
    actor of a refusal raised before the route ran (e.g. the CSRF middleware's)."""
    try:
        return await provide_actor(request)
    except DomainError:
        return None


ACTOR = {"actor": Provide(provide_actor)}


def role_guard(*roles: Role) -> Guard:
    """A router's guard when every route on it is for ``roles`` only (e.g. the user
    administration): a wrong role gets 403 before any parameter or body is parsed. The
    app-wide ``authenticate_first`` runs before it (app guards come first), so an
    anonymous caller still gets 401 or the login redirect. The services check the role
    again: the guard is the door, not the rule."""

    async def guard(connection: ASGIConnection, handler: BaseRouteHandler) -> None:
        if _needs_caller(connection):
            (await provide_actor(connection)).require(*roles)

    guard.__name__ = f"role_guard_{'_'.join(role.value for role in roles)}"
    return guard


ADMIN_ONLY = role_guard(Role.admin)
OFFICER_ONLY = role_guard(Role.officer)
