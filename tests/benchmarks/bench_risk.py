"""Benchmark: risk grading at district scale, on SQLite and on PostgreSQL, in one run.

Not collected by pytest. Each engine runs in its own subprocess against a fresh database
(as ``bench_import.py``: a temporary SQLite file; a throwaway PostgreSQL database on
``BENCH_PG_SERVER``, default postgresql://postgres@127.0.0.1:5432, or ``BENCH_PG_URL``,
whose public schema is DROPPED).

    .venv/bin/python tests/benchmarks/bench_risk.py

Data: a street of 24 communities × 5 grids, 1,100 enterprises (a district's worth of one
street's shape ×10), 3 risk points each (3,300), a submitted inspection for every other
enterprise. Timed: the officer's due list (``GET /api/v1/planning/due``'s service), the
colour map, and a 1,000-row 风险分级管控清单 import into one enterprise (first import, then
the same sheet again: all unchanged).
"""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
ENTERPRISES = 1100
SHEET_ROWS = 1000
DEFAULT_PG_SERVER = "postgresql://postgres@127.0.0.1:5432"


def run_one(engine: str) -> None:
    tmp = Path(tempfile.mkdtemp(prefix="bench-risk-"))
    if engine == "sqlite":
        os.environ["DATABASE_URL"] = f"sqlite:///{tmp / 'bench.sqlite3'}"
    else:
        os.environ["DATABASE_URL"] = os.environ["BENCH_PG_URL"]
    os.environ["SAFETY_DATA_DIR"] = str(tmp / "data")
    os.environ.setdefault("PICCOLO_CONF", "safety.piccolo_conf")
    sys.path.insert(0, str(ROOT))

    import asyncio

    async def main() -> dict:
        if engine == "postgresql":
            import asyncpg

            conn = await asyncpg.connect(os.environ["DATABASE_URL"])
            await conn.execute("DROP SCHEMA IF EXISTS public CASCADE; CREATE SCHEMA public")
            await conn.close()
        from safety.db import close_pool, open_pool
        from safety.migrations import apply_migrations

        await apply_migrations()
        await open_pool()
        try:
            return await timed()
        finally:
            await close_pool()

    async def timed() -> dict:
        from inspections.risk import imports, planning
        from inspections.tables import Inspection, RiskPoint
        from safety.actors import SYSTEM
        from safety.orgs import OrgUnitIn, create_org_unit
        from safety.tables import Enterprise
        from tests import factories as f
        from tests.inspections.factories import checklist
        from tests.safety.sheets import xlsx

        street = await create_org_unit(SYSTEM, OrgUnitIn(name="基准街道", kind="street"))
        grids = []
        for c in range(24):
            community = await create_org_unit(
                SYSTEM, OrgUnitIn(name=f"基准社区{c}", kind="community", parent_id=street["id"])
            )
            for g in range(5):
                grid = await create_org_unit(
                    SYSTEM,
                    OrgUnitIn(name=f"基准社区{c}第{g}网格", kind="grid", parent_id=community["id"]),
                )
                grids.append(grid["id"])
        officer = f.actor(await f.user("officer", org_unit_id=street["id"]))
        colours = ["red", "orange", "orange", "yellow", "yellow", "yellow", "blue", None]
        await Enterprise.insert(
            *[
                Enterprise(
                    name=f"基准企业{i}",
                    uscc=f.uscc(20_000_000 + i),
                    org_unit=grids[i % len(grids)],
                    industry="CFGHE"[i % 5],
                    risk_colour=colours[i % len(colours)],
                )
                for i in range(ENTERPRISES)
            ]
        ).run()
        ids = [r["id"] for r in await Enterprise.select(Enterprise.id).order_by(Enterprise.id)]
        points = []
        for eid in ids:
            for k in range(3):
                points.append(
                    RiskPoint(
                        enterprise=eid,
                        name=f"点{k}",
                        method="LS",
                        likelihood=2,
                        severity=2,
                        score=4,
                        level="general",
                        colour="yellow",
                    )
                )
        for i in range(0, len(points), 500):
            await RiskPoint.insert(*points[i : i + 500]).run()
        tpl = await checklist(sections=1, items=1)
        now = dt.datetime.now(dt.UTC)
        inspections = [
            Inspection(
                enterprise=eid,
                checklist=tpl["id"],
                state="submitted",
                scheduled_on=now.date(),
                submitted_at=now - dt.timedelta(days=n % 400),
            )
            for n, eid in enumerate(ids)
            if n % 2 == 0
        ]
        for i in range(0, len(inspections), 500):
            await Inspection.insert(*inspections[i : i + 500]).run()

        out: dict = {"engine": engine, "enterprises": len(ids), "points": len(points)}
        t = time.perf_counter()
        rows = await planning.due_rows(officer, due_only=False)
        out["due_all_s"] = time.perf_counter() - t
        out["due_rows"] = len(rows)
        t = time.perf_counter()
        due = await planning.due_rows(officer)
        out["due_list_s"] = time.perf_counter() - t
        out["due_listed"] = len(due)
        t = time.perf_counter()
        grid = await planning.colour_map(officer)
        out["map_s"] = time.perf_counter() - t
        out["map_cells"] = len(grid["cells"])

        sheet = xlsx(
            ["风险点名称", "可能导致的事故类型", "评价方法", "L", "E", "C", "管控层级", "责任人"],
            [
                [f"基准风险点{i}", "机械伤害、触电", "LEC", 3, 6, 7, "车间级", "张三"]
                for i in range(SHEET_ROWS)
            ],
        )
        t = time.perf_counter()
        done = await imports.import_points(officer, ids[1], "bench.xlsx", sheet)
        out["import_s"] = time.perf_counter() - t
        out["created"] = done.created
        t = time.perf_counter()
        again = await imports.import_points(officer, ids[1], "bench.xlsx", sheet)
        out["reimport_s"] = time.perf_counter() - t
        out["unchanged"] = again.unchanged
        return out

    print(json.dumps(asyncio.run(main()), default=str))


def _admin_sql(server: str, sql: str) -> None:
    import asyncio

    import asyncpg

    async def run() -> None:
        conn = await asyncpg.connect(server + "/postgres")
        try:
            await conn.execute(sql)
        finally:
            await conn.close()

    asyncio.run(run())


def main() -> None:
    env = dict(os.environ)
    throwaway = None
    if "BENCH_PG_URL" not in env:
        server = env.get("BENCH_PG_SERVER", DEFAULT_PG_SERVER)
        throwaway = f"safety_bench_risk_{os.getpid()}"
        _admin_sql(server, f'CREATE DATABASE "{throwaway}"')
        env["BENCH_PG_URL"] = f"{server}/{throwaway}"
    results = []
    try:
        for engine in ("sqlite", "postgresql"):
            proc = subprocess.run(
                [sys.executable, __file__, "--engine", engine],
                capture_output=True,
                text=True,
                cwd=ROOT,
                env=env,
            )
            if proc.returncode != 0:
                print(f"{engine}: FAILED\n{proc.stderr[-2000:]}")
                continue
            results.append(json.loads(proc.stdout.strip().splitlines()[-1]))
    finally:
        if throwaway:
            _admin_sql(server, f'DROP DATABASE IF EXISTS "{throwaway}" WITH (FORCE)')
    print(f"risk grading: {ENTERPRISES} enterprises, 3 points each; a {SHEET_ROWS}-row import")
    print(
        f"{'engine':<12}{'due (all)':>11}{'due list':>10}{'map':>8}{'import':>9}{'re-import':>11}"
    )
    for r in results:
        assert r["created"] == r["unchanged"] == SHEET_ROWS, r
        print(
            f"{r['engine']:<12}{r['due_all_s']:>10.3f}s{r['due_list_s']:>9.3f}s"
            f"{r['map_s']:>7.3f}s{r['import_s']:>8.2f}s{r['reimport_s']:>10.2f}s"
        )


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "--engine":
        run_one(sys.argv[2])
    else:
        main()
