"""Photos of a hazard (隐患照片), and who may see the files of hazards and inspections.

An inspector of the hazard's inspection adds ``problem`` photos (before, the default) and
``recheck`` photos (复查), and — for a hazard fixed on the spot (立行立改) — the
``rectified`` after-photo. Photos may follow the hazard at any time before it is voided
(a phone's upload queue may deliver them after the inspection was submitted: a photo is
never refused for arriving late). The grid worker whose patrol report became the hazard
adds ``scene`` photos (现场) while it is open. The enterprise's contact adds ``rectified``
after-photos to its own hazard while it is open (pending or rectifying); an evidence
submission then claims them (rectification.services.submit_evidence).

File serving (``safety.files.store``): a hazard's photos are served to whoever may see the
hazard; an inspection's signature images to whoever may see the inspection.
"""

from __future__ import annotations

from inspections.services.photo_limit import require_room
from inspections.services.scope import hazard_row, inspection_row
from inspections.tables import Inspection
from safety.actors import Actor
from safety.errors import Conflict, Forbidden, ValidationFailed
from safety.files import store as files
from safety.tables import Role

HAZARD = "hazard"
INSPECTION = "inspection"
INSPECTOR_KINDS = ("problem", "recheck")


async def can_see_hazard(actor: Actor, hazard_id: int) -> None:
    await hazard_row(actor, hazard_id)


async def can_see_inspection(actor: Actor, inspection_id: int) -> None:
    await inspection_row(actor, inspection_id)


files.register_owner(HAZARD, can_see_hazard)
files.register_owner(INSPECTION, can_see_inspection)


async def photo_target(actor: Actor, hazard_id: int) -> dict:
    """The hazard an actor may add photos to (403 for a role that may not, 404 outside
    scope): checked before the upload is read."""
    if actor.role not in (Role.inspector, Role.enterprise, Role.grid_worker):
        raise Forbidden("只有检查人员、企业联系人和上报的网格员可以上传隐患照片")
    return await hazard_row(actor, hazard_id)


async def _walking_own(hazard: dict) -> bool:
    """The hazard was found in its enterprise's own self-inspection, still being walked
    (the walk's upload queue empties before submit, so its photos arrive by then)."""
    if hazard["source"] != "self_report" or hazard["inspection"] is None:
        return False
    return (
        await Inspection.exists()
        .where(Inspection.id == hazard["inspection"], Inspection.state == "in_progress")
        .run()
    )


async def add_hazard_photo(
    actor: Actor, hazard_id: int, content: bytes, filename: str = "", kind: str = "problem"
) -> dict:
    """Store one photo of the hazard; returns ``{"id","kind","url","thumbnail_url",...}``.
    JPEG/PNG/WebP only, by content (415), ≤ 15 MB (413), an empty or truncated image 400,
    past the photos a hazard may hold 409 (``photo_limit``)."""
    hazard = await photo_target(actor, hazard_id)
    if actor.role == Role.enterprise and await _walking_own(hazard):
        # 企业自查: the contact logging a hazard on its own self-inspection's walk takes the
        # before-photos an inspector would take (and, fixed on the spot, the after-photo).
        allowed: tuple[str, ...] = ("problem", "rectified")
    elif actor.role == Role.enterprise:
        if kind == "problem":
            kind = "rectified"  # the enterprise's photos are after-photos
        if hazard["status"] not in ("pending", "rectifying"):
            raise Conflict(
                f"隐患当前状态为 {hazard['status']}，不能再上传整改照片",
                [{"key": "status", "message": f"当前状态：{hazard['status']}"}],
            )
        allowed = ("rectified",)
    elif actor.role == Role.grid_worker:
        # 网格员 follow-up: scene photos (现场) of the hazard their report became, while open.
        if kind == "problem":
            kind = "scene"
        if hazard["status"] in ("closed", "voided"):
            raise Conflict(
                f"隐患当前状态为 {hazard['status']}，不能再上传照片",
                [{"key": "status", "message": f"当前状态：{hazard['status']}"}],
            )
        allowed = ("scene",)
    else:
        allowed = INSPECTOR_KINDS + (("rectified",) if hazard["fixed_on_spot"] else ())
    if kind not in allowed:
        raise ValidationFailed.field("kind", "kind 须为 " + " / ".join(allowed))
    if hazard["status"] == "voided":
        raise Conflict(
            "隐患已作废",
            [{"key": "status", "message": "当前状态：voided"}],
        )
    await require_room(HAZARD, hazard["id"])  # before the image work; again at the insert
    row = await files.save_bytes(
        content,
        filename=filename,
        owner_type=HAZARD,
        owner_id=hazard["id"],
        kind=kind,
        actor=actor,
        before_insert=lambda: require_room(HAZARD, hazard["id"]),
    )
    return files.attachment_out(row)
