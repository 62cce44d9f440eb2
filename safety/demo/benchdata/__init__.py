"""``safety bench-data``: realistic synthetic data at scale, fast (benchmarks, load tests).

What it makes (a year up to today, in the configured time zone), area by area, in the
order of ``AREAS``:

  campaigns.checklist   the checklist the inspections pin (the library's, or one made here)
  org.org_tree          per 5,000 enterprises a street of 24 communities × 5 grids
  org.agencies          five agencies
  org.enterprises       enterprises of GB/T 4754 sections with valid 统一社会信用代码
  campaigns.campaigns   per street a campaign a month with three batches, an inspection
                        per planned enterprise
  hazards.hazards       hazards (60% campaign inspections, 10% self-inspections, 30%
                        patrols) in every state with their histories and extensions
  patrol.patrol         per street two grid workers per grid, patrol reports with photo
                        metadata (and the hazards they became), patrol logs with visits

An area is a function ``area(ctx: Context)`` (``core.Context``): it reads the sizes, the
random source and what earlier areas left in ``ctx.made``, takes ids with
``ctx.new_ids``/``ctx.take`` and adds rows with ``ctx.add``/``ctx.add_row``; the rows are
written in bulk after each area (``core``: ``executemany`` on SQLite, ``COPY`` on
PostgreSQL, one transaction). A new area is a function appended to ``AREAS`` where its
inputs exist; a table it writes joins ``core.TABLES`` (parents first).
"""

from __future__ import annotations

import asyncio
import datetime as dt
import time
from collections.abc import Awaitable, Callable

from safety.demo.benchdata import campaigns, org, patrol
from safety.demo.benchdata import hazards as hazards_area
from safety.demo.benchdata.core import Context, bench_context

AREAS: tuple[Callable[[Context], Awaitable[None]], ...] = (
    campaigns.checklist,
    org.org_tree,
    org.agencies,
    org.enterprises,
    campaigns.campaigns,
    hazards_area.hazards,
    patrol.patrol,
)


async def generate(
    url: str,
    enterprises: int,
    hazards: int,
    seed: int = 1,
    zone: str = "Asia/Shanghai",
    today: dt.date | None = None,
    *,
    patrol_reports: int = 0,
    patrol_logs: int = 0,
) -> dict[str, int]:
    """Fill the (migrated) database at ``url``; returns rows written per table. The patrol
    year is made when asked for: ``patrol_reports``/``patrol_logs`` per street
    (``safety bench-data`` asks for 72,000 and 48,000)."""
    async with bench_context(
        url,
        seed=seed,
        zone=zone,
        today=today,
        enterprises=enterprises,
        hazards=hazards,
        patrol_reports=patrol_reports,
        patrol_logs=patrol_logs,
    ) as ctx:
        for area in AREAS:
            await area(ctx)
            await ctx.flush()
    return ctx.counts


def run(
    url: str,
    enterprises: int,
    hazards: int,
    seed: int,
    zone: str,
    *,
    patrol_reports: int,
    patrol_logs: int,
) -> tuple[dict[str, int], float]:
    started = time.perf_counter()
    counts = asyncio.run(
        generate(
            url,
            enterprises,
            hazards,
            seed,
            zone,
            patrol_reports=patrol_reports,
            patrol_logs=patrol_logs,
        )
    )
    return counts, time.perf_counter() - started
