"""Signatures of an inspection (签字): the inspector's and the enterprise representative's,
each a drawn image (a canvas → PNG on the phone) with the signer's name, or — for the
enterprise only — a recorded refusal with its reason (拒签), as on paper.

A new signature replaces the old one (the old image stays stored, owned by the inspection,
and the audit trail keeps both). Only while the inspection is in progress (409 otherwise).
The image is an attachment of owner type ``inspection`` (kind ``signature``), served to
whoever may see the inspection.
"""

from __future__ import annotations

from inspections import rules
from inspections.services import views
from inspections.services.inspections import group_row
from inspections.tables import Inspection
from safety import audit
from safety.actors import Actor
from safety.db import write_transaction
from safety.errors import ValidationFailed

OWNER = "inspection"


async def add_signature(
    actor: Actor,
    inspection_id: int,
    signer: str,
    signer_name: str = "",
    refused_reason: str = "",
    content: bytes | None = None,
    filename: str = "signature.png",
) -> dict:
    """Record ``signer``'s signature (``content``: the image bytes) or the enterprise's
    refusal (``refused_reason``). Returns the inspection's ``signatures``."""
    row = await group_row(actor, inspection_id)
    rules.require_editable(row["state"], "签字")
    errors = rules.check_signature(signer, signer_name, content is not None, refused_reason)
    if row["kind"] == rules.SELF:
        errors += rules.self_signature_problems(signer, refused_reason)
    if errors:
        raise ValidationFailed("签字信息有误", errors)
    attachment_id = None
    signature_sha256 = None
    if content is not None:
        from safety.files import store as files

        attachment = await files.save_bytes(
            content,
            filename=filename or "signature.png",
            owner_type=OWNER,
            owner_id=row["id"],
            kind="signature",
            actor=actor,
        )
        attachment_id = attachment["id"] if isinstance(attachment, dict) else attachment.id
        signature_sha256 = (
            attachment["sha256"] if isinstance(attachment, dict) else attachment.sha256
        )
    name = signer_name.strip()
    reason = refused_reason.strip()
    async with write_transaction():
        current = await Inspection.select().where(Inspection.id == row["id"]).first().run()
        rules.require_editable(current["state"], "签字")
        if signer == "inspector":
            values = {
                Inspection.inspector_signature: attachment_id,
                Inspection.inspector_signer_name: name,
            }
            before = {
                "signature": current["inspector_signature"],
                "signer_name": current["inspector_signer_name"],
            }
        else:
            values = {
                Inspection.enterprise_signature: attachment_id,
                Inspection.enterprise_signer_name: name,
                Inspection.enterprise_refused_reason: reason,
            }
            before = {
                "signature": current["enterprise_signature"],
                "signer_name": current["enterprise_signer_name"],
                "refused_reason": current["enterprise_refused_reason"],
            }
        await (
            Inspection.update({**values, Inspection.version: current["version"] + 1})
            .where(Inspection.id == row["id"])
            .run()
        )
        await audit.record(
            actor,
            "inspection.refuse_signature" if reason else "inspection.sign",
            "inspection",
            row["id"],
            before={"signer": signer, **before},
            after={
                "signer": signer,
                "signature": attachment_id,
                # The image's bytes, as its upload event (attachment.create) has them: the
                # signing event itself names what was signed with.
                "signature_sha256": signature_sha256,
                "signer_name": name,
                "refused_reason": reason,
            },
        )
    updated = await Inspection.select().where(Inspection.id == row["id"]).first().run()
    stored = await views.attachments_by_id(
        [updated["inspector_signature"], updated["enterprise_signature"]]
    )
    return views.signatures(updated, stored)
