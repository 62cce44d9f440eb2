"""Evidence as the rules now want it (rectification.rules.evidence_photo_problems): an
after-photo uploaded by the enterprise's contact, then the submission with it."""

from __future__ import annotations

import datetime as dt

from inspections.services.photos import add_hazard_photo
from rectification import services as rect
from rectification.schemas import SubmissionIn
from safety.actors import Actor
from tests.inspections import factories as fi


async def after_photo(actor: Actor, hazard_id: int) -> int:
    row = await add_hazard_photo(actor, hazard_id, fi.jpeg(), "after.jpg", "rectified")
    return row["id"]


async def submit(actor: Actor, hazard_id: int, description: str, completed_on: dt.date) -> dict:
    photo = await after_photo(actor, hazard_id)
    return await rect.submit_evidence(
        actor,
        hazard_id,
        SubmissionIn(description=description, completed_on=completed_on, photo_ids=[photo]),
    )
