"""Extension requests (延期申请): the enterprise asks, an officer decides; the lists."""

from __future__ import annotations

import datetime as dt

from piccolo.custom_types import Combinable

from inspections.services.scope import contacts_of, hazard_condition, hazard_row, officers_over
from inspections.tables import Hazard
from rectification import rules
from rectification.schemas import DecisionIn, ExtensionIn
from rectification.services._common import (
    _errors,
    _fresh,
    _move,
    _require_own_enterprise,
    _tell,
)
from rectification.tables import ExtensionRequest
from safety import audit
from safety.actors import Actor
from safety.db import write_transaction
from safety.errors import Conflict, NotFound, ValidationFailed
from safety.settings import local_today
from safety.tables import Role

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
        _errors(errors, "延期申请有误")
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
            actor,
            await officers_over(hazard["enterprise"]),
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
        raise NotFound("延期申请不存在")
    await hazard_row(actor, row["hazard"])
    if not data.approved and not data.comment.strip():
        raise ValidationFailed.field("comment", "不批准须说明理由")
    async with write_transaction():
        request = (
            await ExtensionRequest.select().where(ExtensionRequest.id == request_id).first().run()
        )
        if request["status"] != "pending":
            raise Conflict(
                f"该申请已处理（{request['status']}）",
                [{"key": "status", "message": f"当前状态：{request['status']}"}],
            )
        hazard = await _fresh(request["hazard"])
        if hazard["status"] not in ("pending", "rectifying"):
            raise Conflict(
                f"隐患当前状态为 {hazard['status']}，不能再调整期限",
                [{"key": "status", "message": f"当前状态：{hazard['status']}"}],
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
            actor,
            await contacts_of(hazard["enterprise"]),
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
    if status is not None and status not in rules.EXTENSION_STATUS_LABELS:
        raise ValidationFailed.field(
            "status", "status 须为 " + " / ".join(rules.EXTENSION_STATUS_LABELS)
        )
    scoped = Hazard.select(Hazard.id).where(await hazard_condition(actor))
    where: Combinable = ExtensionRequest.hazard.is_in(scoped)
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
