"""Rectification use cases (整改 → 验收 → 销号): the plan, evidence, verification, void,
extension requests and their decisions — for the JSON API and the pages alike.

Each takes the acting user first; scope is the hazard's (``inspections.services.scope``:
outside it 404); the role rules and the state machine are ``rectification.rules`` (403 for
a role that may never act, 409 naming the current state). Each runs in one write
transaction that re-reads the hazard's status, so two people racing for one transition
(two officers verifying the same submission) get it applied once; the loser gets 409.
Every change writes its ``HazardTransition`` (the timeline; extension requests and
decisions too, with the same from/to status), its audit event and the in-app
notifications of the people it concerns, in that transaction.

  save_plan(actor, hazard_id, PlanIn)                 enterprise (own)
  submit_evidence(actor, hazard_id, SubmissionIn)     enterprise (own)
  verify(actor, hazard_id, VerificationIn)            officer; inspector of its inspection;
                                                      the enterprise for a general self-found one
  void_hazard(actor, hazard_id, reason)               officer
  request_extension(actor, hazard_id, ExtensionIn)    enterprise (own)
  decide_extension(actor, request_id, DecisionIn)     officer
  hazard_detail(actor, hazard_id)                     the hazard shape with its rectification
  list_extension_requests(actor, status=)             officer's queue / enterprise's own
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from inspections import services as inspections
from inspections.services.scope import hazard_condition, hazard_row, in_group, officers_over
from inspections.tables import Hazard, HazardTransition
from rectification import rules
from rectification.rules import Action
from rectification.schemas import DecisionIn, ExtensionIn, PlanIn, SubmissionIn, VerificationIn
from rectification.tables import (
    EvidenceSubmission,
    ExtensionRequest,
    RectificationPlan,
    Verification,
)
from safety import audit, files
from safety.auth import Actor
from safety.db import write_transaction
from safety.errors import Conflict, Forbidden, NotFound, ValidationFailed
from safety.notifications import notify
from safety.settings import local_today
from safety.tables import Attachment, Enterprise, Role, User

SUBMISSION = "evidence_submission"  # owner type of after-photos once submitted


async def _can_see_submission(actor: Actor, submission_id: int) -> None:
    row = (
        await EvidenceSubmission.select(EvidenceSubmission.hazard)
        .where(EvidenceSubmission.id == submission_id)
        .first()
        .run()
    )
    if row is None:
        raise NotFound("文件不存在 (file not found)")
    await hazard_row(actor, row["hazard"])


files.register_owner(SUBMISSION, _can_see_submission)


# ---------------------------------------------------------------- helpers


async def _fresh(hazard_id: int) -> dict[str, Any]:
    """The hazard as it is now, inside the transaction (the race is decided here)."""
    return await Hazard.select().where(Hazard.id == hazard_id).first().run()


async def _move(actor: Actor, hazard: dict, to_status: str, note: str = "", **changes: Any) -> None:
    now = dt.datetime.now(dt.UTC)
    values = {Hazard.status: to_status, Hazard.version: hazard["version"] + 1}
    for name, value in changes.items():
        values[getattr(Hazard, name)] = value
    await Hazard.update(values).where(Hazard.id == hazard["id"]).run()
    await (
        HazardTransition(
            hazard=hazard["id"],
            from_status=hazard["status"],
            to_status=to_status,
            at=now,
            actor=actor.user_id,
            note=note,
        )
        .save()
        .run()
    )


async def _enterprise_contacts(enterprise_id: int) -> list[int]:
    rows = (
        await User.select(User.id)
        .where(
            (User.role == Role.enterprise)
            & (User.enterprise == enterprise_id)
            & User.active.eq(True)
        )
        .run()
    )
    return [r["id"] for r in rows]


async def _officers_over(enterprise_id: int) -> list[int]:
    return await officers_over(enterprise_id)


def _short(text: str, n: int = 40) -> str:
    text = " ".join(text.split())
    return text if len(text) <= n else text[: n - 1] + "…"


async def _tell(users: list[int], hazard: dict, kind: str, title: str, body: str = "") -> None:
    ent = (
        await Enterprise.select(Enterprise.name)
        .where(Enterprise.id == hazard["enterprise"])
        .first()
        .run()
    )
    await notify(
        users,
        kind=kind,
        title=f"{title}：{ent['name'] if ent else ''}",
        body=body or _short(hazard["description"], 120),
        link=f"/hazards/{hazard['id']}",
        object_type="hazard",
        object_id=hazard["id"],
    )


def _require_own_enterprise(actor: Actor, hazard: dict, what: str) -> None:
    if actor.role != Role.enterprise:
        raise Forbidden(f"只有企业联系人可以{what} (the enterprise's contact only)")
    if hazard["enterprise"] != actor.enterprise_id:  # hazard_row already scoped it
        raise NotFound("隐患不存在 (hazard not found)")


def _errors(errors: list[dict[str, str]], message: str) -> None:
    if errors:
        raise ValidationFailed(message, errors)


# ---------------------------------------------------------------- plan (五落实)


async def save_plan(actor: Actor, hazard_id: int, data: PlanIn) -> dict:
    """Fill or revise the plan: pending → rectifying (a revision keeps rectifying). For a
    major hazard all of 五落实 are required; the plan's deadline may not pass the effective
    deadline (ask for an extension first)."""
    hazard = await hazard_row(actor, hazard_id)
    _require_own_enterprise(actor, hazard, "填写整改方案")
    values = data.model_dump()
    async with write_transaction():
        hazard = await _fresh(hazard_id)
        target = rules.next_status(hazard["status"], Action.plan, hazard["level"])
        rules.require_plan(
            values,
            level=hazard["level"],
            found_on=hazard["found_on"],
            effective=hazard["effective_deadline"] or hazard["deadline"],
        )
        now = dt.datetime.now(dt.UTC)
        existing = (
            await RectificationPlan.select()
            .where(RectificationPlan.hazard == hazard_id)
            .first()
            .run()
        )
        columns = {getattr(RectificationPlan, k): v for k, v in values.items()}
        if existing:
            columns[RectificationPlan.updated_at] = now
            columns[RectificationPlan.version] = existing["version"] + 1
            columns[RectificationPlan.submitted_by] = actor.user_id
            await (
                RectificationPlan.update(columns)
                .where(RectificationPlan.id == existing["id"])
                .run()
            )
        else:
            await (
                RectificationPlan(
                    hazard=hazard_id,
                    submitted_by=actor.user_id,
                    created_at=now,
                    updated_at=now,
                    **values,
                )
                .save()
                .run()
            )
        note = "修改整改方案" if existing else "提交整改方案"
        if target.value != hazard["status"]:
            await _move(actor, hazard, target.value, note)
        else:
            await _move(actor, hazard, hazard["status"], note)
        await audit.record(
            actor,
            "hazard.plan",
            "hazard",
            hazard_id,
            before=_plain(existing),
            after={**data.model_dump(mode="json"), "status": target.value},
        )
    return await hazard_detail(actor, hazard_id)


def _plain(row: dict | None) -> dict | None:
    if row is None:
        return None
    return {
        k: (v.isoformat() if isinstance(v, dt.date | dt.datetime) else v) for k, v in row.items()
    }


# ---------------------------------------------------------------- evidence


async def submit_evidence(actor: Actor, hazard_id: int, data: SubmissionIn) -> dict:
    """整改反馈 → submitted (general hazards may come straight from pending). The photos
    are the user's own ``rectified`` uploads to this hazard, each used once."""
    hazard = await hazard_row(actor, hazard_id)
    _require_own_enterprise(actor, hazard, "提交整改反馈")
    today = local_today()
    async with write_transaction():
        hazard = await _fresh(hazard_id)
        target = rules.next_status(hazard["status"], Action.submit, hazard["level"])
        errors = rules.evidence_problems(
            description=data.description,
            completed_on=data.completed_on,
            found_on=hazard["found_on"],
            today=today,
        )
        photo_ids = list(dict.fromkeys(data.photo_ids))
        if photo_ids:
            usable = {
                r["id"]
                for r in await Attachment.select(Attachment.id)
                .where(
                    Attachment.id.is_in(photo_ids),
                    Attachment.owner_type == "hazard",
                    Attachment.owner_id == hazard_id,
                    Attachment.kind == "rectified",
                    Attachment.uploaded_by == actor.user_id,
                )
                .run()
            }
            for i, pid in enumerate(photo_ids):
                if pid not in usable:
                    errors.append(
                        {
                            "key": f"photo_ids[{i}]",
                            "message": f"照片 {pid} 不是您为此隐患上传的整改照片，或已用过 "
                            "(not your unused after-photo of this hazard)",
                        }
                    )
        _errors(errors, "整改反馈有误 (invalid evidence)")
        submission = EvidenceSubmission(
            hazard=hazard_id,
            description=data.description.strip(),
            completed_on=data.completed_on,
            submitted_by=actor.user_id,
        )
        await submission.save().run()
        if photo_ids:
            await (
                Attachment.update(
                    {Attachment.owner_type: SUBMISSION, Attachment.owner_id: submission.id}
                )
                .where(Attachment.id.is_in(photo_ids))
                .run()
            )
        await _move(actor, hazard, target.value, _short(data.description, 200))
        await audit.record(
            actor,
            "hazard.submit",
            "hazard",
            hazard_id,
            after={**data.model_dump(mode="json"), "submission": submission.id},
        )
        reviewers = await _officers_over(hazard["enterprise"])
        if hazard["inspection"] is not None and hazard["source"] == "inspection":
            reviewers += await _inspectors_of(hazard["inspection"])
        if hazard["source"] == "self_report" and hazard["level"] == "general":
            reviewers = []  # the enterprise verifies its own general finding
        await _tell(reviewers, hazard, "hazard.submitted", "整改待验收")
    return await hazard_detail(actor, hazard_id)


async def _inspectors_of(inspection_id: int) -> list[int]:
    from inspections.tables import InspectionInspector

    rows = (
        await InspectionInspector.select(InspectionInspector.user)
        .where(InspectionInspector.inspection == inspection_id)
        .run()
    )
    return [r["user"] for r in rows]


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
        contacts = await _enterprise_contacts(hazard["enterprise"])
        if action is Action.verify_pass:
            await _tell(contacts, hazard, "hazard.closed", "隐患已验收销号")
        else:
            await _tell(
                contacts, hazard, "hazard.verify_failed", "整改验收未通过", data.comment.strip()
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
            await _enterprise_contacts(hazard["enterprise"]),
            hazard,
            "hazard.voided",
            "隐患已作废",
            reason.strip(),
        )
    return await hazard_detail(actor, hazard_id)


# ---------------------------------------------------------------- extensions


async def request_extension(actor: Actor, hazard_id: int, data: ExtensionIn) -> dict:
    """延期申请 (enterprise): one pending at a time (a second is 409)."""
    hazard = await hazard_row(actor, hazard_id)
    _require_own_enterprise(actor, hazard, "申请延期")
    async with write_transaction():
        hazard = await _fresh(hazard_id)
        has_pending = (
            await ExtensionRequest.exists()
            .where((ExtensionRequest.hazard == hazard_id) & (ExtensionRequest.status == "pending"))
            .run()
        )
        errors, conflict = rules.extension_problems(
            status=hazard["status"],
            new_deadline=data.new_deadline,
            reason=data.reason,
            effective=hazard["effective_deadline"] or hazard["deadline"],
            today=local_today(),
            has_pending=has_pending,
        )
        if conflict:
            raise Conflict(conflict, [{"key": "extension_requests", "message": conflict}])
        _errors(errors, "延期申请有误 (invalid extension request)")
        request = ExtensionRequest(
            hazard=hazard_id,
            new_deadline=data.new_deadline,
            reason=data.reason.strip(),
            requested_by=actor.user_id,
        )
        await request.save().run()
        await _move(
            actor,
            hazard,
            hazard["status"],
            f"申请延期至 {data.new_deadline.isoformat()}：{data.reason.strip()}",
        )
        await audit.record(
            actor,
            "extension.request",
            "extension_request",
            request.id,
            after={**data.model_dump(mode="json"), "hazard": hazard_id},
        )
        await _tell(
            await _officers_over(hazard["enterprise"]),
            hazard,
            "extension.requested",
            "延期申请待审批",
            f"申请延期至 {data.new_deadline.isoformat()}：{data.reason.strip()}",
        )
    return await _extension(request.id)


async def decide_extension(actor: Actor, request_id: int, data: DecisionIn) -> dict:
    """An officer approves (the new date becomes the effective deadline) or refuses (the
    comment, then required, is shown to the enterprise). Decided once: again is 409."""
    actor.require(Role.officer)
    row = (
        await ExtensionRequest.select(ExtensionRequest.hazard)
        .where(ExtensionRequest.id == request_id)
        .first()
        .run()
    )
    if row is None:
        raise NotFound("延期申请不存在 (extension request not found)")
    await hazard_row(actor, row["hazard"])
    if not data.approved and not data.comment.strip():
        raise ValidationFailed.field("comment", "不批准须说明理由 (say why it is refused)")
    async with write_transaction():
        request = (
            await ExtensionRequest.select().where(ExtensionRequest.id == request_id).first().run()
        )
        if request["status"] != "pending":
            raise Conflict(
                f"该申请已处理（{request['status']}） (already decided)",
                [{"key": "status", "message": f"current status: {request['status']}"}],
            )
        hazard = await _fresh(request["hazard"])
        if hazard["status"] not in ("pending", "rectifying"):
            raise Conflict(
                f"隐患当前状态为 {hazard['status']}，不能再调整期限",
                [{"key": "status", "message": f"current status: {hazard['status']}"}],
            )
        status = "approved" if data.approved else "refused"
        now = dt.datetime.now(dt.UTC)
        await (
            ExtensionRequest.update(
                {
                    ExtensionRequest.status: status,
                    ExtensionRequest.decided_by: actor.user_id,
                    ExtensionRequest.decided_at: now,
                    ExtensionRequest.decision_comment: data.comment.strip(),
                }
            )
            .where(ExtensionRequest.id == request_id)
            .run()
        )
        changes = {"effective_deadline": request["new_deadline"]} if data.approved else {}
        verdict = "批准延期" if data.approved else "不批准延期"
        note = f"{verdict}至 {request['new_deadline'].isoformat()}" + (
            f"：{data.comment.strip()}" if data.comment.strip() else ""
        )
        await _move(actor, hazard, hazard["status"], note, **changes)
        await audit.record(
            actor,
            f"extension.{status}",
            "extension_request",
            request_id,
            after={"hazard": hazard["id"], "comment": data.comment.strip()},
        )
        await _tell(
            await _enterprise_contacts(hazard["enterprise"]),
            hazard,
            f"extension.{status}",
            verdict,
            note,
        )
    return await _extension(request_id)


async def _extension(request_id: int) -> dict:
    row = (
        await ExtensionRequest.select(*_extension_columns())
        .where(ExtensionRequest.id == request_id)
        .first()
        .run()
    )
    return _extension_out(row)


def _extension_columns() -> tuple:
    return (
        *ExtensionRequest.all_columns(),
        ExtensionRequest.requested_by.display_name.as_alias("requested_by_name"),
        ExtensionRequest.decided_by.display_name.as_alias("decided_by_name"),
        ExtensionRequest.hazard.enterprise.name.as_alias("enterprise_name"),
        ExtensionRequest.hazard.description.as_alias("hazard_description"),
        ExtensionRequest.hazard.effective_deadline.as_alias("hazard_effective_deadline"),
    )


def _extension_out(r: dict) -> dict:
    return {
        **r,
        "hazard_id": r["hazard"],
        "requested_by": r["requested_by_name"] or "",
        "decided_by": r["decided_by_name"],
    }


async def list_extension_requests(
    actor: Actor, status: str | None = "pending", limit: int = 50, offset: int = 0
) -> tuple[list[dict], int]:
    """Extension requests in scope, oldest first (the officer's queue)."""
    if status is not None and status not in ("pending", "approved", "refused"):
        raise ValidationFailed.field("status", "status 须为 pending / approved / refused")
    scoped = Hazard.select(Hazard.id).where(await hazard_condition(actor))
    where = ExtensionRequest.hazard.is_in(scoped)
    if status:
        where &= ExtensionRequest.status == status
    rows = (
        await ExtensionRequest.select(*_extension_columns())
        .where(where)
        .order_by(ExtensionRequest.id)
        .limit(limit)
        .offset(offset)
        .run()
    )
    total = await ExtensionRequest.count().where(where).run()
    return [_extension_out(r) for r in rows], total


# ---------------------------------------------------------------- the whole hazard


async def hazard_detail(actor: Actor, hazard_id: int) -> dict:
    """The hazard shape of the API with its plan, submissions (with their photos),
    verifications and extension requests: a fixed number of queries."""
    detail = await inspections.get_hazard(actor, hazard_id)
    plan = (
        await RectificationPlan.select().where(RectificationPlan.hazard == hazard_id).first().run()
    )
    submissions = (
        await EvidenceSubmission.select(
            *EvidenceSubmission.all_columns(),
            EvidenceSubmission.submitted_by.display_name.as_alias("by"),
        )
        .where(EvidenceSubmission.hazard == hazard_id)
        .order_by(EvidenceSubmission.id)
        .run()
    )
    photos = await files.list_for(SUBMISSION, [s["id"] for s in submissions])
    verifications = (
        await Verification.select(
            *Verification.all_columns(), Verification.verified_by.display_name.as_alias("by")
        )
        .where(Verification.hazard == hazard_id)
        .order_by(Verification.id)
        .run()
    )
    extensions = (
        await ExtensionRequest.select(*_extension_columns())
        .where(ExtensionRequest.hazard == hazard_id)
        .order_by(ExtensionRequest.id)
        .run()
    )
    return {
        **detail,
        "plan": plan,
        "submissions": [
            {
                **s,
                "submitted_by": s["by"] or "",
                "photos": photos.get(s["id"], []),
            }
            for s in submissions
        ],
        "verifications": [
            {**v, "verified_by": v["by"] or "", "submission_id": v["submission"]}
            for v in verifications
        ],
        "extension_requests": [_extension_out(x) for x in extensions],
    }


__all__ = [
    "decide_extension",
    "hazard_detail",
    "list_extension_requests",
    "request_extension",
    "save_plan",
    "submit_evidence",
    "verify",
    "void_hazard",
]
