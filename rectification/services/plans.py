"""The enterprise's side of rectification: the plan (五落实) and the evidence (整改反馈)."""

from __future__ import annotations

import datetime as dt

from inspections.services.scope import hazard_row, officers_over
from inspections.tables import InspectionInspector
from rectification import rules
from rectification.rules import Action
from rectification.schemas import PlanIn, SubmissionIn
from rectification.services._common import (
    SUBMISSION,
    _errors,
    _fresh,
    _move,
    _plain,
    _require_own_enterprise,
    _tell,
)
from rectification.services.detail import hazard_detail
from rectification.tables import EvidenceSubmission, RectificationPlan
from safety import audit
from safety.actors import Actor
from safety.db import write_transaction
from safety.settings import get_settings, local_today
from safety.tables import Attachment
from safety.text import short

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


# ---------------------------------------------------------------- evidence


async def submit_evidence(actor: Actor, hazard_id: int, data: SubmissionIn) -> dict:
    """整改反馈 → submitted (general hazards may come straight from pending). The photos
    are the user's own ``rectified`` uploads to this hazard, each used once; at least as
    many as the level needs (settings ``evidence_*_min_photos``), and a major hazard's
    stored plan must hold all of 五落实 (else 400 naming ``photo_ids`` / the plan field)."""
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
        usable: set[int] = set()
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
                            "message": f"照片 {pid} 不是您为此隐患上传的整改照片，或已用过",
                        }
                    )
        settings = get_settings()
        errors += rules.evidence_photo_problems(
            hazard["level"],
            len(usable),
            major_min=settings.evidence_major_min_photos,
            general_min=settings.evidence_general_min_photos,
        )
        plan = (
            await RectificationPlan.select()
            .where(RectificationPlan.hazard == hazard_id)
            .first()
            .run()
        )
        errors += rules.evidence_plan_problems(plan, level=hazard["level"])
        _errors(errors, "整改反馈有误")
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
        await _move(actor, hazard, target.value, short(data.description, 200))
        await audit.record(
            actor,
            "hazard.submit",
            "hazard",
            hazard_id,
            after={**data.model_dump(mode="json"), "submission": submission.id},
        )
        reviewers = await officers_over(hazard["enterprise"])
        if hazard["inspection"] is not None and hazard["source"] == "inspection":
            reviewers += await _inspectors_of(hazard["inspection"])
        if hazard["source"] == "self_report" and hazard["level"] == "general":
            reviewers = []  # the enterprise verifies its own general finding
        await _tell(actor, reviewers, hazard, "hazard.submitted", "整改待验收")
    return await hazard_detail(actor, hazard_id)


async def _inspectors_of(inspection_id: int) -> list[int]:
    rows = (
        await InspectionInspector.select(InspectionInspector.user)
        .where(InspectionInspector.inspection == inspection_id)
        .run()
    )
    return [r["user"] for r in rows]
