"""Benchmark: grid workers submitting patrol reports (随手拍) against a real server over a
year of patrol data — 20 concurrent phones, each with its own Idempotency-Keys and some
retries of the same key — and the triage queue and "my reports" at that scale.

Not collected by pytest (no test_ prefix). Makes a fresh database in a temporary folder
(SQLite) or uses the PostgreSQL database named by ``BENCH_PG_URL`` (its public schema is
DROPPED and recreated: never point it at data you want to keep), fills it with
``safety bench-data``'s generator (one street: 5,000 enterprises, 72,000 hazards with their
campaigns and inspections, 240 grid workers, 72,000 patrol reports with photo metadata,
48,000 patrol logs; ``BENCH_SCALE=district``: ten such streets), then starts
uvicorn (``BENCH_WORKERS`` processes: default 1 on SQLite, 2 on PostgreSQL) and measures:

1. submission: ``BENCH_CLIENTS`` (20) clients at once, each posting ``BENCH_REPORTS`` (25)
   reports to POST /api/v1/patrol-reports with an Idempotency-Key; one in five is sent
   again with the same key after its answer (a lost response), one in ten twice at once
   (a double tap): p50/p95/max of the first sends, errors, and duplicates (reports stored
   more than once for one key, counted in the database afterwards);
2. reading at scale: the officer's triage queue (GET /api/v1/patrol-reports?status=new)
   and a grid worker's own reports (GET /api/v1/patrol-reports), p50/p95 of 30 each.

    .venv/bin/python tests/benchmarks/bench_patrol.py
    BENCH_SCALE=district .venv/bin/python tests/benchmarks/bench_patrol.py
    BENCH_PG_URL=postgresql://postgres@127.0.0.1:5432/bench .venv/bin/python \
        tests/benchmarks/bench_patrol.py
"""

from __future__ import annotations

import asyncio
import json
import os
import random
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from tests.benchmarks.bench_uploads import environment, free_port, percentile  # noqa: E402

CLIENTS = int(os.environ.get("BENCH_CLIENTS", "20"))
REPORTS = int(os.environ.get("BENCH_REPORTS", "25"))
SCALE = os.environ.get("BENCH_SCALE", "street")
STREETS = 10 if SCALE == "district" else 1
GOAL_P95_MS = float(os.environ.get("BENCH_GOAL_P95_MS", "500"))

SETUP = """
import asyncio, json, os, sys, time

async def main():
    if os.environ["DATABASE_URL"].startswith("postgres"):
        import asyncpg
        conn = await asyncpg.connect(os.environ["DATABASE_URL"])
        await conn.execute("DROP SCHEMA IF EXISTS public CASCADE; CREATE SCHEMA public")
        await conn.close()
    from safety.migrations import apply_migrations
    await apply_migrations()
    from safety.db import close_pool, open_pool
    await open_pool()
    from inspections.checklists.service import load_library
    await load_library()
    from safety.demo import benchdata
    from safety.settings import get_settings
    from safety.tables import Enterprise, OrgUnit, User
    from tests import factories as f
    streets = int(sys.argv[1])
    started = time.perf_counter()
    counts = await benchdata.generate(
        get_settings().resolved_database_url, enterprises=5000 * streets,
        hazards=72000 * streets, seed=1, zone=get_settings().timezone,
        patrol_reports=72000, patrol_logs=48000,
    )
    generated = time.perf_counter() - started
    street = await OrgUnit.select(OrgUnit.id, OrgUnit.path).where(
        OrgUnit.kind == "street").order_by(OrgUnit.id).first().run()
    grids = await OrgUnit.select(OrgUnit.id).where(
        OrgUnit.kind == "grid", OrgUnit.path.like(street["path"] + "%")
    ).output(as_list=True).run()
    made = [{"street": street["id"], "grids": grids}]
    officer = await f.user("officer", org_unit_id=made[0]["street"])
    workers = await User.select(User.id, User.token_epoch, User.org_unit).where(
        User.role == "grid_worker", User.org_unit.is_in(made[0]["grids"])
    ).order_by(User.id).limit(int(sys.argv[2])).run()
    phones = []
    for w in workers:
        ent = await Enterprise.select(Enterprise.id).where(
            Enterprise.org_unit == w["org_unit"]).first().run()
        phones.append({"auth": f.headers(w), "grid": w["org_unit"],
                       "enterprise": ent["id"] if ent else None})
    print(json.dumps({
        "officer": f.headers(officer), "phones": phones,
        "generate_s": generated, "generated": counts,
    }))
    await close_pool()

asyncio.run(main())
"""

COUNT = """
import asyncio, json, sys

async def main():
    from safety.db import close_pool, open_pool
    await open_pool()
    from inspections.patrol.tables import PatrolReport
    rows = await PatrolReport.select(PatrolReport.description).where(
        PatrolReport.description.like("bench %")).run()
    await close_pool()
    seen = {}
    for r in rows:
        seen[r["description"]] = seen.get(r["description"], 0) + 1
    print(json.dumps({"stored": len(rows), "keys": len(seen),
                      "duplicates": sum(n - 1 for n in seen.values())}))

asyncio.run(main())
"""


async def phone(client, base: str, p: dict, rng: random.Random, out: dict) -> None:
    for i in range(REPORTS):
        key = str(uuid.uuid4())
        body = {
            "org_unit_id": p["grid"],
            "address": f"{i}号门口",
            "description": f"bench {key}",
        }
        if p["enterprise"] and rng.random() < 0.8:
            body["enterprise_id"] = p["enterprise"]
        headers = {**p["auth"], "Idempotency-Key": key}
        double = rng.random() < 0.1
        t = time.perf_counter()
        if double:
            first, second = await asyncio.gather(
                client.post(f"{base}/api/v1/patrol-reports", json=body, headers=headers),
                client.post(f"{base}/api/v1/patrol-reports", json=body, headers=headers),
            )
        else:
            first, second = (
                await client.post(f"{base}/api/v1/patrol-reports", json=body, headers=headers),
                None,
            )
        out["latency"].append(time.perf_counter() - t)
        answers = [first] + ([second] if second is not None else [])
        created = [a for a in answers if a.status_code == 201]
        busy = [a for a in answers if a.status_code == 409 and "progress" in a.text.lower()]
        if not created or len(created) + len(busy) != len(answers):
            out["errors"].append([a.status_code for a in answers] + [first.text[:120]])
            continue
        rid = created[0].json()["id"]
        if any(a.json()["id"] != rid for a in created):
            out["errors"].append(["two ids for one key"])
        out["doubles"] += int(double)
        if double or rng.random() < 0.2:  # a retry after a lost answer
            again = await client.post(f"{base}/api/v1/patrol-reports", json=body, headers=headers)
            out["retries"] += 1
            if again.status_code != 201 or again.json()["id"] != rid:
                out["errors"].append(["retry", again.status_code, again.text[:120]])


async def wait_until_up(client, base: str, server: subprocess.Popen) -> None:
    """Up to two minutes: two workers start slowly on a busy two-core machine."""
    for _ in range(1200):
        if server.poll() is not None:
            raise SystemExit(f"the server exited with {server.returncode}")
        try:
            if (await client.get(f"{base}/health")).status_code == 200:
                return
        except Exception:  # noqa: BLE001, S110 - not listening yet
            pass
        await asyncio.sleep(0.1)
    raise SystemExit("the server did not come up")


async def reads(client, base: str, path: str, headers: dict, n: int = 30) -> list[float]:
    out = []
    for _ in range(n):
        t = time.perf_counter()
        r = await client.get(f"{base}{path}", headers=headers)
        out.append(time.perf_counter() - t)
        assert r.status_code == 200, r.text[:200]
    return out


def main() -> None:
    tmp = Path(tempfile.mkdtemp(prefix="bench-patrol-"))
    env = environment(tmp)
    pg = env["DATABASE_URL"].startswith("postgres")
    workers = int(os.environ.get("BENCH_WORKERS", "2" if pg else "1"))
    print(
        f"database: {'PostgreSQL' if pg else 'SQLite'} ({env['DATABASE_URL'].split('@')[-1]}), "
        f"scale: {SCALE} ({STREETS} street(s)), server workers: {workers}"
    )
    made = subprocess.run(
        [sys.executable, "-c", SETUP, str(STREETS), str(CLIENTS)],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    if made.returncode != 0:
        raise SystemExit(made.stderr[-4000:])
    setup = json.loads(made.stdout.strip().splitlines()[-1])
    g = setup["generated"]
    print(
        f"data (safety bench-data): {g['patrol_report']:,} patrol reports, "
        f"{g['attachment']:,} photos, {g['patrol_log']:,} logs, "
        f"{g['patrol_log_visit']:,} visits, {g['app_user']:,} grid workers, "
        f"{g['enterprise']:,} enterprises, {g['hazard']:,} hazards — "
        f"generated in {setup['generate_s']:.1f} s"
    )
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "uvicorn",
            "safety.app:create_app",
            "--factory",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--log-level",
            "warning",
            "--workers",
            str(workers),
        ],
        env=env,
        cwd=ROOT,
    )
    try:

        async def run() -> dict:
            import httpx

            out = {"latency": [], "errors": [], "retries": 0, "doubles": 0}
            limits = httpx.Limits(max_connections=CLIENTS * 2 + 4)
            async with httpx.AsyncClient(timeout=120, limits=limits) as client:
                await wait_until_up(client, base, server)
                phones = setup["phones"]
                # Warm up every worker process (imports, pools), then measure.
                await reads(client, base, "/api/v1/patrol-reports?limit=1", phones[0]["auth"], 8)
                started = time.perf_counter()
                await asyncio.gather(
                    *[phone(client, base, p, random.Random(i), out) for i, p in enumerate(phones)]
                )
                out["wall"] = time.perf_counter() - started
                out["queue"] = await reads(
                    client, base, "/api/v1/patrol-reports?status=new", setup["officer"]
                )
                out["mine"] = await reads(client, base, "/api/v1/patrol-reports", phones[0]["auth"])
            return out

        result = asyncio.run(run())
    finally:
        server.terminate()
        try:
            server.wait(timeout=60)
        except subprocess.TimeoutExpired:  # never lose the measurements to a slow stop
            print("the server did not stop within 60 s: killed")
            server.kill()
            server.wait()
    counted = subprocess.run(
        [sys.executable, "-c", COUNT], env=env, cwd=ROOT, capture_output=True, text=True
    )
    if counted.returncode != 0:
        raise SystemExit(counted.stderr[-4000:])
    stored = json.loads(counted.stdout.strip().splitlines()[-1])
    ms = 1000
    lat = result["latency"]
    sent = len(lat)
    print(
        f"submission: {CLIENTS} clients × {REPORTS} reports = {sent} keys in "
        f"{result['wall']:.1f} s ({sent / result['wall']:.0f}/s); "
        f"{result['doubles']} double taps, {result['retries']} retries of a used key"
    )
    p95 = percentile(lat, 95) * ms
    print(
        f"  per report: p50={percentile(lat, 50) * ms:.0f} ms p95={p95:.0f} ms "
        f"max={max(lat) * ms:.0f} ms (goal p95 ≤ {GOAL_P95_MS:.0f} ms: "
        f"{'OK' if p95 <= GOAL_P95_MS else 'OVER'})"
    )
    print(
        f"  errors: {len(result['errors'])}  stored: {stored['stored']} for {stored['keys']} keys, "
        f"duplicates: {stored['duplicates']}"
    )
    for e in result["errors"][:5]:
        print("   ", e)
    for name, key in (("triage queue (officer, status=new)", "queue"), ("my reports", "mine")):
        values = result[key]
        print(
            f"{name}: p50={percentile(values, 50) * ms:.0f} ms "
            f"p95={percentile(values, 95) * ms:.0f} ms"
        )
    ok = not result["errors"] and stored["duplicates"] == 0 and stored["keys"] == sent
    raise SystemExit(0 if ok else 1)


if __name__ == "__main__":
    main()
