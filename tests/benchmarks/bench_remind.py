"""How long ``safety remind`` takes, and how many queries it makes, over 10,000 open
hazards — on SQLite and PostgreSQL side by side, each in a throwaway database.

    .venv/bin/python tests/benchmarks/bench_remind.py [--hazards 10000] [--enterprises 500]
        [--engines sqlite,postgresql] [--pg postgresql://postgres@127.0.0.1:5432/postgres]

Each engine runs in a child process (settings and the Piccolo engine are per process). The
data: one street, 5 communities × 4 grids, enterprises spread over the grids with one
contact each, an officer per community and one for the street; hazards due soon, overdue,
later, submitted (waiting for verification) and with pending extension requests. Deliveries
go to a local HTTP server standing in for the group robot, so the webhook path is timed too.
A second run the same day shows the idempotent cost (no new digests, nothing sent).
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import json
import os
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _robot() -> tuple[ThreadingHTTPServer, str, list]:
    posts: list = []

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):
            self.rfile.read(int(self.headers["Content-Length"]))
            posts.append(1)
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.end_headers()
            self.wfile.write(b'{"errcode":0}')

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_port}/send?key=bench", posts


async def _fill(n_hazards: int, n_enterprises: int, today: dt.date) -> None:
    from inspections.tables import Hazard
    from rectification.tables import EvidenceSubmission, ExtensionRequest
    from safety.actors import SYSTEM
    from safety.orgs import OrgUnitIn, create_org_unit
    from safety.rules import make_uscc
    from safety.tables import Enterprise, User

    street = await create_org_unit(SYSTEM, OrgUnitIn(name="基准街道", kind="street"))
    grids, communities = [], []
    for c in range(5):
        com = await create_org_unit(
            SYSTEM, OrgUnitIn(name=f"基准社区{c}", kind="community", parent_id=street["id"])
        )
        communities.append(com)
        for g in range(4):
            grids.append(
                await create_org_unit(
                    SYSTEM, OrgUnitIn(name=f"基准网格{c}-{g}", kind="grid", parent_id=com["id"])
                )
            )
    ents = [
        Enterprise(
            name=f"基准企业{i}",
            uscc=make_uscc(f"91370102{i:09d}"),
            org_unit=grids[i % len(grids)]["id"],
        )
        for i in range(n_enterprises)
    ]
    ids = [r["id"] for r in await Enterprise.insert(*ents).returning(Enterprise.id).run()]
    users = [
        User(
            username=f"contact{i}",
            username_key=f"contact{i}",
            password_hash="x",
            role="enterprise",
            enterprise=eid,
        )
        for i, eid in enumerate(ids)
    ]
    users += [
        User(
            username=f"officer{c}",
            username_key=f"officer{c}",
            password_hash="x",
            role="officer",
            org_unit=com["id"],
        )
        for c, com in enumerate(communities)
    ]
    users.append(
        User(
            username="officer_street",
            username_key="officer_street",
            password_hash="x",
            role="officer",
            org_unit=street["id"],
        )
    )
    await User.insert(*users).run()

    rows = []
    for i in range(n_hazards):
        kind = i % 10
        # 0-1 due within 3 days, 2-4 overdue, 5 submitted, 6 with an extension, rest later
        deadline = (
            today + dt.timedelta(days=i % 3)
            if kind < 2
            else today - dt.timedelta(days=1 + i % 30)
            if kind < 5
            else today + dt.timedelta(days=20 + i % 40)
        )
        rows.append(
            Hazard(
                enterprise=ids[(i // 10) % len(ids)],  # every kind at every enterprise
                description=f"基准隐患{i}：配电箱前堆放杂物，疏散通道堵塞",
                category="site",
                level="major" if i % 17 == 0 else "general",
                found_on=deadline - dt.timedelta(days=15),
                deadline=deadline,
                effective_deadline=deadline,
                status="submitted" if kind == 5 else "rectifying" if kind == 6 else "pending",
            )
        )
    hazard_ids: list[int] = []
    for start in range(0, len(rows), 1000):
        done = await Hazard.insert(*rows[start : start + 1000]).returning(Hazard.id).run()
        hazard_ids += [r["id"] for r in done]
    old = dt.datetime.now(dt.UTC) - dt.timedelta(days=5)
    subs = [
        EvidenceSubmission(hazard=h, description="已整改", completed_on=today, submitted_at=old)
        for i, h in enumerate(hazard_ids)
        if i % 10 == 5
    ]
    exts = [
        ExtensionRequest(hazard=h, new_deadline=today + dt.timedelta(days=90), reason="待料")
        for i, h in enumerate(hazard_ids)
        if i % 10 == 6
    ]
    for batch in (subs, exts):
        for start in range(0, len(batch), 1000):
            await type(batch[0]).insert(*batch[start : start + 1000]).run()


def _count_queries():
    """Wrap the engine so every statement it runs is counted."""
    from safety.db import engine

    cls = type(engine())
    counter = {"n": 0}
    for name in ("run_querystring", "run_ddl"):
        original = getattr(cls, name)

        async def counted(self, *args, _original=original, **kwargs):
            counter["n"] += 1
            return await _original(self, *args, **kwargs)

        setattr(cls, name, counted)
    return counter


async def _measure(n_hazards: int, n_enterprises: int) -> dict:
    from pydantic import SecretStr

    from rectification.reminders import run_reminders
    from safety.db import close_pool, open_pool
    from safety.migrations import apply_migrations
    from safety.settings import get_settings, local_today

    await apply_migrations()
    await open_pool()
    try:
        today = local_today()
        started = time.perf_counter()
        await _fill(n_hazards, n_enterprises, today)
        filled = time.perf_counter() - started
        server, url, posts = _robot()
        get_settings().webhook_url = SecretStr(url)
        counter = _count_queries()
        started = time.perf_counter()
        first = await run_reminders(today)
        first_s = time.perf_counter() - started
        first_q = counter["n"]
        counter["n"] = 0
        started = time.perf_counter()
        second = await run_reminders(today)
        second_s = time.perf_counter() - started
        server.shutdown()
        return {
            "fill_s": round(filled, 2),
            "first_s": round(first_s, 2),
            "first_queries": first_q,
            "digests": first.digests_created,
            "webhook_posts": len(posts),
            "due": first.hazards_due,
            "overdue": first.hazards_overdue,
            "waiting": first.waiting_verification,
            "extensions": first.pending_extensions,
            "second_s": round(second_s, 2),
            "second_queries": counter["n"],
            "second_new_digests": second.digests_created,
        }
    finally:
        await close_pool()


def child(args) -> None:
    sys.path.insert(0, str(ROOT))
    result = asyncio.run(_measure(args.hazards, args.enterprises))
    print("RESULT " + json.dumps(result))


def run_engine(engine: str, args) -> dict:
    env = {**os.environ, "PICCOLO_CONF": "safety.piccolo_conf"}
    tmp = Path(tempfile.mkdtemp(prefix="bench-remind-"))
    env["SAFETY_DATA_DIR"] = str(tmp)
    env["SAFETY_SECRET_KEY"] = "bench-secret-key-bench-secret-key-0123456789"
    dropper = None
    if engine == "sqlite":
        env["DATABASE_URL"] = f"sqlite:///{tmp / 'bench.sqlite3'}"
    else:
        name = f"bench_remind_{uuid.uuid4().hex[:8]}"
        admin = ["psql", args.pg, "-qc"]
        subprocess.run([*admin, f'CREATE DATABASE "{name}"'], check=True)
        env["DATABASE_URL"] = args.pg.rsplit("/", 1)[0] + f"/{name}"

        def dropper():
            subprocess.run([*admin, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'])

    try:
        out = subprocess.run(
            [sys.executable, __file__, "--child", *sys.argv[1:]],
            env=env,
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=False,
        )
    finally:
        if dropper:
            dropper()
    line = next((x for x in out.stdout.splitlines() if x.startswith("RESULT ")), None)
    if line is None:
        raise SystemExit(f"{engine} failed:\n{out.stdout}\n{out.stderr}")
    return json.loads(line[7:])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--hazards", type=int, default=10_000)
    parser.add_argument("--enterprises", type=int, default=500)
    parser.add_argument("--engines", default="sqlite,postgresql")
    parser.add_argument("--pg", default="postgresql://postgres@127.0.0.1:5432/postgres")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args)
        return
    print(f"safety remind over {args.hazards} open hazards, {args.enterprises} enterprises")
    print(
        f"{'engine':<11} {'fill':>6} {'run':>6} {'queries':>8} {'digests':>8} {'posts':>6}"
        f" {'due':>5} {'overdue':>8} {'waiting':>8} {'ext':>5} | {'rerun':>6} {'queries':>8}"
        f" {'new':>4}"
    )
    for engine in args.engines.split(","):
        r = run_engine(engine, args)
        print(
            f"{engine:<11} {r['fill_s']:>5}s {r['first_s']:>5}s {r['first_queries']:>8}"
            f" {r['digests']:>8} {r['webhook_posts']:>6} {r['due']:>5} {r['overdue']:>8}"
            f" {r['waiting']:>8} {r['extensions']:>5} | {r['second_s']:>5}s"
            f" {r['second_queries']:>8} {r['second_new_digests']:>4}"
        )


if __name__ == "__main__":
    main()
