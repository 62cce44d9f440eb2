"""Grid patrol at scale: per street the seed case's patrol year (the product rules: two grid
workers per grid, 72,000 patrol reports with photo metadata and their triages and hazards,
48,000 patrol logs with their visits; ``--enterprises 50000`` makes ten streets, a district).

``patrol`` is ``safety bench-data``'s area (its sizes per street are ``--patrol-reports``
and ``--patrol-logs``); ``generate_patrol`` gives the same year to one street already in the
database (its grids and enterprises read through the ORM), for tests and benchmarks. Both
build their rows with ``build_patrol``. The data is synthetic, never an audited action: it
bypasses the services on purpose.
"""

from __future__ import annotations

import datetime as dt
import random

from safety.demo.benchdata.core import Context, bench_context
from safety.demo.benchdata.patrol_reports import Generated, add_reports

WORKERS_PER_GRID = 2
# Per street, by default (``safety bench-data --patrol-reports/--patrol-logs``).
REPORTS, LOGS = 72_000, 48_000
USER_COLUMNS = (
    "id",
    "username",
    "username_key",
    "password_hash",
    "role",
    "display_name",
    "org_unit",
)
LOG_COLUMNS = ("id", "worker", "org_unit", "day", "notes", "version", "created_at", "updated_at")
VISIT_COLUMNS = ("id", "log", "enterprise", "visited_on")


async def patrol(ctx: Context) -> None:
    """The area: each street's patrol year, after the hazards (on top of ``--hazards``)."""
    from safety.accounts.auth import hash_password_sync

    if not ctx.patrol_reports and not ctx.patrol_logs:
        return
    password = hash_password_sync(f"Bench@{ctx.seed}-grid")
    by_street: dict[int, list[int]] = {}
    for street, grid in ctx.made["grids"]:
        by_street.setdefault(street, []).append(grid)
    enterprises: dict[int, list[int]] = {}
    for eid, grid in ctx.made["grid_of"].items():
        enterprises.setdefault(grid, []).append(eid)
    for street, grids in by_street.items():
        build_patrol(
            ctx,
            unit_id=street,
            grids=grids,
            enterprises={g: enterprises.get(g, []) for g in grids},
            workers={g: [] for g in grids},
            officers=[None],
            reports=ctx.patrol_reports,
            logs=ctx.patrol_logs,
            days=365,
            password=password,
        )
        await ctx.flush()


async def generate_patrol(
    unit_id: int,
    *,
    reports: int = REPORTS,
    logs: int = LOGS,
    days: int = 365,
    seed: int = 1,
    today: dt.date | None = None,
) -> Generated:
    """A year of patrol in the street ``unit_id`` (its grids and enterprises must exist):
    two grid workers per grid (made when missing), ``reports`` reports with photo
    metadata, their triages and hazards, and ``logs`` patrol logs with their visits."""
    from safety.accounts.auth import hash_password_sync
    from safety.settings import get_settings, local_today
    from safety.tables import Enterprise, OrgUnit, Role, User

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

    settings = get_settings()
    async with bench_context(
        settings.resolved_database_url,
        seed=seed,
        zone=settings.timezone,
        today=today or local_today(),
        rng=random.Random(seed * 7919 + unit_id),
    ) as ctx:
        return build_patrol(
            ctx,
            unit_id=unit_id,
            grids=grids,
            enterprises=enterprises,
            workers=workers,
            officers=officers,
            reports=reports,
            logs=logs,
            days=days,
            password=hash_password_sync(f"Bench@{seed}-grid"),
        )


def build_patrol(
    ctx: Context,
    *,
    unit_id: int,
    grids: list[int],
    enterprises: dict[int, list[int]],
    workers: dict[int, list[int]],
    officers: list[int | None],
    reports: int,
    logs: int,
    days: int,
    password: str,
) -> Generated:
    """The rows of a street's patrol year, added to ``ctx``: grid workers missing from
    ``workers`` (two per grid), reports with photo metadata, their triages and hazards,
    and logs with visits."""
    out = Generated()
    for g in grids:
        while len(workers[g]) < WORKERS_PER_GRID:
            uid = ctx.take("app_user")
            name = f"gw{unit_id}_{g}_{len(workers[g]) + 1}"
            display = f"网格员{g}-{len(workers[g]) + 1}"
            row = (uid, name, name, password, "grid_worker", display, g)
            ctx.add_row("app_user", USER_COLUMNS, row)
            workers[g].append(uid)
            out.grid_workers += 1
    pairs = [(g, u) for g in grids for u in workers[g]]
    add_reports(
        ctx,
        unit_id=unit_id,
        pairs=pairs,
        enterprises=enterprises,
        officers=officers,
        reports=reports,
        days=days,
        out=out,
    )
    _add_logs(ctx, pairs=pairs, enterprises=enterprises, logs=logs, days=days, out=out)
    return out


def _add_logs(
    ctx: Context,
    *,
    pairs: list[tuple[int, int]],
    enterprises: dict[int, list[int]],
    logs: int,
    days: int,
    out: Generated,
) -> None:
    """Logs on distinct (worker, day) pairs, each with one to four enterprises of the grid."""
    rng = ctx.rng
    per_pair = max(1, min(days, round(logs / len(pairs))))
    made = 0
    for grid, worker in pairs:
        if made >= logs:
            break
        for back in sorted(rng.sample(range(days), min(per_pair, logs - made)), reverse=True):
            day = ctx.today - dt.timedelta(days=back)
            lid = ctx.take("patrol_log")
            stamp = dt.datetime.combine(day, dt.time(18), ctx.zone)
            notes = "巡查正常" if rng.random() < 0.7 else "提醒整改消防通道"
            row = (lid, worker, grid, day, notes, 1, stamp, stamp)
            ctx.add_row("patrol_log", LOG_COLUMNS, row)
            ents = enterprises[grid]
            for e in rng.sample(ents, min(len(ents), rng.randint(1, 4))):
                visit = (ctx.take("patrol_log_visit"), lid, e, day)
                ctx.add_row("patrol_log_visit", VISIT_COLUMNS, visit)
                out.visits += 1
            made += 1
    out.logs = made
