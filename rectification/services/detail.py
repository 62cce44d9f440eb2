"""The whole hazard: the API's hazard shape with its rectification."""

from __future__ import annotations

from inspections import services as inspections
from rectification.services._common import SUBMISSION
from rectification.services.extensions import _extension_columns, _extension_out
from rectification.tables import (
    EvidenceSubmission,
    ExtensionRequest,
    RectificationPlan,
    Verification,
)
from safety.actors import Actor
from safety.files import store as files

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
            *Verification.all_columns(),
            Verification.verified_by.display_name.as_alias("by"),
            Verification.verified_by.role.as_alias("by_role"),
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
