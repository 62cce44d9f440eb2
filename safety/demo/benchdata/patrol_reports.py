"""A street's grid patrol reports (随手拍), oldest first, each with its photo's metadata (an
attachment row, no bytes on disk), ending in every state: untriaged (mostly the last few
days), hazard (a ``patrol`` hazard at the report's enterprise, in every life-cycle state by
age, with its history), dismissed, referred, and duplicates of earlier ones of the grid."""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass, field

from safety.demo.benchdata.core import Context, weighted
from safety.demo.benchdata.hazards import HAZARD_COLUMNS, TRANSITION_COLUMNS

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

REPORT_COLUMNS = (
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
)
PHOTO_COLUMNS = (
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
)


@dataclass
class Generated:
    """What a patrol run made (``generate_patrol`` returns it)."""

    grid_workers: int = 0
    reports: int = 0
    photos: int = 0
    hazards: int = 0
    logs: int = 0
    visits: int = 0
    by_status: dict[str, int] = field(default_factory=dict)


def add_reports(
    ctx: Context,
    *,
    unit_id: int,
    pairs: list[tuple[int, int]],
    enterprises: dict[int, list[int]],
    officers: list[int | None],
    reports: int,
    days: int,
    out: Generated,
) -> None:
    """``reports`` reports over the last ``days`` days by the (grid, worker) ``pairs``."""
    rng, zone, today = ctx.rng, ctx.zone, ctx.today
    moments = sorted(
        dt.datetime.combine(
            today - dt.timedelta(days=rng.randrange(days)),
            dt.time(rng.randint(7, 18), rng.randrange(60), rng.randrange(60)),
            zone,
        )
        for _ in range(reports)
    )
    triaged_by_grid: dict[int, list[tuple[int, str, int | None, str, str, str]]] = {}
    for at in moments:
        grid, worker = pairs[rng.randrange(len(pairs))]
        rid = ctx.take("patrol_report")
        ents = enterprises[grid]
        enterprise = rng.choice(ents) if ents and rng.random() < 0.8 else None
        age_days = (today - at.date()).days
        untriaged = rng.random() < (0.6 if age_days <= 2 else 0.02)
        status, hazard, duplicate, action, reason, to = "new", None, None, "", "", ""
        triaged_at = by = None
        if not untriaged:
            triaged_at = min(at + dt.timedelta(hours=rng.lognormvariate(2.3, 1.0)), ctx.now)
            by = rng.choice(officers)
            outcome = weighted(rng, OUTCOMES)
            earlier = triaged_by_grid.get(grid)
            if outcome == "duplicate" and earlier:
                duplicate, status, hazard, action, reason, to = rng.choice(earlier[-50:])
                action = "duplicate"
            elif outcome in ("hazard", "duplicate") and enterprise is not None:
                status, action = "hazard", "hazard"
                hazard = _hazard(ctx, enterprise, triaged_at, by)
                out.hazards += 1
            elif outcome == "referred":
                status, action, to = "referred", "refer", rng.choice(DEPARTMENTS)
                reason = "转办处理"
            else:
                status, action, reason = "dismissed", "dismiss", rng.choice(REASONS)
            triaged_by_grid.setdefault(grid, []).append((rid, status, hazard, action, reason, to))
        ctx.add_row(
            "patrol_report",
            REPORT_COLUMNS,
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
        ctx.add_row(
            "attachment",
            PHOTO_COLUMNS,
            (
                ctx.take("attachment"),
                hashlib.sha256(f"{unit_id}-{rid}".encode()).hexdigest(),
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


def _hazard(ctx: Context, enterprise: int, triaged_at: dt.datetime, by: int | None) -> int:
    """The ``patrol`` hazard a report became, in a state by its age, with its history."""
    rng, zone, today = ctx.rng, ctx.zone, ctx.today
    hazard = ctx.take("hazard")
    found = triaged_at.astimezone(zone).date()
    major = rng.random() < 0.05
    deadline = found + dt.timedelta(days=60 if major else 15)
    age = (today - found).days
    status = (
        "closed"
        if age > 40 and rng.random() < 0.9
        else rng.choice(("pending", "rectifying", "submitted", "closed"))
    )
    if rng.random() < 0.02:
        status = "voided"
    closed_at = rectified = None
    if status == "closed":
        rectified = min(found + dt.timedelta(days=rng.randint(1, 20)), today)
        closed_at = min(
            dt.datetime.combine(rectified, dt.time(16), zone)
            + dt.timedelta(days=rng.randint(0, 3)),
            ctx.now,
        )
    sub = rng.choice(SUBCATEGORIES)
    ctx.add_row(
        "hazard",
        HAZARD_COLUMNS,
        (
            hazard,
            None,
            enterprise,
            None,
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
            status,
            False,
            rectified,
            closed_at,
            "",
            by,
            triaged_at,
            1,
        ),
    )
    event = (hazard, "", "pending", triaged_at, by, "网格上报转隐患")
    ctx.add_row("hazard_transition", TRANSITION_COLUMNS, (ctx.take("hazard_transition"), *event))
    if status != "pending":
        at = closed_at or triaged_at + dt.timedelta(days=1)
        event = (hazard, "pending", status, at, by, "")
        ctx.add_row(
            "hazard_transition", TRANSITION_COLUMNS, (ctx.take("hazard_transition"), *event)
        )
    return hazard
