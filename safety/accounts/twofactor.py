"""Two-factor login (等保 2.0 level 3): enrolment, confirmation, disabling, the admin's
reset, and checking a code at login. The crypto and code rules are in ``safety.accounts.totp``.

Life cycle of a user's ``user_totp`` row:
- ``begin_enrolment``: a fresh secret is kept as ``pending_secret`` (nothing is active yet;
  calling again replaces the pending secret; an active factor stays active meanwhile).
- ``confirm_enrolment`` with a code of the pending secret: it becomes the active secret,
  10 new recovery codes replace the old ones, and from then on every login needs a code.
- ``disable`` (the user, with a current code or a recovery code) or ``reset`` (an admin;
  the user's tokens and sessions end) removes the factor and its recovery codes.

Required roles (``SAFETY_TOTP_REQUIRED_ROLES``): ``blocks(user)`` is true for a user of such
a role without an active factor; their sessions and tokens are refused (safety.accounts.sessions,
safety.accounts.auth) and the login sends them to enrolment (pages) or refuses a token (API).
"""

from __future__ import annotations

import anyio.to_thread

from safety import audit
from safety.accounts import totp
from safety.accounts.factor import is_enrolled, required_for
from safety.accounts.sessions import end_user_sessions, utcnow
from safety.actors import Actor
from safety.db import write_transaction
from safety.errors import Conflict, NotFound, ValidationFailed
from safety.tables import Role, TotpRecoveryCode, User, UserTotp


async def _row(user_id: int) -> dict | None:
    return await UserTotp.select().where(UserTotp.user == user_id).first().run()


async def status(user_id: int) -> dict:
    """For the profile and admin pages: enrolled?, pending?, since, recovery codes left."""
    row = await _row(user_id)
    left = await TotpRecoveryCode.count().where(
        (TotpRecoveryCode.user == user_id) & TotpRecoveryCode.used_at.is_null()
    )
    return {
        "enrolled": bool(row and row["secret"]),
        "pending": bool(row and row["pending_secret"]),
        "confirmed_at": row["confirmed_at"] if row else None,
        "recovery_left": left if row and row["secret"] else 0,
    }


# ---------------------------------------------------------------- enrolment


async def begin_enrolment(actor: Actor) -> dict:
    """A new pending secret: ``{"secret", "otpauth_uri", "qr_svg"}``."""
    secret = totp.new_secret()
    sealed = totp.seal(secret, actor.user_id)
    async with write_transaction():
        row = await _row(actor.user_id)
        if row is None:
            await UserTotp.insert(UserTotp(user=actor.user_id, pending_secret=sealed)).run()
        else:
            await (
                UserTotp.update({UserTotp.pending_secret: sealed})
                .where(UserTotp.id == row["id"])
                .run()
            )
        await audit.record(
            actor,
            "totp.enrol",
            "user",
            actor.user_id,
            after={"pending": True, "replaces_active": bool(row and row["secret"])},
        )
    uri = totp.provisioning_uri(secret, actor.username)
    svg = await anyio.to_thread.run_sync(totp.qr_svg, uri)
    return {"secret": secret, "otpauth_uri": uri, "qr_svg": svg}


async def pending_enrolment(actor: Actor) -> dict | None:
    """The pending secret again (the page shows its QR code until it is confirmed)."""
    row = await _row(actor.user_id)
    secret = totp.unseal(row["pending_secret"], actor.user_id) if row else None
    if not secret:
        return None
    uri = totp.provisioning_uri(secret, actor.username)
    svg = await anyio.to_thread.run_sync(totp.qr_svg, uri)
    return {"secret": secret, "otpauth_uri": uri, "qr_svg": svg}


async def confirm_enrolment(actor: Actor, code: str) -> list[str]:
    """Activate the pending secret with one of its codes; returns the 10 recovery codes
    (shown once). 409 when nothing is pending; 400 naming ``code`` for a wrong code."""
    cleaned = totp.clean_code(code)
    codes = totp.new_recovery_codes()
    hashes = [totp.recovery_hash(actor.user_id, totp.clean_code(c)) for c in codes]
    wrong = False
    async with write_transaction():
        row = await _row(actor.user_id)
        secret = totp.unseal(row["pending_secret"], actor.user_id) if row else None
        if secret is None:
            raise Conflict(
                "没有待确认的两步验证，请先开始启用",
                [{"key": "code", "message": "状态：没有待确认的启用"}],
            )
        step = totp.matching_step(secret, cleaned)
        if step is None:
            wrong = True
            await audit.record(actor, "totp.confirm_failed", "user", actor.user_id, success=False)
        else:
            await (
                UserTotp.update(
                    {
                        UserTotp.secret: row["pending_secret"],
                        UserTotp.pending_secret: None,
                        UserTotp.confirmed_at: utcnow(),
                        UserTotp.last_timestep: step,
                    }
                )
                .where(UserTotp.id == row["id"])
                .run()
            )
            await TotpRecoveryCode.delete().where(TotpRecoveryCode.user == actor.user_id).run()
            await TotpRecoveryCode.insert(
                *[TotpRecoveryCode(user=actor.user_id, code_hash=h) for h in hashes]
            ).run()
            await audit.record(
                actor,
                "totp.confirm",
                "user",
                actor.user_id,
                before={"enrolled": bool(row["secret"])},
                after={"enrolled": True, "recovery_codes": len(codes)},
            )
    if wrong:
        raise ValidationFailed.field("code", "验证码错误或已过期")
    return codes


# ---------------------------------------------------------------- checking a code


async def use_code(user_id: int, code: str) -> tuple[str | None, str]:
    """Check (and spend) a login code; call inside the login's write transaction.
    Returns ("totp" | "recovery", "ok") or (None, why): "bad_otp", "replayed_otp"."""
    cleaned = totp.clean_code(code)
    row = await _row(user_id)
    secret = totp.unseal(row["secret"], user_id) if row else None
    if secret is None:
        return None, "bad_otp"
    if totp.is_totp_shaped(cleaned):
        step = totp.matching_step(secret, cleaned)
        if step is None:
            return None, "bad_otp"
        if step <= row["last_timestep"]:
            return None, "replayed_otp"
        await UserTotp.update({UserTotp.last_timestep: step}).where(UserTotp.id == row["id"]).run()
        return "totp", "ok"
    if totp.is_recovery_shaped(cleaned):
        code_hash = totp.recovery_hash(user_id, cleaned)
        spare = (
            await TotpRecoveryCode.select(TotpRecoveryCode.id)
            .where(
                (TotpRecoveryCode.user == user_id)
                & (TotpRecoveryCode.code_hash == code_hash)
                & TotpRecoveryCode.used_at.is_null()
            )
            .first()
            .run()
        )
        if spare is None:
            return None, "bad_otp"
        await (
            TotpRecoveryCode.update({TotpRecoveryCode.used_at: utcnow()})
            .where(TotpRecoveryCode.id == spare["id"])
            .run()
        )
        return "recovery", "ok"
    return None, "bad_otp"


# ---------------------------------------------------------------- removing


async def _remove(user_id: int) -> dict:
    row = await _row(user_id)
    before = {
        "enrolled": bool(row and row["secret"]),
        "pending": bool(row and row["pending_secret"]),
    }
    await TotpRecoveryCode.delete().where(TotpRecoveryCode.user == user_id).run()
    await UserTotp.delete().where(UserTotp.user == user_id).run()
    return before


async def disable(actor: Actor, code: str) -> None:
    """The user turns their own second factor off, proving it with a current code or a
    recovery code (a stolen session alone cannot). 400 naming ``code`` otherwise."""
    if required_for(actor.role):
        raise Conflict(
            "您的角色须使用两步验证，只能重新启用，不能关闭",
            [{"key": "code", "message": "状态：您的角色必须启用"}],
        )
    failed = False
    async with write_transaction():
        if not await is_enrolled(actor.user_id):
            raise Conflict(
                "两步验证未启用",
                [{"key": "code", "message": "状态：未启用"}],
            )
        kind, why = await use_code(actor.user_id, code)
        if kind is None:
            failed = True
            await audit.record(
                actor,
                "totp.disable_failed",
                "user",
                actor.user_id,
                after={"reason": why},
                success=False,
            )
        else:
            before = await _remove(actor.user_id)
            await audit.record(
                actor,
                "totp.disable",
                "user",
                actor.user_id,
                before=before,
                after={"enrolled": False, "proved_with": kind},
            )
    if failed:
        raise ValidationFailed.field("code", "验证码错误或已使用")


async def reset(actor: Actor, user_id: int) -> None:
    """An admin removes a user's second factor (a lost phone). The user's tokens and
    sessions end; they log in with the password alone, or re-enrol if their role
    requires it. Idempotent: resetting a user without a factor changes nothing else."""
    actor.require(Role.admin)
    async with write_transaction():
        if not await User.exists().where(User.id == user_id).run():
            raise NotFound("用户不存在")
        before = await _remove(user_id)
        if before["enrolled"] or before["pending"]:
            await (
                User.update(
                    {User.token_epoch: User.token_epoch + 1, User.version: User.version + 1}
                )
                .where(User.id == user_id)
                .run()
            )
            await end_user_sessions(user_id)
        await audit.record(
            actor,
            "totp.reset",
            "user",
            user_id,
            before=before,
            after={"enrolled": False, "sessions_ended": before["enrolled"] or before["pending"]},
        )
