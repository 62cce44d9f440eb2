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
from safety.accounts import factor as second_factor
from safety.accounts import twofactor
from safety.accounts.auth import issue_token, verify_password
from safety.accounts.sessions import utcnow
from safety.accounts.usernames import normalise_username, username_key
from safety.actors import actor_from_user
from safety.db import write_transaction
from safety.errors import NotAuthenticated, TooManyRequests
from safety.settings import get_settings
from safety.tables import LoginAttempt, User

BAD_CREDENTIALS = "用户名或密码错误"


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
    exc = TooManyRequests(f"登录失败次数过多，账号已锁定 {minutes} 分钟，请稍后再试")
    exc.headers = {"Retry-After": str(state.retry_after_seconds(now))}
    return exc


class SecondFactorNeeded(NotAuthenticated):
    """The password was right; a code (TOTP or recovery) is needed. ``user`` says whose,
    for the page login's second step."""

    def __init__(self, user: dict, detail: str, message: str) -> None:
        super().__init__(detail, [{"key": "otp", "message": message}])
        self.user = user


class EnrolmentNeeded(SecondFactorNeeded):
    """The password was right, but the user's role requires a second factor they have not
    enrolled: no token; the page login sends them to enrolment."""


async def _begin_try(key: str, shown: str, ip: str | None, via: str) -> tuple[int, LockState]:
    """Count a try under the write lock (see ``authenticate``); 429 while locked."""
    async with write_transaction():
        now = utcnow()  # read under the lock, so tries are timed in the order they queue
        state = await lock_state(key, now)
        if state.locked:
            await audit.record(
                None,
                "auth.login_refused_locked",
                "user",
                None,
                after={"username": shown, "ip": ip, "via": via},
                success=False,
                username=shown,
            )
            attempt_id = None
        else:
            inserted = await LoginAttempt.insert(
                LoginAttempt(username=key, success=False, at=now, ip=ip)
            ).run()
            attempt_id = inserted[0]["id"]
    if attempt_id is None:
        raise _locked_error(state, now)
    return attempt_id, state


async def _record_failure(
    key: str, shown: str, user: dict | None, ip: str | None, via: str, reason: str, locks: bool
) -> None:
    """Audit a failed try (inside the caller's transaction) and the lock it may cause."""
    action = "auth.otp_failed" if reason.endswith("_otp") else "auth.login_failed"
    await audit.record(
        None,
        action,
        "user",
        user["id"] if user else None,
        after={"username": shown, "ip": ip, "via": via, "reason": reason},
        success=False,
        username=shown,
    )
    after = await lock_state(key, utcnow())
    if locks and after.locked:
        await audit.record(
            None,
            "auth.locked",
            "user",
            user["id"] if user else None,
            after={
                "username": shown,
                "failures": after.failures,
                "until": after.until.isoformat() if after.until else None,
            },
            success=False,
            username=shown,
        )


async def _succeed(
    attempt_id: int, user: dict, ip: str | None, via: str, factor: str | None
) -> None:
    """Turn the try into a success (inside the caller's transaction) and audit the login."""
    now = utcnow()
    await (
        LoginAttempt.update({LoginAttempt.success: True}).where(LoginAttempt.id == attempt_id).run()
    )
    await User.update({User.last_login_at: now}).where(User.id == user["id"]).run()
    actor = actor_from_user(user, ip)
    if factor == "recovery":
        await audit.record(actor, "auth.recovery_code_used", "user", user["id"], after={"via": via})
    after = {"via": via} if factor is None else {"via": via, "second_factor": factor}
    await audit.record(actor, "auth.login", "user", user["id"], after=after)


async def _neither(
    attempt_id: int, user: dict, shown: str, ip: str | None, via: str, action: str
) -> None:
    """A right password that cannot log in yet (a code or an enrolment is missing): the
    try counts neither as a failure (a client that asks without a code first is not
    punished) nor as a success (which would reset the failure count between code
    guesses)."""
    async with write_transaction():
        await LoginAttempt.delete().where(LoginAttempt.id == attempt_id).run()
        await audit.record(
            None,
            action,
            "user",
            user["id"],
            after={"username": shown, "ip": ip, "via": via},
            success=False,
            username=shown,
        )


OTP_NEEDED = "需要两步验证码"
OTP_WRONG = "两步验证码错误或已使用"
ENROL_NEEDED = "您的角色须启用两步验证：请在网页登录并按提示启用"


async def authenticate(
    username: str, password: str, ip: str | None = None, via: str = "token", otp: str | None = None
) -> dict:
    """The user row for a correct, active login; else 401 (bad credentials, the same
    answer for an unknown user, a wrong password or a disabled account) or 429 (locked).

    The try is counted before the password is checked: under the write lock the lock state
    is read and the try recorded as a failure, and only a correct password turns it into a
    success afterwards. So tries sent in parallel queue on the lock and the ones beyond
    ``login_max_failures`` are refused unchecked, instead of all being checked at once.

    Usernames are looked up and counted by their key (safety.accounts.usernames), so ``Admin``,
    ``ADMIN`` and ``ａｄｍｉｎ`` are one account with one failure count.

    Second factor: a user with one needs ``otp`` (a current code or an unused recovery
    code). Without it: ``SecondFactorNeeded`` (401 naming ``otp``; the try counts neither
    way). A wrong, replayed or spent code is a failure like a wrong password (401 naming
    ``otp``; counts toward the lock). A user whose role requires a factor they have not
    enrolled: ``EnrolmentNeeded`` (401 naming ``otp``)."""
    shown = normalise_username(username)[:64]
    key = username_key(username)[:64]
    attempt_id, state = await _begin_try(key, shown, ip, via)
    # This try is the one that reaches the limit: if it fails, it locks the username.
    locks_on_failure = state.failures + 1 >= get_settings().login_max_failures

    user = await User.select().where(User.username_key == key).first().run() if key else None
    ok = await verify_password(user["password_hash"] if user else None, password or "")
    reason = None
    if not ok:
        reason = "bad_credentials"
    elif not user["active"]:
        ok, reason = False, "disabled"

    enrolled = ok and await second_factor.is_enrolled(user["id"])
    if ok and enrolled and not (otp or "").strip():
        await _neither(attempt_id, user, shown, ip, via, "auth.otp_required")
        raise SecondFactorNeeded(user, OTP_NEEDED, OTP_NEEDED)
    if ok and not enrolled and second_factor.required_for(user["role"]):
        await _neither(attempt_id, user, shown, ip, via, "auth.enrolment_required")
        raise EnrolmentNeeded(user, ENROL_NEEDED, ENROL_NEEDED)

    factor = None
    async with write_transaction():
        if ok and enrolled:
            factor, why = await twofactor.use_code(user["id"], otp or "")
            if factor is None:
                ok, reason = False, why
        if ok:
            await _succeed(attempt_id, user, ip, via, factor)
        else:
            await _record_failure(key, shown, user, ip, via, reason, locks_on_failure)
    if not ok:
        if reason.endswith("_otp"):
            raise NotAuthenticated(OTP_WRONG, [{"key": "otp", "message": OTP_WRONG}])
        raise NotAuthenticated(BAD_CREDENTIALS)
    return user


async def second_step(user_id: int, token_epoch: int, otp: str, ip: str | None = None) -> dict:
    """The page login's second step: the code of a user whose password was right moments
    ago (``user_id``/``token_epoch`` from the signed pending-login cookie). Counted and
    locked like a password try; 401 naming ``otp`` for a wrong code."""
    user = await User.select().where(User.id == user_id).first().run()
    if user is None or not user["active"] or user["token_epoch"] != token_epoch:
        raise NotAuthenticated(BAD_CREDENTIALS)
    key, shown = user["username_key"][:64], user["username"]
    attempt_id, state = await _begin_try(key, shown, ip, "page")
    locks_on_failure = state.failures + 1 >= get_settings().login_max_failures
    async with write_transaction():
        factor, why = await twofactor.use_code(user["id"], otp or "")
        if factor is None:
            await _record_failure(key, shown, user, ip, "page", why, locks_on_failure)
        else:
            await _succeed(attempt_id, user, ip, "page", factor)
    if factor is None:
        raise NotAuthenticated(OTP_WRONG, [{"key": "otp", "message": OTP_WRONG}])
    return user


async def login_for_token(
    username: str, password: str, ip: str | None = None, otp: str | None = None
) -> dict:
    """POST /api/v1/auth/token: a bearer token for a correct login."""
    user = await authenticate(username, password, ip, via="token", otp=otp)
    token, ttl = issue_token(user["id"], user["token_epoch"])
    return {"access_token": token, "token_type": "bearer", "expires_in": ttl}
