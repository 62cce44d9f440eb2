"""The demo's past, made through today's services (fixtures/demo/history.json, findings.json).

- 2020年冬季安全生产大检查 (seasonal): 96 planned enterprises in two expert groups, every one
  inspected, 300+ hazards, every one closed (验收销号): inspected 96 of 96, 整改率 100 %.
- 2025年度第三方专家安全隐患排查 (third_party): 第一批次 16 enterprises, 第二批次 30, all
  hazards closed.
- The live campaign's first visits (``walk_live``, called by ``safety.demo.campaign``):
  open, overdue, major, awaiting verification and an extension request, so the officer's
  queues and the dashboard show work in progress.

Everything goes through the services the pages use — create the campaign, its batches and
inspections, start, answer every item, log the hazards from the failed items, sign,
submit; then the enterprise's contact plans (五落实 for a major hazard), submits evidence or
asks for an extension, and the officer verifies (once in a while failing a first
submission) — each at its own back-dated moment (``safety.demo.clock``), in time order, so
the history (``hazard_transition.at``, ``submitted_at``, ``closed_at``, ``rectified_on``,
the audit trail) is what the figures "as of a date" read. No figure is inserted.

This module makes the campaigns, their batches and the visits; a hazard's life after the
visit is ``safety.demo.hazards``; the timeline, people and fixtures ``safety.demo.world``.
"""

from __future__ import annotations

import datetime as dt

from safety.actors import Actor
from safety.demo.clock import backdated, travel_to
from safety.demo.hazards import closed_flow, rectify
from safety.demo.world import (
    World,
    actor_named,
    import_services,
    lean_replies,
    make_world,
    read_fixture,
)
from safety.tables import Agency, Enterprise, OrgUnit

# ---------------------------------------------------------------- one visit


async def _visit(
    world: World,
    inspection: dict,
    lead: Actor,
    checklist: dict,
    hazards: list[tuple[dict, str, dt.date | None]],
) -> None:
    """The walk of one planned inspection on its day: start, answer every item (failed
    where a hazard is found), log the hazards, both signatures, submit."""
    from inspections import services
    from inspections.schemas import HazardIn, ResultIn

    items = {i["code"]: i for s in checklist["sections"] for i in s["items"]}
    failed = {finding["item"]: finding for finding, _, _ in hazards}
    await services.start_inspection(lead, inspection["id"])
    await services.save_results(
        lead,
        inspection["id"],
        [
            ResultIn(
                item_id=item["id"],
                result="fail" if code in failed else "pass",
                note=failed[code]["description"][:200] if code in failed else "",
            )
            for code, item in items.items()
        ],
    )
    for finding, flow, deadline in hazards:
        item = items[finding["item"]]
        hazard = await services.log_hazard(
            lead,
            inspection["id"],
            HazardIn(
                description=finding["description"],
                location=finding["location"],
                level=item["default_level"],
                category=item["category"],
                subcategory=item["subcategory"],
                factor=finding["factor"],
                item_id=item["id"],
                legal_basis=item["legal_basis"],
                major_basis=item.get("major_basis") or "",
                suggestion=finding["suggestion"],
                deadline=deadline,
                fixed_on_spot=flow == "spot",
            ),
        )
        world.made["hazards"] = world.made.get("hazards", 0) + 1
        if flow != "spot":
            rectify(world, {**hazard, "enterprise_id": inspection["enterprise_id"]}, finding, flow)
    contact = world.contacts[inspection["enterprise_id"]]
    await services.add_signature(
        lead, inspection["id"], "inspector", lead.display_name, content=world.signature
    )
    await services.add_signature(
        lead, inspection["id"], "enterprise", contact.display_name, content=world.signature
    )
    await services.submit_inspection(lead, inspection["id"])
    world.made["inspections"] = world.made.get("inspections", 0) + 1


# ---------------------------------------------------------------- campaigns


async def _campaign(world: World, spec: dict, enterprises: list[dict], findings: dict) -> None:
    from inspections import services
    from inspections.checklists.service import current_of
    from inspections.schemas import BatchIn, CampaignIn, InspectionIn

    rng = world.rng
    street = await OrgUnit.select(OrgUnit.id).where(OrgUnit.kind == "street").first().run()
    agency = await Agency.select(Agency.id).first().run()
    planned = sorted(
        {i for b in spec["batches"] for i in range(b["enterprises"][0], b["enterprises"][1])}
    )
    travel_to(dt.date.fromisoformat(spec["planned_on"]), 9, 0)
    campaign = await services.create_campaign(
        world.officer,
        CampaignIn(
            name=spec["name"],
            kind=spec["kind"],
            starts_on=dt.date.fromisoformat(spec["starts_on"]),
            ends_on=dt.date.fromisoformat(spec["ends_on"]),
            org_unit_id=street["id"],
            enterprise_ids=[enterprises[i]["id"] for i in planned],
            deadline_days=spec["deadline_days"],
            description=spec["description"],
        ),
    )
    for b in spec["batches"]:
        members = [enterprises[i] for i in range(*b["enterprises"])]
        lead = await actor_named(b["lead"])
        group = [lead.user_id, *[(await actor_named(m)).user_id for m in b["members"]]]
        batch = await services.add_batch(
            world.officer,
            campaign["id"],
            BatchIn(
                name=b["name"],
                agency_id=agency["id"],
                enterprise_ids=[e["id"] for e in members],
                inspector_ids=group,
                lead_id=lead.user_id,
                starts_on=dt.date.fromisoformat(b["starts_on"]),
                ends_on=dt.date.fromisoformat(b["ends_on"]),
            ),
        )
        checklist = await current_of(b["checklist"])
        start = dt.date.fromisoformat(b["starts_on"])
        workdays = [
            d
            for d in (
                start + dt.timedelta(days=n)
                for n in range((dt.date.fromisoformat(b["ends_on"]) - start).days - 7)
            )
            if d.weekday() < 5
        ]
        for k, ent in enumerate(members):
            on = workdays[(k * len(workdays)) // len(members)]
            inspection = await services.create_inspection(
                world.officer,
                InspectionIn(
                    campaign_id=campaign["id"],
                    batch_id=batch["id"],
                    enterprise_id=ent["id"],
                    checklist_id=checklist["id"],
                    inspector_ids=group,
                    lead_id=lead.user_id,
                    scheduled_on=on,
                ),
            )
            by_item: dict[str, list[dict]] = {}
            for finding in findings[b["checklist"]]:
                by_item.setdefault(finding["item"], []).append(finding)
            items = rng.sample(sorted(by_item), min(len(by_item), rng.choice(b["hazards"])))
            chosen = [rng.choice(by_item[code]) for code in items]  # one hazard per item
            found = [(f, closed_flow(_level(checklist, f), rng), None) for f in chosen]

            async def walk(inspection=inspection, lead=lead, checklist=checklist, found=found):
                await _visit(world, inspection, lead, checklist, found)

            world.timeline.at(on, 9 + (k % 3), rng.randrange(0, 60), walk)


def _level(checklist: dict, finding: dict) -> str:
    for s in checklist["sections"]:
        for i in s["items"]:
            if i["code"] == finding["item"]:
                return i["default_level"]
    raise KeyError(finding["item"])


async def _enterprises() -> list[dict]:
    return await Enterprise.select().order_by(Enterprise.id).run()


async def load_history() -> dict[str, int]:
    """The past campaigns (history.json), played in time order on the demo clock."""
    spec, findings = read_fixture("history.json"), read_fixture("findings.json")
    enterprises = await _enterprises()
    first = min(dt.date.fromisoformat(c["planned_on"]) for c in spec["campaigns"])
    import_services()
    with backdated(first), lean_replies():
        world = await make_world(
            [
                enterprises[i]
                for c in spec["campaigns"]
                for b in c["batches"]
                for i in range(*b["enterprises"])
            ],
            spec["seed"],
        )
        for campaign in sorted(spec["campaigns"], key=lambda c: c["planned_on"]):
            await _campaign(world, campaign, enterprises, findings)
            await world.timeline.play()
    return world.made


async def walk_live(campaign: dict, batch: dict, codes: list[str], today: dt.date) -> list[int]:
    """The live campaign's visits already made (history.json ``live``): inspections of the
    first batch's enterprises ``codes[i]``, walked on their back-dated days, their hazards
    left open, overdue, awaiting verification… Returns the enterprises so visited."""
    from inspections import services
    from inspections.checklists.service import current_of
    from inspections.schemas import InspectionIn

    spec, findings = read_fixture("history.json")["live"], read_fixture("findings.json")["general"]
    rows = {
        r["uscc"]: r for r in await Enterprise.select().where(Enterprise.uscc.is_in(codes)).run()
    }
    visits = [(rows[codes[v["enterprise_index"]]], v) for v in spec["visits"]]
    first = today + dt.timedelta(days=min(v["in_days"] for _, v in visits) - 2)
    now = dt.datetime.now(dt.UTC)
    import_services()
    lead = await actor_named("inspector")
    member = await actor_named("inspector2")
    with backdated(first), lean_replies():
        world = await make_world([e for e, _ in visits], 2026)
        checklist = await current_of("general")
        for ent, v in visits:
            on = today + dt.timedelta(days=v["in_days"])
            inspection = await services.create_inspection(
                world.officer,
                InspectionIn(
                    campaign_id=campaign["id"],
                    batch_id=batch["id"],
                    enterprise_id=ent["id"],
                    checklist_id=checklist["id"],
                    inspector_ids=[lead.user_id, member.user_id],
                    lead_id=lead.user_id,
                    scheduled_on=on,
                ),
            )
            found = [
                (
                    findings[h["finding"]],
                    h["flow"],
                    on + dt.timedelta(days=h["deadline_in_days"] - v["in_days"])
                    if "deadline_in_days" in h
                    else None,
                )
                for h in v["hazards"]
            ]

            async def walk(inspection=inspection, checklist=checklist, found=found):
                await _visit(world, inspection, lead, checklist, found)

            world.timeline.at(on, 9, 30, walk)
        await world.timeline.play(until=now)
    return [e["id"] for e, _ in visits]
