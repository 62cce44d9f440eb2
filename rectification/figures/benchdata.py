"""``safety bench-data``: realistic synthetic data at scale, fast (benchmarks, load tests).

Extensible: the data is made by *areas*, functions ``area(ctx: Context) -> None`` run in
the order of ``AREAS``. Each appends rows with ``ctx.add(table, columns, rows)`` (ids are
assigned by the generator, ``ctx.new_ids(table, n)``, so no round trip is needed to learn
them) and leaves what later areas need in ``ctx.made`` (e.g. ``ctx.made["grids"]``). A new
area (the grid workers' patrol reports and logs, say) is a function appended with
``register_area(fn)``; it reads ``ctx.made`` and ``ctx.rng`` and adds its rows.

Rows are written in chunks of multi-row writes: ``executemany`` in one transaction on
SQLite, ``COPY`` (asyncpg ``copy_records_to_table``) on PostgreSQL; afterwards the
PostgreSQL id sequences are moved past the ids used and the tables analysed.

What it makes (a year up to today, in the configured time zone): per 5,000 enterprises a
street of 24 communities × 5 grids; five agencies; enterprises of GB/T 4754 sections
(mostly C 制造业) with valid 统一社会信用代码; per street one campaign a month, each
planning about a third of the street's enterprises, split into three batches (the last
without an agency); an inspection per planned enterprise (submitted, in progress or
planned); hazards — 60% from campaign inspections, 10% from enterprises' self-inspections,
30% from grid patrols — in every state (closed on time or late, submitted, rectifying,
pending and overdue, voided), a few entered days after the paper inspection, each with its
status history in ``hazard_transition`` and some with extension requests (approved,
refused or pending).
"""

from __future__ import annotations

import asyncio
import datetime as dt
import random
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from zoneinfo import ZoneInfo

from safety.rules import make_uscc

CHUNK = 20_000
COMMUNITIES, GRIDS_PER_COMMUNITY = 24, 5
ENTERPRISES_PER_STREET = 5_000
INDUSTRIES = ("C",) * 12 + ("F",) * 3 + ("G", "G", "H", "H", "E", "O", "L", "D")
SUBCATEGORIES = ("电气", "消防", "机械", "特种设备", "危化品", "有限空间", "粉尘", "作业环境")
NAMES = ("恒达", "鑫源", "华泰", "金盛", "永安", "瑞丰", "宏远", "立信", "嘉诚", "顺发")
TRADES = ("金属制品", "机械加工", "食品", "包装材料", "建材", "物流", "商贸", "餐饮")


@dataclass
class Context:
    """What every area shares: the random source, the sizes, the clock, the row buffers
    and what earlier areas made (``made``)."""

    rng: random.Random
    enterprises: int
    hazards: int
    tag: int
    today: dt.date
    zone: ZoneInfo
    now: dt.datetime
    next_id: dict[str, int]
    sink: Any
    made: dict[str, Any] = field(default_factory=dict)
    counts: dict[str, int] = field(default_factory=dict)
    _buffers: dict[str, tuple[tuple[str, ...], list[tuple]]] = field(default_factory=dict)

    def new_ids(self, table: str, n: int) -> range:
        start = self.next_id.get(table, 1)
        self.next_id[table] = start + n
        return range(start, start + n)

    async def add(self, table: str, columns: tuple[str, ...], rows: list[tuple]) -> None:
        cols, buffer = self._buffers.setdefault(table, (columns, []))
        assert cols == columns, f"{table}: one column list per table"
        buffer.extend(rows)
        self.counts[table] = self.counts.get(table, 0) + len(rows)
        if len(buffer) >= CHUNK:
            await self.flush()  # every table, parents first (the order they were first added)

    async def flush(self, table: str | None = None) -> None:
        for name in [table] if table else list(self._buffers):
            cols, buffer = self._buffers[name]
            if buffer:
                await self.sink.write(name, cols, buffer)
                buffer.clear()

    def at(self, day: dt.date, minutes: int) -> dt.datetime:
        """A local time of day (minutes after midnight) as a UTC instant."""
        local = dt.datetime.combine(day, dt.time(), tzinfo=self.zone)
        return (local + dt.timedelta(minutes=minutes)).astimezone(dt.UTC)


Area = Callable[[Context], Any]
AREAS: list[Area] = []


def register_area(area: Area) -> Area:
    """Append an area (also usable as a decorator); areas run in registration order."""
    AREAS.append(area)
    return area


# ---------------------------------------------------------------- areas


@register_area
async def org_tree(ctx: Context) -> None:
    streets = max(1, round(ctx.enterprises / ENTERPRISES_PER_STREET))
    columns = ("id", "name", "kind", "parent", "path", "created_at")
    rows, grids, street_ids = [], [], []
    for s in range(streets):
        (sid,) = ctx.new_ids("org_unit", 1)
        street_ids.append(sid)
        rows.append((sid, f"基准街道{ctx.tag}-{s + 1}", "street", None, f"/{sid}/", ctx.now))
        for c in range(COMMUNITIES):
            (cid,) = ctx.new_ids("org_unit", 1)
            cpath = f"/{sid}/{cid}/"
            rows.append((cid, f"基准社区{c + 1}", "community", sid, cpath, ctx.now))
            for g in range(GRIDS_PER_COMMUNITY):
                (gid,) = ctx.new_ids("org_unit", 1)
                rows.append(
                    (gid, f"基准社区{c + 1}第{g + 1}网格", "grid", cid, f"{cpath}{gid}/", ctx.now)
                )
                grids.append((sid, gid))
    await ctx.add("org_unit", columns, rows)
    ctx.made["streets"] = street_ids
    ctx.made["grids"] = grids


@register_area
async def agencies(ctx: Context) -> None:
    ids = list(ctx.new_ids("agency", 5))
    rows = [(i, f"基准安全技术服务公司{ctx.tag}-{k + 1}", True, ctx.now) for k, i in enumerate(ids)]
    await ctx.add("agency", ("id", "name", "active", "created_at"), rows)
    ctx.made["agencies"] = ids


@register_area
async def enterprises(ctx: Context) -> None:
    rng, grids = ctx.rng, ctx.made["grids"]
    by_street: dict[int, list[int]] = {s: [] for s in ctx.made["streets"]}
    grid_of: dict[int, int] = {}
    rows = []
    for k, eid in enumerate(ctx.new_ids("enterprise", ctx.enterprises)):
        street, grid = grids[k % len(grids)]
        by_street[street].append(eid)
        grid_of[eid] = grid
        name = f"济南{rng.choice(NAMES)}{rng.choice(TRADES)}有限公司{eid}"
        uscc = make_uscc(f"9137{ctx.tag % 10000:04d}{eid % 10**9:09d}")
        scale = rng.choice(("small", "micro", "micro"))
        key = rng.random() < 0.02
        rows.append((eid, name, uscc, rng.choice(INDUSTRIES), scale, grid, key, ctx.now, ctx.now))
    await ctx.add("enterprise", ENTERPRISE_COLUMNS, rows)
    ctx.made["enterprises_by_street"] = by_street
    ctx.made["grid_of"] = grid_of


ENTERPRISE_COLUMNS = (
    "id",
    "name",
    "uscc",
    "industry",
    "scale",
    "org_unit",
    "is_key",
    "created_at",
    "updated_at",
)


@register_area
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
            c_rows.append(
                (
                    cid,
                    f"{starts:%Y年%m月}专项检查",
                    "third_party",
                    starts,
                    ends,
                    street,
                    15,
                    60,
                    ctx.now,
                )
            )
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
    await ctx.add(
        "campaign",
        (
            "id",
            "name",
            "kind",
            "starts_on",
            "ends_on",
            "org_unit",
            "general_deadline_days",
            "major_deadline_days",
            "created_at",
        ),
        c_rows,
    )
    await ctx.add("campaign_enterprise", ("id", "campaign", "enterprise"), ce_rows)
    await ctx.add(
        "batch", ("id", "campaign", "name", "agency", "starts_on", "ends_on", "created_at"), b_rows
    )
    await ctx.add("batch_enterprise", ("id", "batch", "enterprise"), be_rows)
    await ctx.add("inspection", INSPECTION_COLUMNS, i_rows)
    ctx.made["inspections"] = inspections


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
    "found_on",
    "deadline",
    "effective_deadline",
    "status",
    "fixed_on_spot",
    "rectified_on",
    "closed_at",
    "void_reason",
    "created_at",
)
TRANSITION_COLUMNS = ("id", "hazard", "from_status", "to_status", "at", "note")
EXTENSION_COLUMNS = (
    "id",
    "hazard",
    "new_deadline",
    "reason",
    "status",
    "requested_at",
    "decided_at",
)


@register_area
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
    await ctx.add("inspection", INSPECTION_COLUMNS, self_rows)
    await ctx.flush()
    h_rows, t_rows, x_rows = [], [], []

    async def flush() -> None:
        await ctx.add("hazard", HAZARD_COLUMNS, h_rows)
        await ctx.add("hazard_transition", TRANSITION_COLUMNS, t_rows)
        await ctx.add("extension_request", EXTENSION_COLUMNS, x_rows)
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
                (
                    xid,
                    hid,
                    new,
                    "设备到货延迟",
                    outcome,
                    asked,
                    decided if outcome != "pending" else None,
                )
            )
            if outcome == "approved":
                effective = new
        target = rng.random()
        span = (effective - found).days
        if level == "major":  # a major hazard needs its 五落实 plan first
            step("rectifying", rng.uniform(1, 8))
        if target < 0.78:  # done: submitted, verified (a few fail once first)
            if step("submitted", rng.uniform(0.5, span * 1.3 + 1)):
                if rng.random() < 0.08 and step("rectifying", rng.uniform(0.5, 3)):
                    step("submitted", rng.uniform(0.5, 5))
                if status == "submitted" and step("closed", rng.uniform(0.2, 4)):
                    rectified_on = _local(ctx, history[-2][2])
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
            found,
            deadline,
            effective,
            status,
            fixed,
            rectified_on,
            closed_at,
            "重复录入" if status == "voided" else "",
            created,
        )
    )
    for frm, to, when in history:
        (tid,) = ctx.new_ids("hazard_transition", 1)
        t_rows.append((tid, hid, frm, to, when, "立行立改" if fixed and to == "closed" else ""))


def _local(ctx: Context, at: dt.datetime) -> dt.date:
    return at.astimezone(ctx.zone).date()


# ---------------------------------------------------------------- sinks


class SQLiteSink:
    """executemany in one IMMEDIATE transaction; dates and instants as Piccolo stores them."""

    def __init__(self, path: str) -> None:
        import sqlite3

        self.conn = sqlite3.connect(path, isolation_level=None)
        self.conn.execute("PRAGMA foreign_keys = ON")
        self.conn.execute("PRAGMA synchronous = NORMAL")
        self.conn.execute("BEGIN IMMEDIATE")

    async def max_ids(self, tables: list[str]) -> dict[str, int]:
        return {
            t: self.conn.execute(f'SELECT COALESCE(MAX(id), 0) FROM "{t}"').fetchone()[0]
            for t in tables
        }

    async def scalar(self, sql: str) -> Any:
        row = self.conn.execute(sql).fetchone()
        return row[0] if row else None

    @staticmethod
    def _value(v: Any) -> Any:
        if isinstance(v, dt.datetime):
            return str(v.astimezone(dt.UTC))
        if isinstance(v, dt.date):
            return v.isoformat()
        if isinstance(v, bool):
            return int(v)
        return v

    async def write(self, table: str, columns: tuple[str, ...], rows: list[tuple]) -> None:
        names = ", ".join(f'"{c}"' for c in columns)
        marks = ", ".join("?" for _ in columns)
        self.conn.executemany(
            f'INSERT INTO "{table}" ({names}) VALUES ({marks})',
            [tuple(self._value(v) for v in r) for r in rows],
        )

    async def finish(self, tables: list[str]) -> None:
        self.conn.execute("COMMIT")
        self.conn.execute("ANALYZE")
        self.conn.close()


class PostgresSink:
    """COPY per chunk in one transaction; then the id sequences and ANALYZE."""

    def __init__(self, conn: Any) -> None:
        self.conn = conn

    @classmethod
    async def open(cls, url: str) -> PostgresSink:
        import asyncpg

        conn = await asyncpg.connect(url)
        sink = cls(conn)
        sink.tx = conn.transaction()
        await sink.tx.start()
        return sink

    async def max_ids(self, tables: list[str]) -> dict[str, int]:
        return {
            t: await self.conn.fetchval(f'SELECT COALESCE(MAX(id), 0) FROM "{t}"') for t in tables
        }

    async def scalar(self, sql: str) -> Any:
        return await self.conn.fetchval(sql)

    async def write(self, table: str, columns: tuple[str, ...], rows: list[tuple]) -> None:
        await self.conn.copy_records_to_table(table, records=rows, columns=list(columns))

    async def finish(self, tables: list[str]) -> None:
        for t in tables:
            await self.conn.execute(
                f"SELECT setval(pg_get_serial_sequence('\"{t}\"', 'id'),"
                f' (SELECT GREATEST(MAX(id), 1) FROM "{t}"))'
            )
        await self.tx.commit()
        for t in tables:
            await self.conn.execute(f'ANALYZE "{t}"')
        await self.conn.close()


TABLES = [
    "checklist_template",
    "org_unit",
    "agency",
    "enterprise",
    "campaign",
    "campaign_enterprise",
    "batch",
    "batch_enterprise",
    "inspection",
    "hazard",
    "hazard_transition",
    "extension_request",
]


async def generate(
    url: str,
    enterprises: int,
    hazards: int,
    seed: int = 1,
    zone: str = "Asia/Shanghai",
    today: dt.date | None = None,
    extra_tables: list[str] | None = None,
) -> dict[str, int]:
    """Fill the (migrated) database at ``url``; returns rows written per table."""
    from safety.db import sqlite_path

    tables = TABLES + list(extra_tables or [])
    sink: Any
    if url.startswith("sqlite:"):
        sink = SQLiteSink(str(sqlite_path(url)))
    else:
        sink = await PostgresSink.open(url)
    tz = ZoneInfo(zone)
    now = dt.datetime.now(dt.UTC)
    ctx = Context(
        rng=random.Random(seed),
        enterprises=enterprises,
        hazards=hazards,
        tag=seed,
        today=today or now.astimezone(tz).date(),
        zone=tz,
        now=now,
        next_id={t: n + 1 for t, n in (await sink.max_ids(tables)).items()},
        sink=sink,
    )
    checklist = await sink.scalar("SELECT MIN(id) FROM checklist_template")
    if checklist is None:  # (``safety migrate`` loads the library; a bare schema has none)
        (checklist,) = ctx.new_ids("checklist_template", 1)
        await ctx.add(
            "checklist_template",
            ("id", "code", "version", "name", "domain", "published", "created_at"),
            [(checklist, f"BENCH{seed}", 1, "基准检查表", "通用", True, now)],
        )
    ctx.made["checklist"] = checklist
    try:
        for area in AREAS:
            await area(ctx)
            await ctx.flush()
        await sink.finish(tables)
    except BaseException:
        if isinstance(sink, PostgresSink):
            await sink.conn.close()
        raise
    return ctx.counts


def run(url: str, enterprises: int, hazards: int, seed: int, zone: str) -> tuple[dict, float]:
    started = time.perf_counter()
    counts = asyncio.run(generate(url, enterprises, hazards, seed, zone))
    return counts, time.perf_counter() - started
