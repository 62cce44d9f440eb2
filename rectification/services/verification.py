"""验收 (verification) and 作废 (void) of a hazard."""

from __future__ import annotations

import datetime as dt

from inspections.patrol.tables import PatrolReport
from inspections.services.scope import contacts_of, hazard_row, in_group
from rectification import rules
from rectification.rules import Action
from rectification.schemas import VerificationIn
from rectification.services._common import _errors, _fresh, _move, _tell
from rectification.services.detail import hazard_detail
from rectification.tables import EvidenceSubmission, Verification
from safety import audit
from safety.auth import Actor
from safety.db import write_transaction
from safety.settings import local_today
from safety.tables import Role

# ---------------------------------------------------------------- verification


async def verify(actor: Actor, hazard_id: int, data: VerificationIn) -> dict:
    """验收: pass → closed with ``rectified_on`` = the accepted submission's completion
    date; fail → rectifying, the comment (required) shown to the enterprise."""
    hazard = await hazard_row(actor, hazard_id)
    is_inspector = bool(hazard["inspection"]) and await in_group(actor, hazard["inspection"])
    rules.require_verifier(
        actor.role.value,
        level=hazard["level"],
        source=hazard["source"],
        is_inspector_of_hazard=is_inspector,
        is_own_enterprise=hazard["enterprise"] == actor.enterprise_id,
    )
    errors = []
    if data.result not in ("pass", "fail"):
        errors.append({"key": "result", "message": "result 须为 pass / fail"})
    elif data.result == "fail" and not data.comment.strip():
        errors.append({"key": "comment", "message": "验收不通过须说明原因 (say why it fails)"})
    _errors(errors, "验收信息有误 (invalid verification)")
    action = Action.verify_pass if data.result == "pass" else Action.verify_fail
    async with write_transaction():
        hazard = await _fresh(hazard_id)
        target = rules.next_status(hazard["status"], action, hazard["level"])
        submission = (
            await EvidenceSubmission.select()
            .where(EvidenceSubmission.hazard == hazard_id)
            .order_by(EvidenceSubmission.id, ascending=False)
            .first()
            .run()
        )
        now = dt.datetime.now(dt.UTC)
        await (
            Verification(
                hazard=hazard_id,
                submission=submission["id"] if submission else None,
                result=data.result,
                comment=data.comment.strip(),
                verified_by=actor.user_id,
                verified_at=now,
            )
            .save()
            .run()
        )
        if action is Action.verify_pass:
            await _move(
                actor,
                hazard,
                target.value,
                data.comment.strip() or "验收通过",
                rectified_on=submission["completed_on"] if submission else local_today(),
                closed_at=now,
            )
        else:
            await _move(actor, hazard, target.value, data.comment.strip())
        await audit.record(
            actor,
            f"hazard.verify_{data.result}",
            "hazard",
            hazard_id,
            after=data.model_dump(mode="json"),
        )
        contacts = await contacts_of(hazard["enterprise"])
        if action is Action.verify_pass:
            await _tell(actor, contacts, hazard, "hazard.closed", "隐患已验收销号")
            # the grid workers whose reports became this hazard see their report end
            await _tell(
                actor,
                await reporters_of(hazard_id),
                hazard,
                "patrol.hazard_closed",
                "您上报的隐患已验收销号",
            )
        else:
            await _tell(
                actor,
                contacts,
                hazard,
                "hazard.verify_failed",
                "整改验收未通过",
                data.comment.strip(),
            )
    return await hazard_detail(actor, hazard_id)


# ---------------------------------------------------------------- void


async def void_hazard(actor: Actor, hazard_id: int, reason: str) -> dict:
    """作废 (officer): any hazard not closed, with a reason; excluded from the figures."""
    actor.require(Role.officer)
    await hazard_row(actor, hazard_id)
    _errors(rules.void_problems(reason), "作废须说明理由 (a reason is required)")
    async with write_transaction():
        hazard = await _fresh(hazard_id)
        target = rules.next_status(hazard["status"], Action.void, hazard["level"])
        await _move(actor, hazard, target.value, reason.strip(), void_reason=reason.strip())
        await audit.record(
            actor,
            "hazard.void",
            "hazard",
            hazard_id,
            before={"status": hazard["status"]},
            after={"status": "voided", "reason": reason.strip()},
        )
        await _tell(
            actor,
            await contacts_of(hazard["enterprise"]),
            hazard,
            "hazard.voided",
            "隐患已作废",
            reason.strip(),
        )
    return await hazard_detail(actor, hazard_id)


async def reporters_of(hazard_id: int) -> list[int]:
    """The grid workers whose patrol reports became (or were linked to) the hazard."""
    rows = await PatrolReport.select(PatrolReport.reported_by).where(
        PatrolReport.hazard == hazard_id
    )
    return [r["reported_by"] for r in rows]
