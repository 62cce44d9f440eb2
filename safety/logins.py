"""Logging in: password check, brute-force lock, and the audit of every try.

Brute force (等保 2.0 "登录失败处理"): ``login_max_failures`` failed logins for one
username within ``login_failure_window_minutes`` (counted since its last success) lock the
username for ``login_lock_minutes``; while locked every try is refused with 429, even with
the right password. The counters are rows of ``login_attempt``, so all workers agree.
Tries during the lock are audited but not counted, so the lock ends on time.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from safety import audit
from safety.auth import actor_from_user, issue_token, verify_password
from safety.db import write_transaction
from safety.errors import NotAuthenticated, TooManyRequests
from safety.sessions import utcnow
from safety.settings import get_settings
from safety.tables import LoginAttempt, User

BAD_CREDENTIALS = "用户名或密码错误 (wrong username or password)"


@dataclass(frozen=True)
class LockState:
    locked: bool
    failures: int
    until: dt.datetime | None = None

    def retry_after_seconds(self, now: dt.datetime) -> int:
        if not self.until:
            return 0
        return max(1, int((self.until - now).total_seconds()) + 1)


def _aware(value: dt.datetime) -> dt.datetime:
    return value if value.tzinfo else value.replace(tzinfo=dt.UTC)


async def lock_state(username: str, now: dt.datetime | None = None) -> LockState:
    s = get_settings()
    now = now or utcnow()
    window_start = now - dt.timedelta(minutes=s.login_failure_window_minutes)
    last_success = (
        await LoginAttempt.select(LoginAttempt.at)
        .where((LoginAttempt.username == username) & (LoginAttempt.success == True))  # noqa: E712
        .order_by(LoginAttempt.at, ascending=False)
        .first()
        .run()
    )
    since = window_start
    if last_success and _aware(last_success["at"]) > since:
        since = _aware(last_success["at"])
    failures = (
        await LoginAttempt.select(LoginAttempt.at)
        .where(
            (LoginAttempt.username == username)
            & (LoginAttempt.success == False)  # noqa: E712
            & (LoginAttempt.at > since)
            & (LoginAttempt.at <= now)
        )
        .order_by(LoginAttempt.at, ascending=False)
        .run()
    )
    if len(failures) < s.login_max_failures:
        return LockState(False, len(failures))
    until = _aware(failures[0]["at"]) + dt.timedelta(minutes=s.login_lock_minutes)
    return LockState(until > now, len(failures), until if until > now else None)


def _locked_error(state: LockState, now: dt.datetime) -> TooManyRequests:
    minutes = get_settings().login_lock_minutes
    exc = TooManyRequests(
        f"登录失败次数过多，账号已锁定 {minutes} 分钟，请稍后再试 "
        f"(too many failed logins: locked for {minutes} minutes)"
    )
    exc.headers = {"Retry-After": str(state.retry_after_seconds(now))}
    return exc


async def authenticate(
    username: str, password: str, ip: str | None = None, via: str = "token"
) -> dict:
    """The user row for a correct, active login; else 401 (bad credentials, the same
    answer for an unknown user, a wrong password or a disabled account) or 429 (locked).

    The try is counted before the password is checked: under the write lock the lock state
    is read and the try recorded as a failure, and only a correct password turns it into a
    success afterwards. So tries sent in parallel queue on the lock and the ones beyond
    ``login_max_failures`` are refused unchecked, instead of all being checked at once."""
    username = (username or "").strip()[:64]
    async with write_transaction():
        now = utcnow()  # read under the lock, so tries are timed in the order they queue
        state = await lock_state(username, now)
        if state.locked:
            await audit.record(
                None,
                "auth.login_refused_locked",
                "user",
                None,
                after={"username": username, "ip": ip, "via": via},
                success=False,
                username=username,
            )
            attempt_id = None
        else:
            inserted = await LoginAttempt.insert(
                LoginAttempt(username=username, success=False, at=now, ip=ip)
            ).run()
            attempt_id = inserted[0]["id"]
    if attempt_id is None:
        raise _locked_error(state, now)
    # This try is the one that reaches the limit: if it fails, it locks the username.
    locks_on_failure = state.failures + 1 >= get_settings().login_max_failures

    user = await User.select().where(User.username == username).first().run() if username else None
    ok = await verify_password(user["password_hash"] if user else None, password or "")
    reason = None
    if not ok:
        reason = "bad_credentials"
    elif not user["active"]:
        ok, reason = False, "disabled"

    async with write_transaction():
        if ok:
            await (
                LoginAttempt.update({LoginAttempt.success: True})
                .where(LoginAttempt.id == attempt_id)
                .run()
            )
            await User.update({User.last_login_at: now}).where(User.id == user["id"]).run()
            await audit.record(
                actor_from_user(user, ip), "auth.login", "user", user["id"], after={"via": via}
            )
        else:
            await audit.record(
                None,
                "auth.login_failed",
                "user",
                user["id"] if user else None,
                after={"username": username, "ip": ip, "via": via, "reason": reason},
                success=False,
                username=username,
            )
            after = await lock_state(username, now)
            if locks_on_failure and after.locked:
                await audit.record(
                    None,
                    "auth.locked",
                    "user",
                    user["id"] if user else None,
                    after={
                        "username": username,
                        "failures": after.failures,
                        "until": after.until.isoformat() if after.until else None,
                    },
                    success=False,
                    username=username,
                )
    if not ok:
        raise NotAuthenticated(BAD_CREDENTIALS)
    return user


async def login_for_token(username: str, password: str, ip: str | None = None) -> dict:
    """POST /api/v1/auth/token: a bearer token for a correct login."""
    user = await authenticate(username, password, ip, via="token")
    token, ttl = issue_token(user["id"], user["token_epoch"])
    return {"access_token": token, "token_type": "bearer", "expires_in": ttl}
