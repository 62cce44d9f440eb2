"""Synthetic grid-patrol data at scale, for ``safety bench-data`` and the benchmarks: the
seed street's year (the product rules: 240 grid workers for 120 grids, 72,000 patrol reports and
48,000 patrol logs) for any street already in the database, or every street of a district
(ten times that).

Rows are written in bulk, straight through the database driver (sqlite3 ``executemany``
in one transaction; PostgreSQL ``COPY``), with explicit ids, so a district's year (about
three million rows) takes minutes, not hours. It bypasses the services on purpose: the data
is synthetic, never an audited action. Each report carries photo metadata (an attachment
row, no bytes on disk). Reports end in every state: untriaged (mostly the last few days),
hazard (a ``patrol`` hazard at the report's enterprise, in every life-cycle state by age),
dismissed, referred, and duplicates of earlier ones.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import random
from dataclasses import dataclass, field
from typing import Any
from zoneinfo import ZoneInfo

from safety.settings import get_settings, local_today

WORKERS_PER_GRID = 2
DESCRIPTIONS = (
    "消防通道堆放杂物",
    "灭火器压力不足",
    "电线私拉乱接",
    "安全出口锁闭",
    "液化气瓶与灶具间距不足",
    "疏散指示标志损坏",
    "仓库内吸烟痕迹",
    "电动车在楼道内充电",
    "有限空间作业无警示标识",
    "配电箱未上锁",
)
DEPARTMENTS = ("市场监管", "消防救援", "城管执法", "住建", "燃气公司")
REASONS = ("现场核实无隐患", "已当场整改", "非安全生产问题", "重复上报")
SUBCATEGORIES = ("消防", "电气", "作业环境", "危化品", "有限空间", "其他")
# Outcome of a triaged report, by weight.
OUTCOMES = (("hazard", 25), ("dismissed", 38), ("referred", 30), ("duplicate", 7))


@dataclass
class Generated:
    grid_workers: int = 0
    reports: int = 0
    photos: int = 0
    hazards: int = 0
    logs: int = 0
    visits: int = 0
    by_status: dict[str, int] = field(default_factory=dict)

    def add(self, other: Generated) -> None:
        for name in ("grid_workers", "reports", "photos", "hazards", "logs", "visits"):
            setattr(self, name, getattr(self, name) + getattr(other, name))
        for k, v in other.by_status.items():
            self.by_status[k] = self.by_status.get(k, 0) + v


# ---------------------------------------------------------------- bulk writing


class Writer:
    """Rows per table with explicit ids, written at the end in one go."""

    def __init__(self, sqlite: bool) -> None:
        self.sqlite = sqlite
        self.tables: dict[str, tuple[list[str], list[tuple]]] = {}

    def value(self, v: Any) -> Any:
        if not self.sqlite:
            return v
        if isinstance(v, bool):
            return int(v)
        if isinstance(v, dt.datetime):
            return str(v.astimezone(dt.UTC))
        if isinstance(v, dt.date):
            return v.isoformat()
        return v

    def add(self, table: str, columns: list[str], row: tuple) -> None:
        cols, rows = self.tables.setdefault(table, (columns, []))
        rows.append(tuple(self.value(v) for v in row))

    async def flush(self) -> None:
        from safety.db import engine

        db = engine()
        order = [
            "app_user",
            "hazard",
            "hazard_transition",
            "patrol_report",
            "attachment",
            "patrol_log",
            "patrol_log_visit",
        ]
        if self.sqlite:
            import sqlite3

            conn = sqlite3.connect(db.path, timeout=60)
            try:
                conn.execute("PRAGMA foreign_keys = ON")
                with conn:
                    for table in order:
                        if table not in self.tables:
                            continue
                        cols, rows = self.tables[table]
                        marks = ", ".join("?" for _ in cols)
                        names = ", ".join(f'"{c}"' for c in cols)
                        conn.executemany(f'INSERT INTO "{table}" ({names}) VALUES ({marks})', rows)
            finally:
                conn.close()
        else:
            import asyncpg

            conn = await asyncpg.connect(**db.config)
            try:
                async with conn.transaction():
                    for table in order:
                        if table not in self.tables:
                            continue
                        cols, rows = self.tables[table]
                        await conn.copy_records_to_table(table, records=rows, columns=cols)
                        await conn.execute(
                            f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                            f"(SELECT MAX(id) FROM {table}))"
                        )
            finally:
                await conn.close()
        self.tables.clear()


async def _next_ids() -> dict[str, int]:
    from safety.tables import OrgUnit

    out = {}
    for table in (
        "app_user",
        "hazard",
        "hazard_transition",
        "patrol_report",
        "attachment",
        "patrol_log",
        "patrol_log_visit",
    ):
        rows = await OrgUnit.raw(f"SELECT MAX(id) AS m FROM {table}").run()
        out[table] = (rows[0]["m"] or 0) + 1
    return out


# ---------------------------------------------------------------- generation


def _weighted(rng: random.Random, pairs: tuple[tuple[str, int], ...]) -> str:
    return rng.choices([p[0] for p in pairs], weights=[p[1] for p in pairs])[0]


async def generate_patrol(
    unit_id: int,
    *,
    reports: int = 72_000,
    logs: int = 48_000,
    days: int = 365,
    seed: int = 1,
    today: dt.date | None = None,
) -> Generated:
    """A year of patrol in the street ``unit_id`` (its grids and enterprises must exist):
    two grid workers per grid (made when missing), ``reports`` reports with photo
    metadata, their triages and hazards, and ``logs`` patrol logs with their visits."""
    from piccolo.query.base import Query  # noqa: F401 - Piccolo must be configured first

    from safety.auth import hash_password_sync
    from safety.db import is_sqlite
    from safety.tables import Enterprise, OrgUnit, Role, User

    rng = random.Random(seed * 7919 + unit_id)
    today = today or local_today()
    zone = ZoneInfo(get_settings().timezone)
    unit = await OrgUnit.select(OrgUnit.path).where(OrgUnit.id == unit_id).first().run()
    if unit is None:
        raise ValueError(f"org unit {unit_id} does not exist")
    grids = await (
        OrgUnit.select(OrgUnit.id)
        .where(OrgUnit.path.like(unit["path"] + "%"), OrgUnit.kind == "grid")
        .order_by(OrgUnit.id)
        .output(as_list=True)
        .run()
    )
    if not grids:
        raise ValueError(f"org unit {unit_id} has no grids")
    enterprises: dict[int, list[int]] = {g: [] for g in grids}
    for e in (
        await Enterprise.select(Enterprise.id, Enterprise.org_unit)
        .where(Enterprise.org_unit.is_in(grids))
        .run()
    ):
        enterprises[e["org_unit"]].append(e["id"])
    officers = await User.select(User.id).where(
        User.role == "officer",
        User.org_unit.is_in(
            OrgUnit.select(OrgUnit.id).where(OrgUnit.path.like(unit["path"] + "%"))
        ),
    ).output(as_list=True).run() or [None]
    existing = (
        await User.select(User.id, User.org_unit)
        .where(User.role == Role.grid_worker.value, User.org_unit.is_in(grids))
        .run()
    )
    workers: dict[int, list[int]] = {g: [] for g in grids}
    for u in existing:
        workers[u["org_unit"]].append(u["id"])

    w = Writer(is_sqlite())
    ids = await _next_ids()

    def take(table: str) -> int:
        ids[table] += 1
        return ids[table] - 1

    out = build_patrol(
        rng=rng,
        today=today,
        zone=zone,
        unit_id=unit_id,
        grids=grids,
        enterprises=enterprises,
        workers=workers,
        officers=officers,
        reports=reports,
        logs=logs,
        days=days,
        password=hash_password_sync(f"Bench@{seed}-grid"),
        add=w.add,
        take=take,
    )
    await w.flush()
    return out


def build_patrol(
    *,
    rng: random.Random,
    today: dt.date,
    zone: ZoneInfo,
    unit_id: int,
    grids: list[int],
    enterprises: dict[int, list[int]],
    workers: dict[int, list[int]],
    officers: list[int | None],
    reports: int,
    logs: int,
    days: int,
    password: str,
    add: Any,
    take: Any,
) -> Generated:
    """The rows of a street's patrol year, handed to ``add(table, columns, row)`` with ids
    from ``take(table)``: grid workers missing from ``workers`` (two per grid), reports with
    photo metadata, their triages and hazards, and logs with visits."""
    out = Generated()
    w = _Adder(add)
    user_cols = [
        "id",
        "username",
        "username_key",
        "password_hash",
        "role",
        "display_name",
        "org_unit",
    ]
    for g in grids:
        while len(workers[g]) < WORKERS_PER_GRID:
            uid = take("app_user")
            name = f"gw{unit_id}_{g}_{len(workers[g]) + 1}"
            w.add(
                "app_user",
                user_cols,
                (uid, name, name, password, "grid_worker", f"网格员{g}-{len(workers[g]) + 1}", g),
            )
            workers[g].append(uid)
            out.grid_workers += 1
    pairs = [(g, u) for g in grids for u in workers[g]]

    # Reports, oldest first (duplicates point back to an earlier one of the same grid).
    report_cols = [
        "id",
        "org_unit",
        "enterprise",
        "address",
        "description",
        "status",
        "reported_by",
        "reported_at",
        "hazard",
        "duplicate_of",
        "triage_action",
        "triage_reason",
        "triage_to",
        "triaged_by",
        "triaged_at",
        "version",
    ]
    photo_cols = [
        "id",
        "sha256",
        "content_type",
        "size",
        "filename",
        "kind",
        "owner_type",
        "owner_id",
        "width",
        "height",
        "has_thumbnail",
        "captured_at",
        "uploaded_by",
        "uploaded_at",
    ]
    hazard_cols = [
        "id",
        "enterprise",
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
        "rectified_on",
        "closed_at",
        "created_by",
        "created_at",
        "version",
    ]
    event_cols = ["id", "hazard", "from_status", "to_status", "at", "actor", "note"]
    moments = sorted(
        dt.datetime.combine(
            today - dt.timedelta(days=rng.randrange(days)),
            dt.time(rng.randint(7, 18), rng.randrange(60), rng.randrange(60)),
            zone,
        )
        for _ in range(reports)
    )
    now = dt.datetime.now(dt.UTC)
    triaged_by_grid: dict[int, list[tuple[int, str, int | None, str, str, str]]] = {}
    for at in moments:
        grid, worker = pairs[rng.randrange(len(pairs))]
        rid = take("patrol_report")
        ents = enterprises[grid]
        enterprise = rng.choice(ents) if ents and rng.random() < 0.8 else None
        age_days = (today - at.date()).days
        untriaged = rng.random() < (0.6 if age_days <= 2 else 0.02)
        status, hazard, duplicate, action, reason, to = "new", None, None, "", "", ""
        triaged_at = by = None
        if not untriaged:
            triaged_at = min(at + dt.timedelta(hours=rng.lognormvariate(2.3, 1.0)), now)
            by = rng.choice(officers)
            outcome = _weighted(rng, OUTCOMES)
            earlier = triaged_by_grid.get(grid)
            if outcome == "duplicate" and earlier:
                duplicate, status, hazard, action, reason, to = rng.choice(earlier[-50:])
                action = "duplicate"
            elif outcome in ("hazard", "duplicate") and enterprise is not None:
                status, action = "hazard", "hazard"
                hazard = take("hazard")
                found = triaged_at.astimezone(zone).date()
                major = rng.random() < 0.05
                deadline = found + dt.timedelta(days=60 if major else 15)
                age = (today - found).days
                h_status = (
                    "closed"
                    if age > 40 and rng.random() < 0.9
                    else rng.choice(("pending", "rectifying", "submitted", "closed"))
                )
                if rng.random() < 0.02:
                    h_status = "voided"
                closed_at = rectified = None
                if h_status == "closed":
                    rectified = min(found + dt.timedelta(days=rng.randint(1, 20)), today)
                    closed_at = min(
                        dt.datetime.combine(rectified, dt.time(16), zone)
                        + dt.timedelta(days=rng.randint(0, 3)),
                        now,
                    )
                sub = rng.choice(SUBCATEGORIES)
                w.add(
                    "hazard",
                    hazard_cols,
                    (
                        hazard,
                        enterprise,
                        "patrol",
                        rng.choice(DESCRIPTIONS),
                        "",
                        "site",
                        sub,
                        "major" if major else "general",
                        "《工贸企业重大事故隐患判定标准》第四条" if major else "",
                        found,
                        deadline,
                        deadline,
                        h_status,
                        rectified,
                        closed_at,
                        by,
                        triaged_at,
                        1,
                    ),
                )
                w.add(
                    "hazard_transition",
                    event_cols,
                    (
                        take("hazard_transition"),
                        hazard,
                        "",
                        "pending",
                        triaged_at,
                        by,
                        "网格上报转隐患",
                    ),
                )
                if h_status != "pending":
                    w.add(
                        "hazard_transition",
                        event_cols,
                        (
                            take("hazard_transition"),
                            hazard,
                            "pending",
                            h_status,
                            closed_at or triaged_at + dt.timedelta(days=1),
                            by,
                            "",
                        ),
                    )
                out.hazards += 1
            elif outcome == "referred":
                status, action, to, reason = (
                    "referred",
                    "refer",
                    rng.choice(DEPARTMENTS),
                    "转办处理",
                )
            else:
                status, action, reason = "dismissed", "dismiss", rng.choice(REASONS)
            triaged_by_grid.setdefault(grid, []).append((rid, status, hazard, action, reason, to))
        w.add(
            "patrol_report",
            report_cols,
            (
                rid,
                grid,
                enterprise,
                f"{rng.randint(1, 300)}号附近",
                rng.choice(DESCRIPTIONS),
                status,
                worker,
                at,
                hazard,
                duplicate,
                action,
                reason,
                to,
                by,
                triaged_at,
                1,
            ),
        )
        digest = hashlib.sha256(f"{unit_id}-{rid}".encode()).hexdigest()
        w.add(
            "attachment",
            photo_cols,
            (
                take("attachment"),
                digest,
                "image/jpeg",
                rng.randint(1_500_000, 4_500_000),
                f"IMG_{rid:06d}.jpg",
                "problem",
                "patrol_report",
                rid,
                4000,
                3000,
                False,
                at,
                worker,
                at,
            ),
        )
        out.reports += 1
        out.photos += 1
        out.by_status[status] = out.by_status.get(status, 0) + 1

    # Logs: distinct (worker, day) pairs, each with one to four enterprises of the grid.
    log_cols = ["id", "worker", "org_unit", "day", "notes", "version", "created_at", "updated_at"]
    visit_cols = ["id", "log", "enterprise", "visited_on"]
    per_pair = max(1, min(days, round(logs / len(pairs))))
    made = 0
    for grid, worker in pairs:
        if made >= logs:
            break
        for back in sorted(rng.sample(range(days), min(per_pair, logs - made)), reverse=True):
            day = today - dt.timedelta(days=back)
            lid = take("patrol_log")
            stamp = dt.datetime.combine(day, dt.time(18), zone)
            w.add(
                "patrol_log",
                log_cols,
                (
                    lid,
                    worker,
                    grid,
                    day,
                    "巡查正常" if rng.random() < 0.7 else "提醒整改消防通道",
                    1,
                    stamp,
                    stamp,
                ),
            )
            ents = enterprises[grid]
            for e in rng.sample(ents, min(len(ents), rng.randint(1, 4))):
                w.add("patrol_log_visit", visit_cols, (take("patrol_log_visit"), lid, e, day))
                out.visits += 1
            made += 1
    out.logs = made
    return out


class _Adder:
    def __init__(self, add: Any) -> None:
        self.add = add


async def make_street(
    name: str,
    *,
    parent_id: int | None = None,
    communities: int = 24,
    grids_per_community: int = 5,
    enterprises_per_grid: int = 1,
    seed: int = 1,
) -> dict:
    """A street shaped like the seed case (24 communities of 5 grids) with enterprises in
    its grids, for when no other generator made one: {"street": id, "grids": [ids]}."""
    from safety.auth import SYSTEM
    from safety.orgs import OrgUnitIn, create_org_unit
    from safety.rules import make_uscc
    from safety.tables import Enterprise

    street = await create_org_unit(SYSTEM, OrgUnitIn(name=name, kind="street", parent_id=parent_id))
    grids = []
    for c in range(1, communities + 1):
        community = await create_org_unit(
            SYSTEM, OrgUnitIn(name=f"{name}第{c}社区", kind="community", parent_id=street["id"])
        )
        for g in range(1, grids_per_community + 1):
            grid = await create_org_unit(
                SYSTEM,
                OrgUnitIn(name=f"{name}第{c}社区第{g}网格", kind="grid", parent_id=community["id"]),
            )
            grids.append(grid["id"])
    rows = []
    for i, grid in enumerate(grids):
        for k in range(enterprises_per_grid):
            n = street["id"] * 100_000 + i * 10 + k
            rows.append(
                Enterprise(
                    name=f"{name}企业{i + 1}-{k + 1}",
                    uscc=make_uscc(f"91370{seed % 10}{n:011d}"),
                    org_unit=grid,
                    industry="C",
                    address=f"{name}{i + 1}号",
                    contact_name="联系人",
                    contact_phone="13800000000",
                )
            )
    for start in range(0, len(rows), 500):
        await Enterprise.insert(*rows[start : start + 500]).run()
    return {"street": street["id"], "grids": grids}
