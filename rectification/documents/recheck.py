"""复查意见书: what the last verification of a hazard decided, with before/after photos,
the verifier, the time and the written opinion (验收意见; an empty one prints 「（未填写）」).

Who wrote it (``inspections.documents.issuer``): the enterprise verifying a finding of its
own self-inspection prints its own 自查复查记录 (its name, 自查复查〔年-号-项〕号, no street
seal, 复查人 = its staff); a verification by the street (officer or inspector) — of a
campaign, patrol or self-reported major hazard — prints the street office's 复查意见书."""

from __future__ import annotations

from typing import Any

from inspections.documents import issuer
from inspections.documents.context import (
    attachments,
    enterprise_of,
    hazard_entry,
    photo_entries,
    self_rank,
    street_office,
)
from inspections.tables import Hazard, Inspection
from rectification import services
from rectification.tables import EvidenceSubmission, Verification
from safety.actors import Actor
from safety.errors import Conflict
from safety.i18n import translate
from safety.reports.render import Resources
from safety.settings import local_today

RESULTS = issuer.STREET_RESULTS


async def _self_numbers(hazard: dict) -> tuple[str, int]:
    """The self-inspection's number (``issuer.self_number``) and the hazard's rank among
    that inspection's hazards by id, voided ones included (so it never shifts)."""
    if not hazard.get("inspection_id"):
        return "", 0
    inspection = (
        await Inspection.select(Inspection.id, Inspection.enterprise, Inspection.scheduled_on)
        .where(Inspection.id == hazard["inspection_id"])
        .first()
        .run()
    )
    if inspection is None:
        return "", 0
    rank = await self_rank(inspection["id"], inspection["enterprise"], inspection["scheduled_on"])
    hazard_rank = await (
        Hazard.count().where(Hazard.inspection == inspection["id"], Hazard.id <= hazard["id"]).run()
    )
    return issuer.self_number(inspection["scheduled_on"], rank), hazard_rank


def _role_label(role: str | None) -> str:
    """The verifier's role as the application names it: 街道安全监管员, 第三方专家, or
    企业联系人 (an enterprise closing a general finding of its own self-inspection)."""
    return translate(f"role.{role}") if role else "—"


async def recheck_context(actor: Actor, hazard_id: int) -> tuple[dict[str, Any], Resources]:
    detail = await services.hazard_detail(actor, hazard_id)  # 404 outside scope
    verification = (
        await Verification.select(
            *Verification.all_columns(),
            Verification.verified_by.display_name.as_alias("by_name"),
            Verification.verified_by.role.as_alias("by_role"),
        )
        .where(Verification.hazard == hazard_id)
        .order_by(Verification.id, ascending=False)
        .first()
        .run()
    )
    if verification is None:
        raise Conflict("该隐患尚未复查验收，没有复查意见书")
    submission = None
    if verification["submission"]:
        submission = (
            await EvidenceSubmission.select(
                *EvidenceSubmission.all_columns(),
                EvidenceSubmission.submitted_by.display_name.as_alias("by_name"),
            )
            .where(EvidenceSubmission.id == verification["submission"])
            .first()
            .run()
        )
    res = Resources()
    before = await attachments("hazard", [hazard_id], "problem", "scene")
    # After-photos: the verified submission's own and the re-inspection's; the hazard's
    # ``rectified`` photos are uploads not yet submitted (for a later submission).
    recheck = await attachments("hazard", [hazard_id], "recheck")
    after: list[dict] = []
    if submission:
        after = (await attachments(services.SUBMISSION, [submission["id"]]))[submission["id"]]
    enterprise = await enterprise_of(detail["enterprise_id"])
    hazard = hazard_entry(detail, before[hazard_id], res)
    verified_day = local_today(verification["verified_at"])
    office = street_office(enterprise["org"])
    own = issuer.is_own_recheck(detail["source"], verification["by_role"])
    # a self-found hazard names its self-inspection, whoever verified it
    from_self = detail["source"] == issuer.SELF_SOURCE
    self_no, hazard_rank = await _self_numbers(detail) if from_self else ("", 0)
    heading = issuer.recheck_heading(
        own=own,
        office=office,
        enterprise=enterprise["name"],
        verified_day=verified_day,
        hazard_id=hazard_id,
        verification_id=verification["id"],
        self_no=self_no,
        hazard_rank=hazard_rank,
    )
    ctx = {
        "title": f"{enterprise['name']} {heading.title}",
        "heading": heading,
        "self_no": self_no,
        "enterprise": enterprise,
        "office": office,
        "hazard": hazard,
        "plan": detail.get("plan"),
        "submission": submission,
        "verification": verification,
        "result_label": issuer.result_label(heading.own, verification["result"]),
        "opinion": issuer.opinion_text(verification["comment"]),
        "verifier_role": _role_label(verification["by_role"]),
        "after_photos": photo_entries(after + recheck[hazard_id], res),
        "day": verified_day,
        "number": heading.docref,
    }
    return ctx, res
