"""Benchmark: import a 5,000-row ledger on SQLite and on PostgreSQL, in one run.

Not collected by pytest (no test_ prefix). Each engine runs in its own subprocess (the
Piccolo engine is fixed per process) against a fresh database: a temporary SQLite file, and
a PostgreSQL database: by default a throwaway one created on the local server
(``BENCH_PG_SERVER``, default postgresql://postgres@127.0.0.1:5432) and dropped afterwards;
or the one named by ``BENCH_PG_URL``, whose public schema is DROPPED and recreated: never
point it at data you want to keep.

    .venv/bin/python tests/bench_import.py            # both engines
    BENCH_PG_URL=postgresql://postgres@127.0.0.1:5432/mydb .venv/bin/python tests/bench_import.py

Timed per engine: parsing the .xlsx (off the event loop, as the server does), the first
import (5,000 creates in batches of 500, one audit event per enterprise), a re-import (all
unchanged), and a re-import where every row changes one field (5,000 updates).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
ROWS = 5000
DEFAULT_PG_SERVER = "postgresql://postgres@127.0.0.1:5432"


def run_one(engine: str) -> None:
    """Child process: set up the environment before any project import, then time."""
    tmp = Path(tempfile.mkdtemp(prefix="bench-import-"))
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
        from safety.registry import sync as registry_sync
        from safety.tables import Enterprise
        from tests import factories as f
        from tests.safety.sheets import HEADER, xlsx

        tree = await f.org_tree()
        officer = f.actor(await f.user("officer", org_unit_id=tree["street"]["id"]))

        def sheet(phone: str) -> bytes:
            rows = [
                [
                    f"基准企业{i}",
                    f.uscc(10_000_000 + i),
                    tree["community"]["name"],
                    tree[f"grid{1 + i % 2}"]["name"],
                    "C",
                    "张三",
                    phone,
                ]
                for i in range(ROWS)
            ]
            return xlsx(HEADER, rows)

        first, changed = sheet("13800138000"), sheet("13900139000")
        out: dict = {"engine": engine, "rows": ROWS}

        t = time.perf_counter()
        parsed = await registry_sync.read_upload("bench.xlsx", first)
        out["parse_s"] = time.perf_counter() - t

        t = time.perf_counter()
        done = await registry_sync.apply_import(officer, parsed)
        out["first_import_s"] = time.perf_counter() - t
        out["created"] = done.count("create")

        t = time.perf_counter()
        done = await registry_sync.apply_import(
            officer, await registry_sync.read_upload("bench.xlsx", first)
        )
        out["reimport_unchanged_s"] = time.perf_counter() - t
        out["unchanged"] = done.count("unchanged")

        t = time.perf_counter()
        done = await registry_sync.apply_import(
            officer, await registry_sync.read_upload("bench.xlsx", changed)
        )
        out["reimport_all_changed_s"] = time.perf_counter() - t
        out["updated"] = done.count("update")
        out["stored"] = await Enterprise.count().run()
        return out

    print(json.dumps(asyncio.run(main())))


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
        throwaway = f"safety_bench_{os.getpid()}"
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
    _report(results)


def _report(results: list[dict]) -> None:
    print(f"5,000-row ledger import ({ROWS} rows, batches of 500, one audit event per row)")
    print(f"{'engine':<12}{'parse':>9}{'import':>10}{'re-import':>11}{'all-changed':>13}")
    for r in results:
        assert r["created"] == r["unchanged"] == r["updated"] == ROWS, r
        print(
            f"{r['engine']:<12}{r['parse_s']:>8.2f}s{r['first_import_s']:>9.2f}s"
            f"{r['reimport_unchanged_s']:>10.2f}s{r['reimport_all_changed_s']:>12.2f}s"
        )


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "--engine":
        run_one(sys.argv[2])
    else:
        main()
