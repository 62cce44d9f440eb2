"""复查意见书: what the last verification of a hazard decided, with before/after photos."""

from __future__ import annotations

from typing import Any

from inspections.documents.context import (
    attachments,
    enterprise_of,
    hazard_entry,
    photo_entries,
    street_office,
)
from rectification import services
from rectification.tables import EvidenceSubmission, Verification
from safety.auth import Actor
from safety.errors import Conflict
from safety.i18n import translate
from safety.reports.render import Resources
from safety.settings import local_today

RESULTS = {"pass": "复查合格，同意销号", "fail": "复查不合格，继续整改"}


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
        raise Conflict("该隐患尚未复查验收，没有复查意见书 (no verification yet)")
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
    ctx = {
        "title": f"{enterprise['name']} 隐患复查意见书",
        "enterprise": enterprise,
        "office": street_office(enterprise["org"]),
        "hazard": hazard,
        "plan": detail.get("plan"),
        "submission": submission,
        "verification": verification,
        "result_label": RESULTS.get(verification["result"], verification["result"]),
        "verifier_role": _role_label(verification["by_role"]),
        "after_photos": photo_entries(after + recheck[hazard_id], res),
        "day": verified_day,
        "number": f"{verified_day.strftime('%Y')}-{hazard_id:05d}-{verification['id']}",
    }
    return ctx, res
