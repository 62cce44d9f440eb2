"""``safety bench-data``'s grid-patrol area: per street, the seed case's patrol year
(the product rules: two grid workers per grid, 72,000 patrol reports with photo metadata and
48,000 patrol logs; ``--enterprises 50000`` makes ten streets, a district). The rows come
from ``inspections.patrol.benchdata.build_patrol``; the hazards its reports became are
made here too (source ``patrol``, with their histories), on top of ``--hazards``.

Importing this module registers the area (after the hazards) and its tables.
"""

from __future__ import annotations

from rectification.figures import benchdata

# Reports and logs per street (``safety bench-data --patrol-reports/--patrol-logs``).
SIZES = {"reports": 72_000, "logs": 48_000}
PATROL_TABLES = ["app_user", "patrol_report", "attachment", "patrol_log", "patrol_log_visit"]


async def patrol(ctx: benchdata.Context) -> None:
    from inspections.patrol.benchdata import build_patrol
    from safety.auth import hash_password_sync

    if not SIZES["reports"] and not SIZES["logs"]:
        return
    password = hash_password_sync(f"Bench@{ctx.tag}-grid")
    by_street: dict[int, list[int]] = {}
    for street, grid in ctx.made["grids"]:
        by_street.setdefault(street, []).append(grid)
    enterprises: dict[int, list[int]] = {}
    for eid, grid in ctx.made["grid_of"].items():
        enterprises.setdefault(grid, []).append(eid)
    buffers: dict[str, tuple[tuple[str, ...], list[tuple]]] = {}

    def add(table: str, columns: list[str], row: tuple) -> None:
        buffers.setdefault(table, (tuple(columns), []))[1].append(row)

    def take(table: str) -> int:
        return ctx.new_ids(table, 1)[0]

    for street, grids in by_street.items():
        build_patrol(
            rng=ctx.rng,
            today=ctx.today,
            zone=ctx.zone,
            unit_id=street,
            grids=grids,
            enterprises={g: enterprises.get(g, []) for g in grids},
            workers={g: [] for g in grids},
            officers=[None],
            reports=SIZES["reports"],
            logs=SIZES["logs"],
            days=365,
            password=password,
            add=add,
            take=take,
        )
        # Parents first: users and hazards before the reports that point at them.
        for table in (
            "app_user",
            "hazard",
            "hazard_transition",
            "patrol_report",
            "attachment",
            "patrol_log",
            "patrol_log_visit",
        ):
            if table in buffers:
                columns, rows = buffers.pop(table)
                if table in SHARED:  # the hazards area's column lists, one per table
                    columns, rows = _reshape(columns, rows, SHARED[table])
                await ctx.add(table, columns, rows)
        await ctx.flush()


# Tables the hazards area writes too: the same column list (and values for the rest).
SHARED = {
    "hazard": benchdata.HAZARD_COLUMNS,
    "hazard_transition": benchdata.TRANSITION_COLUMNS,
}
DEFAULTS = {"inspection": None, "campaign": None, "fixed_on_spot": False, "void_reason": ""}


def _reshape(
    columns: tuple[str, ...], rows: list[tuple], target: tuple[str, ...]
) -> tuple[tuple[str, ...], list[tuple]]:
    index = {c: i for i, c in enumerate(columns)}
    picks = [(index.get(c), DEFAULTS.get(c)) for c in target]
    return target, [tuple(r[i] if i is not None else d for i, d in picks) for r in rows]


benchdata.register_area(patrol)
benchdata.TABLES.extend(t for t in PATROL_TABLES if t not in benchdata.TABLES)
