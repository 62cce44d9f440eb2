"""Benchmark: does a hostile import slow the registry down for everyone else?

Not collected by pytest (no test_ prefix). Starts the real app with uvicorn on 127.0.0.1
(one worker by default: the worst case, every request on the same event loop) over a fresh
SQLite file (or ``BENCH_DATABASE_URL``, whose tables must be empty or absent), logs an
officer in through the API, then, in one run:

1. idle: ``GET /api/v1/enterprises`` timed, one request after the other;
2. hostile: the same while two other clients keep uploading hostile sheets to
   ``POST /api/v1/enterprises/import``, one after the other: 1,000,000 shared strings
   (~46 KB), a sheet bomb of 1,000,000 cells in one row, another of 1,000,000 one-cell rows,
   and a sheet just under the caps (150,000 shared strings) that is parsed for real.

The phases alternate in ``BLOCKS`` blocks (``REQUESTS`` requests per phase in all), so
whatever else runs on the machine weighs on both alike.

It prints the p50/p95 of both phases and the ratio of the p95s (goal: hostile ≤ 3× idle),
and what the hostile uploads got (all should be 400, or 200 for the one under the caps).

    .venv/bin/python tests/benchmarks/bench_hostile_import.py
    BENCH_WORKERS=2 BENCH_REQUESTS=300 .venv/bin/python tests/benchmarks/bench_hostile_import.py
"""

from __future__ import annotations

import asyncio
import os
import secrets
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
REQUESTS = int(os.environ.get("BENCH_REQUESTS", "200"))
WORKERS = int(os.environ.get("BENCH_WORKERS", "1"))
BLOCKS = 4
ENTERPRISES = 300
PASSWORD = "Bench-Passw0rd!"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _environment(tmp: Path) -> dict[str, str]:
    env = dict(os.environ)
    env["DATABASE_URL"] = os.environ.get("BENCH_DATABASE_URL", f"sqlite:///{tmp / 'bench.sqlite3'}")
    env["SAFETY_DATA_DIR"] = str(tmp / "data")
    env["SAFETY_SECRET_KEY"] = secrets.token_urlsafe(32)
    env.setdefault("PICCOLO_CONF", "safety.piccolo_conf")
    return env


def _prepare() -> None:
    """In this process (environment already set): migrate, an org tree, an officer and
    ``ENTERPRISES`` enterprises, so the list has something to list."""
    sys.path.insert(0, str(ROOT))

    async def main() -> None:
        from safety.accounts.service import NewUser, create_user
        from safety.actors import SYSTEM
        from safety.db import close_pool, open_pool
        from safety.migrations import apply_migrations
        from tests import factories as f

        await apply_migrations()
        await open_pool()
        try:
            tree = await f.org_tree()
            data = NewUser(
                username="bench_officer",
                password=PASSWORD,
                role="officer",
                org_unit_id=tree["street"]["id"],
            )
            await create_user(SYSTEM, data)
            for i in range(ENTERPRISES):
                await f.enterprise(tree[f"grid{1 + i % 2}"]["id"], name=f"基准企业{i}")
        finally:
            await close_pool()

    asyncio.run(main())


def _hostile_files() -> list[tuple[str, bytes]]:
    sys.path.insert(0, str(ROOT))
    from tests.safety.sheets import shared_string_bomb, sheet_bomb

    row = ["企业", "91370102MA3C0000X1", "社区", "网格", "C", "张三", "13800138000"]
    return [
        ("1M shared strings", shared_string_bomb([row], 1_000_000)),
        ("1M cells in a row", sheet_bomb(1, 1_000_000)),
        ("1M rows", sheet_bomb(1_000_000, 1)),
        ("150k shared strings (under the caps)", shared_string_bomb([row], 150_000)),
    ]


def _p(values: list[float], q: float) -> float:
    return statistics.quantiles(values, n=100, method="inclusive")[q - 1]


def _time_list(client, headers: dict, n: int) -> list[float]:
    times = []
    for _ in range(n):
        t = time.perf_counter()
        r = client.get("/api/v1/enterprises", params={"limit": 50}, headers=headers)
        times.append(time.perf_counter() - t)
        assert r.status_code == 200, r.text[:300]
    return times


def _attack(base, headers, files, offset, stop, outcomes, durations) -> None:
    """Upload the hostile files, one after the other, until ``stop``."""
    import httpx

    with httpx.Client(base_url=base, timeout=600) as client:
        i = offset
        while not stop.is_set():
            name, data = files[i % len(files)]
            i += 1
            t = time.perf_counter()
            r = client.post(
                "/api/v1/enterprises/import",
                files={"file": ("ledger.xlsx", data)},
                headers=headers,
            )
            durations.setdefault(name, []).append(time.perf_counter() - t)
            outcomes[(name, r.status_code)] += 1


def main() -> None:
    import httpx

    tmp = Path(tempfile.mkdtemp(prefix="bench-hostile-"))
    env = _environment(tmp)
    os.environ.update({k: env[k] for k in ("DATABASE_URL", "SAFETY_DATA_DIR", "PICCOLO_CONF")})
    os.environ["SAFETY_SECRET_KEY"] = env["SAFETY_SECRET_KEY"]
    _prepare()
    files = _hostile_files()
    sizes = ", ".join(f"{name}: {len(data) // 1024} KB" for name, data in files)
    port = _free_port()
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
            "--workers",
            str(WORKERS),
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=env,
    )
    try:
        with httpx.Client(base_url=base, timeout=120) as client:
            for _ in range(300):
                try:
                    if client.get("/health").status_code == 200:
                        break
                except httpx.TransportError:
                    pass
                time.sleep(0.1)
            else:
                raise SystemExit("the server did not start")
            r = client.post(
                "/api/v1/auth/token", json={"username": "bench_officer", "password": PASSWORD}
            )
            r.raise_for_status()
            headers = {"Authorization": f"Bearer {r.json()['access_token']}"}
            _time_list(client, headers, 20)  # warm up
            outcomes: Counter = Counter()
            durations: dict[str, list[float]] = {}
            idle: list[float] = []
            hostile: list[float] = []
            # Idle and hostile blocks alternate, so the load of anything else running on
            # the machine weighs on both phases alike.
            for block in range(BLOCKS):
                idle += _time_list(client, headers, REQUESTS // BLOCKS)
                stop = threading.Event()
                attackers = [
                    threading.Thread(
                        target=_attack,
                        args=(base, headers, files, block * 2 + k, stop, outcomes, durations),
                    )
                    for k in range(2)
                ]
                for a in attackers:
                    a.start()
                time.sleep(0.5)  # let the first hostile uploads arrive
                hostile += _time_list(client, headers, REQUESTS // BLOCKS)
                stop.set()
                for a in attackers:
                    a.join()
    finally:
        server.terminate()
        server.wait(timeout=30)

    idle95, hostile95 = _p(idle, 95), _p(hostile, 95)
    print(
        f"GET /api/v1/enterprises ({ENTERPRISES} enterprises, limit 50), uvicorn workers: "
        f"{WORKERS}, {REQUESTS} requests per phase"
    )
    print(f"hostile files: {sizes}")
    print(f"idle     p50 {_p(idle, 50) * 1000:7.1f} ms   p95 {idle95 * 1000:7.1f} ms")
    print(f"hostile  p50 {_p(hostile, 50) * 1000:7.1f} ms   p95 {hostile95 * 1000:7.1f} ms")
    print(f"ratio of p95s: {hostile95 / idle95:.2f}x (goal <= 3x)")
    print("hostile uploads during the run (status: count, mean time):")
    for (name, status), count in sorted(outcomes.items()):
        mean = statistics.mean(durations[name])
        print(f"  {name:<40} {status}: {count:>3}   {mean:6.2f} s")


if __name__ == "__main__":
    main()
