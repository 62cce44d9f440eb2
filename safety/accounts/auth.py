"""Who is calling: passwords (argon2id), bearer tokens, the ``Actor`` every service takes,
and the scope helpers every read and write goes through.

Scope rules (the product rules): an officer sees their org unit's subtree; an inspector sees the
inspections assigned to them and those enterprises; an enterprise contact sees one
enterprise; an admin manages users, org units and agencies. Outside one's scope is 404
(``NotFound``) so existence does not leak; an action the role never has is 403.
"""

from __future__ import annotations

import secrets
import time
from functools import lru_cache

import anyio.to_thread
import jwt
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from safety.accounts import factor
from safety.errors import NotAuthenticated
from safety.settings import get_settings
from safety.tables import User


def _make_hasher() -> PasswordHasher:
    """argon2id with the cost from settings (by default the library's recommendation)."""
    s = get_settings()
    return PasswordHasher(
        time_cost=s.password_hash_time_cost,
        memory_cost=s.password_hash_memory_kib,
        parallelism=s.password_hash_parallelism,
    )


_hasher = _make_hasher()


@lru_cache(maxsize=1)
def _dummy_hash() -> str:
    """A real hash to verify against when the username does not exist, so timing does not
    tell an attacker which usernames are real. Made on first use, not at import: at the
    production cost it took half a second of every start-up (docs/dev/outages.md)."""
    return _hasher.hash("dummy-password-for-timing")


# ---------------------------------------------------------------- passwords


def hash_password_sync(password: str) -> str:
    return _hasher.hash(password)


def verify_password_sync(password_hash: str | None, password: str) -> bool:
    try:
        return _hasher.verify(password_hash or _dummy_hash(), password) and bool(password_hash)
    except (VerificationError, InvalidHashError):
        return False


async def hash_password(password: str) -> str:
    """Hash off the event loop (argon2 is deliberately slow)."""
    return await anyio.to_thread.run_sync(hash_password_sync, password)


async def verify_password(password_hash: str | None, password: str) -> bool:
    return await anyio.to_thread.run_sync(verify_password_sync, password_hash, password)


# ---------------------------------------------------------------- bearer tokens

_ALGORITHM = "HS256"


def issue_token(user_id: int, token_epoch: int) -> tuple[str, int]:
    """A signed, expiring token naming the user and the epoch it was issued under."""
    ttl = get_settings().token_ttl_seconds
    now = int(time.time())
    claims = {
        "sub": str(user_id),
        "ep": token_epoch,
        "iat": now,
        "exp": now + ttl,
        "jti": secrets.token_hex(8),
    }
    return jwt.encode(
        claims, get_settings().secret_key.get_secret_value(), algorithm=_ALGORITHM
    ), ttl


async def user_for_token(token: str) -> dict:
    """The active user a token belongs to; 401 when the token is bad, expired or revoked
    (the user was disabled or changed password since it was issued), or when the user's
    role requires a second factor they have not enrolled."""
    try:
        claims = jwt.decode(
            token, get_settings().secret_key.get_secret_value(), algorithms=[_ALGORITHM]
        )
        user_id = int(claims["sub"])
        epoch = int(claims["ep"])
    except (jwt.PyJWTError, KeyError, ValueError) as exc:
        raise NotAuthenticated("令牌无效或已过期") from exc
    user = await User.select().where(User.id == user_id).first().run()
    if not user or not user["active"] or user["token_epoch"] != epoch:
        raise NotAuthenticated("令牌已失效")
    if await factor.blocks(user):
        raise NotAuthenticated(
            "您的角色须启用两步验证",
            [{"key": "otp", "message": "须先启用两步验证"}],
        )
    return user
