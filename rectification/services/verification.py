"""验收 (verification) and 作废 (void) of a hazard."""

from __future__ import annotations

import datetime as dt

from inspections.patrol.tables import PatrolReport
from inspections.services.scope import contacts_of, hazard_row, in_group, officers_over
from rectification import rules
from rectification.rules import Action
from rectification.schemas import VerificationIn
from rectification.services._common import _errors, _fresh, _move, _tell
from rectification.services.detail import hazard_detail
from rectification.tables import (
    EvidenceSubmission,
    ExtensionRequest,
    ExtensionStatus,
    Verification,
)
from safety import audit
from safety.actors import Actor
from safety.db import write_transaction
from safety.errors import Conflict
from safety.settings import get_settings, local_today
from safety.tables import Role

# ---------------------------------------------------------------- verification


async def check_verification(actor: Actor, hazard_id: int, data: VerificationIn) -> dict:
    """What ``verify`` would refuse, checked without writing (the page's confirmation step
    shows only a verdict that would be accepted): 403/404 for who, 400 for the fields, 409
    for the state. Returns the hazard row."""
    hazard = await hazard_row(actor, hazard_id)
    is_inspector = bool(hazard["inspection"]) and await in_group(actor, hazard["inspection"])
    rules.require_verifier(
        actor.role.value,
        level=hazard["level"],
        source=hazard["source"],
        is_inspector_of_hazard=is_inspector,
        is_own_enterprise=hazard["enterprise"] == actor.enterprise_id,
    )
    _errors(
        rules.verification_problems(data.result, data.comment, level=hazard["level"]),
        "验收信息有误",
    )
    action = Action.verify_pass if data.result == "pass" else Action.verify_fail
    rules.next_status(hazard["status"], action, hazard["level"])
    if data.result == "pass" and await _awaiting_countersign(hazard_id):
        _refuse_second_pass(actor)
    return hazard


async def verify(actor: Actor, hazard_id: int, data: VerificationIn) -> dict:
    """验收: pass → closed with ``rectified_on`` = the accepted submission's completion
    date; fail → rectifying, the comment (required) shown to the enterprise. Passing a
    major hazard needs a written opinion. With ``SAFETY_MAJOR_COUNTERSIGN`` on, an
    inspector's pass of a major hazard is recorded but the hazard stays ``submitted``
    (待会签) until an officer passes it too (rules.pass_closes)."""
    hazard = await check_verification(actor, hazard_id, data)
    action = Action.verify_pass if data.result == "pass" else Action.verify_fail
    closes = rules.pass_closes(
        actor.role.value, hazard["level"], countersign=get_settings().major_countersign
    )
    comment = data.comment.strip()
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
        if action is Action.verify_pass and await _awaiting_countersign(hazard_id, submission):
            _refuse_second_pass(actor)  # two inspectors at once: one pass waits, not two
        now = dt.datetime.now(dt.UTC)
        await (
            Verification(
                hazard=hazard_id,
                submission=submission["id"] if submission else None,
                result=data.result,
                comment=comment,
                verified_by=actor.user_id,
                verified_at=now,
            )
            .save()
            .run()
        )
        if action is Action.verify_pass and closes:
            await _move(
                actor,
                hazard,
                target.value,
                f"验收通过：{comment}" if comment else "验收通过",
                rectified_on=submission["completed_on"] if submission else local_today(),
                closed_at=now,
            )
        elif action is Action.verify_pass:
            await _move(actor, hazard, hazard["status"], f"验收通过，待监管员会签：{comment}")
        else:
            await _move(actor, hazard, target.value, f"验收不通过：{comment}")
        await audit.record(
            actor,
            f"hazard.verify_{data.result}",
            "hazard",
            hazard_id,
            after={
                **data.model_dump(mode="json"),
                "closed": action is Action.verify_pass and closes,
            },
        )
        contacts = await contacts_of(hazard["enterprise"])
        if action is Action.verify_pass and not closes:
            await _tell(
                actor,
                await officers_over(hazard["enterprise"]),
                hazard,
                "hazard.countersign",
                "重大隐患验收待会签",
                comment,
            )
        elif action is Action.verify_pass:
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
                comment,
            )
    return await hazard_detail(actor, hazard_id)


async def _awaiting_countersign(hazard_id: int, submission: dict | None = None) -> bool:
    """Whether the hazard's latest submission already has a pass that did not close it."""
    if submission is None:
        submission = (
            await EvidenceSubmission.select(EvidenceSubmission.id)
            .where(EvidenceSubmission.hazard == hazard_id)
            .order_by(EvidenceSubmission.id, ascending=False)
            .first()
            .run()
        )
    if submission is None:
        return False
    rows = (
        await Verification.select(Verification.result, Verification.submission)
        .where(Verification.submission == submission["id"])
        .order_by(Verification.id)
        .run()
    )
    return rules.awaiting_countersign(
        [{"result": r["result"], "submission_id": r["submission"]} for r in rows],
        submission["id"],
    )


def _refuse_second_pass(actor: Actor) -> None:
    """An officer's pass is the countersign; anyone else's second pass is a 409."""
    if actor.role != Role.officer:
        raise Conflict(
            "此重大隐患已验收通过，待监管员会签",
            [{"key": "status", "message": "当前状态：待会签"}],
        )


# ---------------------------------------------------------------- void


async def void_hazard(actor: Actor, hazard_id: int, reason: str) -> dict:
    """作废 (officer): any hazard not closed, with a reason; excluded from the figures. Its
    pending extension request is ``cancelled`` in the same transaction (on the timeline,
    with its own audit event), so 延期审批 no longer lists it."""
    actor.require(Role.officer)
    await hazard_row(actor, hazard_id)
    _errors(rules.void_problems(reason), "作废须说明理由")
    async with write_transaction():
        hazard = await _fresh(hazard_id)
        target = rules.next_status(hazard["status"], Action.void, hazard["level"])
        await _move(actor, hazard, target.value, reason.strip(), void_reason=reason.strip())
        cancelled = await _cancel_extensions(actor, hazard)
        await audit.record(
            actor,
            "hazard.void",
            "hazard",
            hazard_id,
            before={"status": hazard["status"]},
            after={"status": "voided", "reason": reason.strip(), "cancelled_extensions": cancelled},
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


async def _cancel_extensions(actor: Actor, hazard: dict) -> list[int]:
    """Cancel the voided hazard's pending extension requests (at most one): the ids."""
    rows = (
        await ExtensionRequest.select(ExtensionRequest.id, ExtensionRequest.status)
        .where(ExtensionRequest.hazard == hazard["id"])
        .run()
    )
    ids = [r["id"] for r in rows if rules.cancelled_by_void(r["status"])]
    if not ids:
        return []
    now = dt.datetime.now(dt.UTC)
    await (
        ExtensionRequest.update(
            {
                ExtensionRequest.status: ExtensionStatus.cancelled.value,
                ExtensionRequest.decided_by: actor.user_id,
                ExtensionRequest.decided_at: now,
                ExtensionRequest.decision_comment: "隐患已作废",
            }
        )
        .where(ExtensionRequest.id.is_in(ids), ExtensionRequest.status == "pending")
        .run()
    )
    voided = {**hazard, "status": "voided", "version": hazard["version"] + 1}
    await _move(actor, voided, "voided", "延期申请已取消（隐患作废）")
    for request_id in ids:
        await audit.record(
            actor,
            "extension.cancelled",
            "extension_request",
            request_id,
            before={"status": "pending"},
            after={"status": "cancelled", "hazard": hazard["id"], "reason": "hazard voided"},
        )
    return ids


async def reporters_of(hazard_id: int) -> list[int]:
    """The grid workers whose patrol reports became (or were linked to) the hazard."""
    rows = await PatrolReport.select(PatrolReport.reported_by).where(
        PatrolReport.hazard == hazard_id
    )
    return [r["reported_by"] for r in rows]
