"""The checklist the inspections pin, and the campaigns: per street one campaign a month,
each planning about a third of the street's enterprises, split into three batches (the last
without an agency; a tenth of the plan in no batch), and an inspection per planned
enterprise (submitted, in progress or planned)."""

from __future__ import annotations

import datetime as dt

from safety.demo.benchdata.core import Context

INSPECTION_COLUMNS = (
    "id",
    "kind",
    "campaign",
    "batch",
    "enterprise",
    "checklist",
    "state",
    "scheduled_on",
    "submitted_at",
    "created_at",
)
CAMPAIGN_COLUMNS = (
    "id",
    "name",
    "kind",
    "starts_on",
    "ends_on",
    "org_unit",
    "general_deadline_days",
    "major_deadline_days",
    "created_at",
)
BATCH_COLUMNS = ("id", "campaign", "name", "agency", "starts_on", "ends_on", "created_at")


async def checklist(ctx: Context) -> None:
    """The library's first checklist (``safety migrate`` loads the library), or one made
    here when the schema is bare."""
    found = await ctx.sink.scalar("SELECT MIN(id) FROM checklist_template")
    if found is None:
        found = ctx.take("checklist_template")
        ctx.add(
            "checklist_template",
            ("id", "code", "version", "name", "domain", "published", "created_at"),
            [(found, f"BENCH{ctx.seed}", 1, "基准检查表", "通用", True, ctx.now)],
        )
    ctx.made["checklist"] = found


async def campaigns(ctx: Context) -> None:
    """A campaign a month per street; batches; an inspection per planned enterprise."""
    rng, start = ctx.rng, ctx.today - dt.timedelta(days=364)
    checklist = ctx.made["checklist"]
    inspections: list[tuple[int, int | None, int, dt.date, dt.datetime | None]] = []
    c_rows, ce_rows, b_rows, be_rows, i_rows = [], [], [], [], []
    for street in ctx.made["streets"]:
        pool = ctx.made["enterprises_by_street"][street]
        for month in range(12):
            starts = start + dt.timedelta(days=30 * month)
            ends = starts + dt.timedelta(days=45)
            (cid,) = ctx.new_ids("campaign", 1)
            name = f"{starts:%Y年%m月}专项检查"
            c_rows.append((cid, name, "third_party", starts, ends, street, 15, 60, ctx.now))
            planned = rng.sample(pool, max(1, len(pool) // 3))
            ce_ids = ctx.new_ids("campaign_enterprise", len(planned))
            ce_rows.extend(zip(ce_ids, [cid] * len(planned), planned, strict=True))
            batch_ids = list(ctx.new_ids("batch", 3))
            for k, bid in enumerate(batch_ids):
                agency = ctx.made["agencies"][(month + k) % 5] if k < 2 else None
                b_rows.append((bid, cid, f"第{k + 1}批次", agency, starts, ends, ctx.now))
            for n, eid in enumerate(planned):
                batch = batch_ids[n % 3] if n % 10 else None  # a tenth in no batch
                if batch is not None:
                    (beid,) = ctx.new_ids("batch_enterprise", 1)
                    be_rows.append((beid, batch, eid))
                day = starts + dt.timedelta(days=rng.randrange(40))
                roll = rng.random()
                state = "submitted" if roll < 0.85 else "in_progress" if roll < 0.9 else "planned"
                if day > ctx.today:
                    state = "planned"
                submitted = ctx.at(day, rng.randrange(540, 1080)) if state == "submitted" else None
                if submitted and submitted > ctx.now:
                    state, submitted = "in_progress", None
                (iid,) = ctx.new_ids("inspection", 1)
                i_rows.append(
                    (iid, "campaign", cid, batch, eid, checklist, state, day, submitted, ctx.now)
                )
                if state != "planned":
                    inspections.append((iid, cid, eid, day, submitted))
    ctx.add("campaign", CAMPAIGN_COLUMNS, c_rows)
    ctx.add("campaign_enterprise", ("id", "campaign", "enterprise"), ce_rows)
    ctx.add("batch", BATCH_COLUMNS, b_rows)
    ctx.add("batch_enterprise", ("id", "batch", "enterprise"), be_rows)
    ctx.add("inspection", INSPECTION_COLUMNS, i_rows)
    ctx.made["inspections"] = inspections
