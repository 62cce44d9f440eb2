"""What the rectification use cases share: the hazard re-read and moved inside the write
transaction (with its ``HazardTransition``), the notifications of the people a change
concerns, the enterprise-only check and the validation error; and the owner type of the
after-photos once submitted, whose files whoever may see the hazard may see."""

from __future__ import annotations

import datetime as dt
from typing import Any

from inspections.services.scope import hazard_row
from inspections.tables import Hazard, HazardTransition
from rectification.tables import EvidenceSubmission
from safety.actors import Actor
from safety.errors import Forbidden, NotFound, ValidationFailed
from safety.files import store as files
from safety.notifications.service import notify
from safety.tables import Enterprise, Role
from safety.text import short

SUBMISSION = "evidence_submission"  # owner type of after-photos once submitted


async def _can_see_submission(actor: Actor, submission_id: int) -> None:
    row = (
        await EvidenceSubmission.select(EvidenceSubmission.hazard)
        .where(EvidenceSubmission.id == submission_id)
        .first()
        .run()
    )
    if row is None:
        raise NotFound("文件不存在")
    await hazard_row(actor, row["hazard"])


files.register_owner(SUBMISSION, _can_see_submission)


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


async def _tell(
    actor: Actor, users: list[int], hazard: dict, kind: str, title: str, body: str = ""
) -> None:
    """Notify ``users`` of a change to ``hazard`` — not the one who made it (an enterprise
    closing its own self-found hazard was told "隐患已验收销号" of its own act)."""
    users = [u for u in users if u != actor.user_id]
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
        body=body or short(hazard["description"], 120),
        link=f"/hazards/{hazard['id']}",
        object_type="hazard",
        object_id=hazard["id"],
    )


def _require_own_enterprise(actor: Actor, hazard: dict, what: str) -> None:
    if actor.role != Role.enterprise:
        raise Forbidden(f"只有企业联系人可以{what}")
    if hazard["enterprise"] != actor.enterprise_id:  # hazard_row already scoped it
        raise NotFound("隐患不存在")


def _errors(errors: list[dict[str, str]], message: str) -> None:
    if errors:
        raise ValidationFailed(message, errors)


def _plain(row: dict | None) -> dict | None:
    if row is None:
        return None
    return {
        k: (v.isoformat() if isinstance(v, dt.date | dt.datetime) else v) for k, v in row.items()
    }
