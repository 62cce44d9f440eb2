"""The hazards: 60% from campaign inspections, 10% from enterprises' self-inspections (made
here, one per three such hazards), 30% from grid patrols — in every state (closed on time or
late, submitted, rectifying, pending and overdue, voided), a few entered days after the
paper inspection, each with its status history in ``hazard_transition`` and some with
extension requests (approved, refused or pending)."""

from __future__ import annotations

import datetime as dt

from safety.demo.benchdata.campaigns import INSPECTION_COLUMNS
from safety.demo.benchdata.core import Context

# Hazards per flush (bounds the rows held in memory).
CHUNK = 20_000
SUBCATEGORIES = ("电气", "消防", "机械", "特种设备", "危化品", "有限空间", "粉尘", "作业环境")
HAZARD_COLUMNS = (
    "id",
    "inspection",
    "enterprise",
    "campaign",
    "source",
    "description",
    "location",
    "category",
    "subcategory",
    "level",
    "major_basis",
    "found_on",
    "deadline",
    "effective_deadline",
    "status",
    "fixed_on_spot",
    "rectified_on",
    "closed_at",
    "void_reason",
    "created_by",
    "created_at",
    "version",
)
TRANSITION_COLUMNS = ("id", "hazard", "from_status", "to_status", "at", "actor", "note")
EXTENSION_COLUMNS = (
    "id",
    "hazard",
    "new_deadline",
    "reason",
    "status",
    "requested_at",
    "decided_at",
)


async def hazards(ctx: Context) -> None:
    """Hazards with their histories: 60% campaign inspections, 10% self-inspections, 30%
    grid patrols."""
    rng = ctx.rng
    inspections = ctx.made["inspections"]
    enterprise_ids = list(ctx.made["grid_of"])
    year_start = ctx.today - dt.timedelta(days=364)
    n_inspection = int(ctx.hazards * 0.6) if inspections else 0
    n_self = int(ctx.hazards * 0.1)
    n_patrol = ctx.hazards - n_inspection - n_self
    # self-inspections: one per three self-reported hazards
    self_rows, selfs = [], []
    for _ in range((n_self + 2) // 3):
        eid = rng.choice(enterprise_ids)
        day = year_start + dt.timedelta(days=rng.randrange(365))
        at = ctx.at(day, rng.randrange(540, 1080))
        if at > ctx.now:
            day, at = (
                ctx.today - dt.timedelta(days=1),
                ctx.at(ctx.today - dt.timedelta(days=1), 600),
            )
        (iid,) = ctx.new_ids("inspection", 1)
        self_rows.append(
            (iid, "self", None, None, eid, ctx.made["checklist"], "submitted", day, at, ctx.now)
        )
        selfs.append((iid, None, eid, day, at))
    ctx.add("inspection", INSPECTION_COLUMNS, self_rows)
    await ctx.flush()
    h_rows: list[tuple] = []
    t_rows: list[tuple] = []
    x_rows: list[tuple] = []

    async def flush() -> None:
        ctx.add("hazard", HAZARD_COLUMNS, h_rows)
        ctx.add("hazard_transition", TRANSITION_COLUMNS, t_rows)
        ctx.add("extension_request", EXTENSION_COLUMNS, x_rows)
        await ctx.flush()
        h_rows.clear(), t_rows.clear(), x_rows.clear()

    plan = [("inspection", n_inspection), ("self_report", n_self), ("patrol", n_patrol)]
    for source, count in plan:
        for _ in range(count):
            if source == "inspection":
                iid, cid, eid, found, _sub = inspections[rng.randrange(len(inspections))]
            elif source == "self_report":
                iid, cid, eid, found, _sub = selfs[rng.randrange(len(selfs))]
            else:
                iid, cid, eid = None, None, rng.choice(enterprise_ids)
                found = year_start + dt.timedelta(days=rng.randrange(365))
            _one_hazard(ctx, source, iid, cid, eid, found, h_rows, t_rows, x_rows)
            if len(h_rows) >= CHUNK:
                await flush()
    await flush()


def _one_hazard(ctx, source, iid, cid, eid, found, h_rows, t_rows, x_rows) -> None:
    rng = ctx.rng
    (hid,) = ctx.new_ids("hazard", 1)
    level = "major" if rng.random() < 0.04 else "general"
    deadline = found + dt.timedelta(days=60 if level == "major" else 15)
    # most are entered the day they are found; 5% days later (a paper inspection)
    delay = 0 if rng.random() < 0.95 else rng.randrange(1, 21)
    created = ctx.at(found + dt.timedelta(days=delay), rng.randrange(480, 1200))
    if created > ctx.now:
        created = ctx.now - dt.timedelta(minutes=rng.randrange(1, 600))
    history = [("", "pending", created)]
    effective = deadline
    fixed = level == "general" and source == "inspection" and rng.random() < 0.08
    rectified_on = closed_at = None
    status, at = "pending", created
    roll = rng.random()

    def step(to: str, days: float) -> bool:
        nonlocal status, at
        nxt = at + dt.timedelta(days=days, minutes=rng.randrange(0, 600))
        if nxt > ctx.now:
            return False
        history.append((status, to, nxt))
        status, at = to, nxt
        return True

    if fixed:
        history.append(("pending", "closed", created))
        status, rectified_on, closed_at = "closed", found, created
    elif roll < 0.03:
        step("voided", rng.uniform(0, 10))
    else:
        if rng.random() < 0.06:  # an extension request, decided (mostly approved) or not
            effective = _extension(ctx, hid, created, deadline, x_rows) or effective
        target = rng.random()
        span = (effective - found).days
        if level == "major":  # a major hazard needs its 五落实 plan first
            step("rectifying", rng.uniform(1, 8))
        if target < 0.78:  # done: submitted, verified (a few fail once first)
            if step("submitted", rng.uniform(0.5, span * 1.3 + 1)):
                if rng.random() < 0.08 and step("rectifying", rng.uniform(0.5, 3)):
                    step("submitted", rng.uniform(0.5, 5))
                if status == "submitted" and step("closed", rng.uniform(0.2, 4)):
                    rectified_on = ctx.local_date(history[-2][2])
                    closed_at = at
        elif target < 0.86:
            step("submitted", rng.uniform(0.5, span + 5))
        elif target < 0.94 and status == "pending":
            step("rectifying", rng.uniform(0.5, 10))
    h_rows.append(
        (
            hid,
            iid,
            eid,
            cid,
            source,
            "基准隐患：配电箱未接地",
            "车间",
            "site",
            rng.choice(SUBCATEGORIES),
            level,
            "",
            found,
            deadline,
            effective,
            status,
            fixed,
            rectified_on,
            closed_at,
            "重复录入" if status == "voided" else "",
            None,
            created,
            1,
        )
    )
    for frm, to, when in history:
        (tid,) = ctx.new_ids("hazard_transition", 1)
        note = "立行立改" if fixed and to == "closed" else ""
        t_rows.append((tid, hid, frm, to, when, None, note))


def _extension(
    ctx: Context, hid: int, created: dt.datetime, deadline: dt.date, x_rows: list[tuple]
) -> dt.date | None:
    """An extension request of the hazard; the new deadline when it was approved."""
    rng = ctx.rng
    (xid,) = ctx.new_ids("extension_request", 1)
    asked = created + dt.timedelta(days=rng.uniform(1, 12))
    decided = asked + dt.timedelta(days=rng.uniform(0, 3))
    new = deadline + dt.timedelta(days=rng.randrange(7, 45))
    outcome = rng.choice(("approved", "approved", "approved", "refused", "pending"))
    if asked > ctx.now:
        outcome, asked = "pending", ctx.now
    if outcome != "pending" and decided > ctx.now:
        outcome = "pending"
    x_rows.append(
        (xid, hid, new, "设备到货延迟", outcome, asked, decided if outcome != "pending" else None)
    )
    return new if outcome == "approved" else None
