"""The demo's live campaign (fixtures/demo/campaign.json), made through the same services
the officer's and the inspector's pages use, so its rows and audit trail are what the
application makes:

- 2026年冬季安全生产大检查 (seasonal) over 怡园街道, ~40 planned enterprises;
- a first batch of 20 given to the demo agency: ``inspector`` leads, ``inspector2`` is a
  member; the other 20 are in no batch yet (the campaign page shows them "not assigned");
- its inspections on the library's general checklist: one overdue since yesterday, four
  today, one tomorrow (made one by one), the rest three days on (the batch's "create the
  inspections" action);
- today's first one in progress: a few items answered, one failed with its hazard logged
  from the item (text, basis, level), so ``bash .ci/demo`` shows the walk at once.

Dates count from the demo's today, computed when the demo loads in SAFETY_TIMEZONE.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

from safety.actors import actor_from_user
from safety.settings import local_today
from safety.tables import Agency, Enterprise, OrgUnit, User

SPEC = Path(__file__).resolve().parents[2] / "fixtures" / "demo" / "campaign.json"


async def _actor(username: str):
    return actor_from_user(await User.select().where(User.username == username).first().run())


async def _ids_by_code(codes: list[str]) -> dict[str, int]:
    rows = (
        await Enterprise.select(Enterprise.id, Enterprise.uscc)
        .where(Enterprise.uscc.is_in(codes))
        .run()
    )
    return {r["uscc"]: r["id"] for r in rows}


async def load_campaign(today: dt.date | None = None) -> dict[str, Any]:
    """Plan the campaign, its batch and inspections, and start today's first visit.
    Needs the demo's people and the checklist library; returns what it made."""
    from inspections import services
    from inspections.checklists.service import current_of
    from inspections.schemas import (
        BatchIn,
        BatchInspectionsIn,
        CampaignIn,
        HazardIn,
        InspectionIn,
        ResultIn,
    )

    spec = json.loads(SPEC.read_text(encoding="utf-8"))
    today = today or local_today()

    def day(offset: int) -> dt.date:
        return today + dt.timedelta(days=offset)

    c, b, walk = spec["campaign"], spec["batch"], spec["in_progress"]
    officer = await _actor("officer")
    unit = await OrgUnit.select(OrgUnit.id).where(OrgUnit.name == c["org_unit"]).first().run()
    ids = await _ids_by_code(c["enterprises"])
    campaign = await services.create_campaign(
        officer,
        CampaignIn(
            name=c["name"],
            kind=c["kind"],
            starts_on=day(c["starts_in_days"]),
            ends_on=day(c["ends_in_days"]),
            org_unit_id=unit["id"],
            enterprise_ids=[ids[code] for code in c["enterprises"]],
            deadline_days=c["deadline_days"],
            description=c["description"],
        ),
    )
    agency = await Agency.select(Agency.id).where(Agency.name == b["agency"]).first().run()
    lead = await _actor(b["lead"])
    members = [await _actor(name) for name in b["members"]]
    group = [lead.user_id, *(m.user_id for m in members)]
    batch = await services.add_batch(
        officer,
        campaign["id"],
        BatchIn(
            name=b["name"],
            agency_id=agency["id"],
            enterprise_ids=[ids[code] for code in b["enterprises"]],
            inspector_ids=group,
            lead_id=lead.user_id,
            starts_on=day(b["starts_in_days"]),
            ends_on=day(b["ends_in_days"]),
        ),
    )
    checklist = await current_of(b["checklist_code"])
    if checklist is None:
        raise RuntimeError(f"checklist {b['checklist_code']!r} is not in the library")
    made = {}
    for s in b["scheduled"]:
        made[s["uscc"]] = await services.create_inspection(
            officer,
            InspectionIn(
                campaign_id=campaign["id"],
                batch_id=batch["id"],
                enterprise_id=ids[s["uscc"]],
                checklist_id=checklist["id"],
                inspector_ids=group,
                lead_id=lead.user_id,
                scheduled_on=day(s["in_days"]),
            ),
        )
    # Visits already made (back-dated): the live work of the dashboard and the queues.
    from safety.demo.history import walk_live

    await walk_live(campaign, batch, b["enterprises"], today)
    rest = await services.create_batch_inspections(
        officer,
        batch["id"],
        BatchInspectionsIn(checklist_id=checklist["id"], scheduled_on=day(b["rest_in_days"])),
    )

    visit = made[walk["uscc"]]
    await services.start_inspection(lead, visit["id"])
    items = {i["code"]: i for s in checklist["sections"] for i in s["items"]}
    await services.save_results(
        lead,
        visit["id"],
        [
            ResultIn(item_id=items[code]["id"], result=result, note=walk["notes"].get(code, ""))
            for code, result in walk["results"].items()
        ],
    )
    h = walk["hazard"]
    item = items[h["item"]]
    hazard = await services.log_hazard(
        lead,
        visit["id"],
        HazardIn(
            description=h["description"],
            location=h["location"],
            level=item["default_level"],
            category=item["category"],
            subcategory=item["subcategory"],
            factor=h["factor"],
            item_id=item["id"],
            legal_basis=item["legal_basis"],
            major_basis=item.get("major_basis") or "",
            suggestion=h["suggestion"],
        ),
    )
    return {
        "campaign": campaign["id"],
        "batch": batch["id"],
        "inspections": len(made) + rest["created"],
        "in_progress": visit["id"],
        "hazard": hazard["id"],
    }
