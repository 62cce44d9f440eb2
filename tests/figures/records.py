"""Generated histories for the figures' property tests, and the plain Python computation
of the figures over them (the reference the SQL must equal).

A world per example: a street with two communities (A: grids A1, A2; B: grid B1), four
enterprises, a campaign with a random plan, two batches (one with an agency), inspections
(some submitted, at random instants), and hazards with random histories: back-dated
found days, status walks (voided and closed included), extension requests approved or
refused at random instants. Times fall in the last ~40 days, at any minute, so day
boundaries in the configured zone are crossed both ways. Rows are inserted in bulk,
straight into the tables; each example makes a fresh street, so examples never meet.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from hypothesis import strategies as st

from inspections.tables import Hazard, HazardTransition, Inspection
from rectification.figures.definitions import end_of_day
from rectification.tables import ExtensionRequest
from safety.actors import SYSTEM
from safety.orgs import OrgUnitIn, create_org_unit
from safety.settings import get_settings
from safety.tables import (
    Batch,
    BatchEnterprise,
    Campaign,
    CampaignEnterprise,
)
from tests import factories as f

DAY = 1440  # minutes
SPAN = 38 * DAY
NEXT = {
    "pending": ("rectifying", "submitted", "closed", "voided"),
    "rectifying": ("submitted", "voided"),
    "submitted": ("closed", "rectifying", "voided"),
    "closed": (),
    "voided": (),
}
# enterprise index -> (grid name, industry)
ENTERPRISES = (("A1", "C"), ("A2", "F"), ("B1", "C"), ("B1", None))


@st.composite
def hazard_specs(draw, inspections: int) -> dict:
    created = draw(st.integers(0, SPAN - 2 * DAY))
    steps = []
    status, at = "pending", created
    for _ in range(draw(st.integers(0, 4))):
        options = NEXT[status]
        if not options:
            break
        status = draw(st.sampled_from(options))
        at = min(at + draw(st.integers(0, 6 * DAY)), SPAN)  # never in the future
        steps.append((status, at))
    extensions = [
        (
            draw(st.integers(created, min(created + 20 * DAY, SPAN))),  # decided at
            draw(st.integers(-5, 40)),  # new deadline, days after the original
            draw(st.sampled_from(("approved", "refused", "pending"))),
        )
        for _ in range(draw(st.integers(0, 2)))
    ]
    return {
        "inspection": draw(st.integers(0, inspections - 1)),
        "level": draw(st.sampled_from(("general", "major"))),
        "created": created,
        "backdate": draw(st.sampled_from((0, 0, 0, 1, 9))),  # found days before entered
        "deadline": draw(st.integers(0, 20)),
        "steps": steps,
        "extensions": extensions,
        "rectified": draw(st.integers(-3, 25)),  # days after found
    }


@st.composite
def worlds(draw) -> dict:
    planned = draw(st.sets(st.integers(0, 3)))
    batches = {e: draw(st.sets(st.integers(0, 1))) for e in sorted(planned)}
    inspections = draw(
        st.lists(
            st.tuples(
                st.integers(0, 3),  # enterprise
                st.sampled_from((None, 0, 1)),  # batch
                st.one_of(st.none(), st.integers(0, SPAN)),  # submitted at (None: not yet)
            ),
            max_size=5,
        )
    )
    hazards = draw(st.lists(hazard_specs(len(inspections)), max_size=12)) if inspections else []
    return {"planned": planned, "batches": batches, "inspections": inspections, "hazards": hazards}


@dataclass
class Made:
    """What was inserted, in the shape the reference computation reads."""

    campaign_id: int
    street: dict
    communities: dict[str, dict]
    grids: dict[str, dict]
    enterprises: list[dict]
    batch_ids: list[int]
    agency_id: int
    planned: set[int]  # enterprise ids
    batch_members: set[tuple[int, int]]  # (batch id, enterprise id)
    inspections: list[dict]
    hazards: list[dict] = field(default_factory=list)
    transitions: list[dict] = field(default_factory=list)
    extensions: list[dict] = field(default_factory=list)


def _base() -> dt.datetime:
    now = dt.datetime.now(dt.UTC).replace(second=0, microsecond=0)
    return now - dt.timedelta(minutes=SPAN + 2 * DAY)


def _local_day(at: dt.datetime) -> dt.date:
    return at.astimezone(ZoneInfo(get_settings().timezone)).date()


async def insert(spec: dict, agency: dict, checklist_id: int, street: dict | None = None) -> Made:
    """The world of ``spec`` in a fresh street (or, given ``street``, in fresh communities
    of that one: several campaigns side by side)."""
    i = f.n()
    if street is None:
        street = await create_org_unit(SYSTEM, OrgUnitIn(name=f"属性街道{i}", kind="street"))
    communities, grids = {}, {}
    for name in ("A", "B"):
        communities[name] = await create_org_unit(
            SYSTEM, OrgUnitIn(name=f"{name}社区{i}", kind="community", parent_id=street["id"])
        )
    for name in ("A1", "A2", "B1"):
        grids[name] = await create_org_unit(
            SYSTEM,
            OrgUnitIn(name=f"{name}网格{i}", kind="grid", parent_id=communities[name[0]]["id"]),
        )
    enterprises = []
    for grid, industry in ENTERPRISES:
        enterprises.append(await f.enterprise(grids[grid]["id"], industry=industry))
    base = _base()
    campaign = Campaign(
        name=f"属性活动{i}",
        kind="seasonal",
        starts_on=base.date(),
        ends_on=base.date() + dt.timedelta(days=60),
        org_unit=street["id"],
    )
    await campaign.save().run()
    planned = {enterprises[e]["id"] for e in spec["planned"]}
    if planned:
        await CampaignEnterprise.insert(
            *[CampaignEnterprise(campaign=campaign.id, enterprise=e) for e in sorted(planned)]
        ).run()
    batch_ids = []
    for k in range(2):
        batch = Batch(
            campaign=campaign.id,
            name=f"第{k + 1}批次",
            agency=agency["id"] if k == 0 else None,
            starts_on=base.date(),
            ends_on=base.date() + dt.timedelta(days=30),
        )
        await batch.save().run()
        batch_ids.append(batch.id)
    members = {
        (batch_ids[b], enterprises[e]["id"]) for e, bs in spec["batches"].items() for b in bs
    }
    if members:
        await BatchEnterprise.insert(
            *[BatchEnterprise(batch=b, enterprise=e) for b, e in sorted(members)]
        ).run()
    inspections = []
    for e, b, submitted in spec["inspections"]:
        at = None if submitted is None else base + dt.timedelta(minutes=submitted)
        row = Inspection(
            kind="campaign",
            campaign=campaign.id,
            batch=None if b is None else batch_ids[b],
            enterprise=enterprises[e]["id"],
            checklist=checklist_id,
            state="in_progress" if at is None else "submitted",
            scheduled_on=base.date(),
            submitted_at=at,
        )
        await row.save().run()
        inspections.append(
            {
                "id": row.id,
                "enterprise": enterprises[e]["id"],
                "batch": row.batch,
                "state": row.state,
                "submitted_at": at,
            }
        )
    made = Made(
        campaign_id=campaign.id,
        street=street,
        communities=communities,
        grids=grids,
        enterprises=enterprises,
        batch_ids=batch_ids,
        agency_id=agency["id"],
        planned=planned,
        batch_members=members,
        inspections=inspections,
    )
    for h in spec["hazards"]:
        await _insert_hazard(made, h, base)
    return made


async def _insert_hazard(made: Made, h: dict, base: dt.datetime) -> None:
    inspection = made.inspections[h["inspection"]]
    created = base + dt.timedelta(minutes=h["created"])
    found_on = _local_day(created) - dt.timedelta(days=h["backdate"])
    deadline = found_on + dt.timedelta(days=h["deadline"])
    history = [("", "pending", created)] + [
        (prev, to, base + dt.timedelta(minutes=at))
        for prev, (to, at) in zip(
            ["pending"] + [s for s, _ in h["steps"]], h["steps"], strict=False
        )
    ]
    status = history[-1][1]
    closed_at = history[-1][2] if status == "closed" else None
    extensions = []
    effective = deadline
    for decided, days, outcome in h["extensions"]:
        at = base + dt.timedelta(minutes=decided)
        extensions.append(
            {
                "new_deadline": deadline + dt.timedelta(days=days),
                "status": outcome,
                "decided_at": None if outcome == "pending" else at,
            }
        )
    for x in sorted(extensions, key=lambda x: x["decided_at"] or base):  # stable: by id
        if x["status"] == "approved":
            effective = x["new_deadline"]
    row = Hazard(
        inspection=inspection["id"],
        enterprise=inspection["enterprise"],
        campaign=made.campaign_id,
        source="inspection",
        description="属性测试隐患",
        category="site",
        level=h["level"],
        found_on=found_on,
        deadline=deadline,
        effective_deadline=effective,
        status=status,
        rectified_on=found_on + dt.timedelta(days=h["rectified"]) if closed_at else None,
        closed_at=closed_at,
        created_at=created,
    )
    await row.save().run()
    transitions = [
        HazardTransition(hazard=row.id, from_status=a, to_status=b, at=at) for a, b, at in history
    ]
    ids = await HazardTransition.insert(*transitions).run()
    for x in extensions:
        request = ExtensionRequest(
            hazard=row.id,
            new_deadline=x["new_deadline"],
            reason="待料",
            status=x["status"],
            decided_at=x["decided_at"],
        )
        await request.save().run()
        made.extensions.append({**x, "id": request.id, "hazard": row.id})
    made.hazards.append(
        {
            "id": row.id,
            "inspection": inspection["id"],
            "enterprise": inspection["enterprise"],
            "level": h["level"],
            "deadline": deadline,
            "rectified_on": row.rectified_on,
            "created_at": created,
        }
    )
    made.transitions.extend(
        {"id": made_id["id"], "hazard": row.id, "to_status": t.to_status, "at": t.at}
        for t, made_id in zip(transitions, ids, strict=True)
    )


# ---------------------------------------------------------------- the reference


def _community_of(made: Made, enterprise_id: int) -> int:
    grid = next(e for e in made.enterprises if e["id"] == enterprise_id)["org_unit"]
    return next(g["parent"] for g in made.grids.values() if g["id"] == grid)


def group_of(made: Made, group_by: str | None, hazard: dict) -> object:
    inspection = next(i for i in made.inspections if i["id"] == hazard["inspection"])
    enterprise = next(e for e in made.enterprises if e["id"] == hazard["enterprise"])
    return {
        None: None,
        "batch": inspection["batch"],
        "agency": made.agency_id if inspection["batch"] == made.batch_ids[0] else None,
        "grid": enterprise["org_unit"],
        "community": _community_of(made, enterprise["id"]),
        "industry": enterprise["industry"],
    }[group_by]


def enterprise_groups(made: Made, group_by: str | None, enterprise_id: int) -> set:
    enterprise = next(e for e in made.enterprises if e["id"] == enterprise_id)
    batches = {b for b, e in made.batch_members if e == enterprise_id}
    if group_by == "batch":
        return batches or {None}
    if group_by == "agency":
        return {made.agency_id if b == made.batch_ids[0] else None for b in batches} or {None}
    return {
        None: {None},
        "grid": {enterprise["org_unit"]},
        "community": {_community_of(made, enterprise_id)},
        "industry": {enterprise["industry"]},
    }[group_by]


def hazard_state(made: Made, hazard: dict, day: dt.date) -> tuple[str | None, dt.date]:
    """(status, effective deadline) of a hazard as the system knew it at the end of day."""
    end = end_of_day(day, get_settings().timezone)
    if not hazard["created_at"] < end:
        return None, hazard["deadline"]
    known = [t for t in made.transitions if t["hazard"] == hazard["id"] and t["at"] < end]
    status = max(known, key=lambda t: (t["at"], t["id"]))["to_status"] if known else None
    approved = [
        x
        for x in made.extensions
        if x["hazard"] == hazard["id"] and x["status"] == "approved" and x["decided_at"] < end
    ]
    effective = (
        max(approved, key=lambda x: (x["decided_at"], x["id"]))["new_deadline"]
        if approved
        else hazard["deadline"]
    )
    return status, effective


def hazard_figures(made: Made, hazard: dict, day: dt.date) -> set[str]:
    """The figures a hazard counts in, as of day."""
    status, effective = hazard_state(made, hazard, day)
    out = set()
    if status is None or status == "voided":
        return out
    out.add("found")
    out.add(hazard["level"])  # major / general
    if status == "closed":
        out.add("closed")
        out.add(f"{hazard['level']}_closed")
        if hazard["rectified_on"] is not None and hazard["rectified_on"] <= effective:
            out.add("on_time")
    else:
        out.add("open")
        if status in ("pending", "rectifying") and day > effective:
            out.add("overdue")
    return out


def inspected(made: Made, enterprise_id: int, day: dt.date) -> bool:
    end = end_of_day(day, get_settings().timezone)
    return any(
        i["enterprise"] == enterprise_id
        and i["state"] == "submitted"
        and i["submitted_at"] is not None
        and i["submitted_at"] < end
        for i in made.inspections
    )


def reference(
    made: Made, day: dt.date, group_by: str | None, enterprises_in_scope: set[int]
) -> dict[object, dict[str, int]]:
    """Counts per group key (key None for the totals without group_by)."""
    out: dict[object, dict[str, int]] = {}

    def bucket(key: object) -> dict[str, int]:
        return out.setdefault(key, {})

    for hazard in made.hazards:
        if hazard["enterprise"] not in enterprises_in_scope:
            continue
        counts = bucket(group_of(made, group_by, hazard))
        for name in hazard_figures(made, hazard, day):
            counts[name] = counts.get(name, 0) + 1
    for enterprise_id in made.planned & enterprises_in_scope:
        done = inspected(made, enterprise_id, day)
        for key in enterprise_groups(made, group_by, enterprise_id):
            counts = bucket(key)
            counts["planned"] = counts.get("planned", 0) + 1
            counts["inspected"] = counts.get("inspected", 0) + int(done)
    return out
