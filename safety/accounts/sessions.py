"""Server-side page sessions (table ``user_session``), shared by every worker.

The cookie holds a random token; the table holds only its SHA-256, so a leaked database
does not leak live sessions. A session ends after ``session_idle_minutes`` without a
request (idle timeout) and in any case ``session_absolute_hours`` after login (absolute
timeout). ``last_seen_at`` is written at most once a minute, so a busy page does not turn
every request into a write.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from typing import Any

from litestar import Request

from safety.accounts import factor
from safety.db import write_transaction
from safety.settings import get_settings
from safety.tables import User, UserSession

SESSION_COOKIE = "safety_session"
TOUCH_INTERVAL = dt.timedelta(seconds=60)


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def _aware(value: dt.datetime) -> dt.datetime:
    return value if value.tzinfo else value.replace(tzinfo=dt.UTC)


def token_hash(value: str) -> str:
    return hashlib.sha256(value.encode()).hexdigest()


async def create_session(user_id: int, ip: str | None = None, user_agent: str | None = None) -> str:
    """A new session for a user who just logged in; returns the cookie value."""
    value = secrets.token_urlsafe(32)
    now = utcnow()
    await UserSession.insert(
        UserSession(
            token_hash=token_hash(value),
            user=user_id,
            created_at=now,
            last_seen_at=now,
            ip=ip,
            user_agent=(user_agent or "")[:255] or None,
        )
    ).run()
    return value


def session_expired(session: dict[str, Any], now: dt.datetime) -> bool:
    s = get_settings()
    idle = now - _aware(session["last_seen_at"]) > dt.timedelta(minutes=s.session_idle_minutes)
    absolute = now - _aware(session["created_at"]) > dt.timedelta(hours=s.session_absolute_hours)
    return idle or absolute


async def user_for_cookie(value: str | None, now: dt.datetime | None = None) -> dict | None:
    """The active user of a session cookie, or None (no such session, expired, the user
    was disabled, or their role requires a second factor they have not enrolled). An
    expired session is deleted on sight."""
    if not value:
        return None
    now = now or utcnow()
    session = (
        await UserSession.select().where(UserSession.token_hash == token_hash(value)).first().run()
    )
    if session is None:
        return None
    if session_expired(session, now):
        await UserSession.delete().where(UserSession.id == session["id"]).run()
        return None
    user = await User.select().where(User.id == session["user"]).first().run()
    if user is None or not user["active"]:
        return None
    if await factor.blocks(user):
        # The role requires a second factor this user has not enrolled (the setting was
        # turned on, or an admin reset it): the session opens nothing; the login page
        # sends them to enrolment.
        return None
    if now - _aware(session["last_seen_at"]) >= TOUCH_INTERVAL:
        await (
            UserSession.update({UserSession.last_seen_at: now})
            .where(UserSession.id == session["id"])
            .run()
        )
    return user


async def user_for_request(request: Request) -> dict | None:
    """The active user of the request's session cookie, or None."""
    return await user_for_cookie(request.cookies.get(SESSION_COOKIE))


async def _delete_session(value: str) -> int | None:
    """Delete the cookie's session (inside the caller's transaction); its user id or None."""
    session = (
        await UserSession.select(UserSession.id, UserSession.user)
        .where(UserSession.token_hash == token_hash(value))
        .first()
        .run()
    )
    if session is None:
        return None
    await UserSession.delete().where(UserSession.id == session["id"]).run()
    return session["user"]


async def end_session(value: str | None) -> int | None:
    """End the cookie's session without a logout event (a new login replaces it); returns
    its user id (None: no session)."""
    if not value:
        return None
    async with write_transaction():
        return await _delete_session(value)


async def logout(value: str | None, ip: str | None = None) -> int | None:
    """Log out: delete the cookie's session and audit ``auth.logout`` in the same
    transaction; returns its user id (None: no such session, nothing audited)."""
    from safety import audit
    from safety.actors import actor_from_user

    if not value:
        return None
    async with write_transaction():
        user_id = await _delete_session(value)
        if user_id is None:
            return None
        user = await User.select().where(User.id == user_id).first().run()
        if user:
            await audit.record(actor_from_user(user, ip), "auth.logout", "user", user["id"])
    return user_id


async def end_user_sessions(user_id: int) -> None:
    """Delete every session of a user (disabled, password changed). Call inside the
    use case's transaction."""
    await UserSession.delete().where(UserSession.user == user_id).run()


def cookie_kwargs() -> dict[str, Any]:
    """Flags of the session cookie: HttpOnly, SameSite=Lax, Secure per settings."""
    return {
        "key": SESSION_COOKIE,
        "path": "/",
        "httponly": True,
        "samesite": "lax",
        "secure": get_settings().secure_cookies,
    }
