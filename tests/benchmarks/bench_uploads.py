"""Benchmark: phone photo uploads against the real server, and whether the event loop stays
free while they are processed.

Not collected by pytest (no test_ prefix). Starts the app with uvicorn on a free port of
127.0.0.1 (one worker, as ``safety serve`` runs by default) over a fresh SQLite file in a
temporary folder — or over the PostgreSQL database named by ``BENCH_PG_URL``, whose public
schema is DROPPED and recreated: never point it at data you want to keep.

    .venv/bin/python tests/benchmarks/bench_uploads.py
    BENCH_UPLOADS=10 BENCH_ROUNDS=3 .venv/bin/python tests/benchmarks/bench_uploads.py

Measured, in one run:
1. idle: /health latency, sequential requests (p50, p95);
2. one upload at a time: from the start of ``POST /api/v1/enterprises/{id}/photos`` with a
   5 MB 12 MP phone JPEG (noise, EXIF orientation 6, capture time, GPS) to the last byte of
   its thumbnail (median of ``BENCH_ROUNDS``);
3. under load: ``BENCH_UPLOADS`` (10) such uploads at once while /health is polled back to
   back; its p95 against the idle p95 (goal: ≤ 3×), and how long the uploads took.
"""

from __future__ import annotations

import asyncio
import json
import os
import secrets
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

UPLOADS = int(os.environ.get("BENCH_UPLOADS", "10"))
ROUNDS = int(os.environ.get("BENCH_ROUNDS", "3"))
IDLE_SAMPLES = 300
GOAL_RATIO = 3.0

SETUP = """
import asyncio, json
from safety.migrations import apply_migrations

async def main():
    import os
    if os.environ["DATABASE_URL"].startswith("postgres"):
        import asyncpg
        conn = await asyncpg.connect(os.environ["DATABASE_URL"])
        await conn.execute("DROP SCHEMA IF EXISTS public CASCADE; CREATE SCHEMA public")
        await conn.close()
    await apply_migrations()
    from safety.db import close_pool, open_pool
    await open_pool()
    from tests import factories as f
    tree = await f.org_tree()
    ent = await f.enterprise(tree["grid1"]["id"])
    officer = await f.user("officer", org_unit_id=tree["street"]["id"])
    print(json.dumps({"auth": f.headers(officer), "enterprise_id": ent["id"]}))
    await close_pool()

asyncio.run(main())
"""


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    k = max(0, min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1))))
    return ordered[k]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def environment(tmp: Path) -> dict[str, str]:
    env = dict(os.environ)
    env["DATABASE_URL"] = os.environ.get("BENCH_PG_URL") or f"sqlite:///{tmp / 'bench.sqlite3'}"
    env["SAFETY_DATA_DIR"] = str(tmp / "data")
    env["SAFETY_SECRET_KEY"] = secrets.token_urlsafe(48)
    env["PICCOLO_CONF"] = "safety.piccolo_conf"
    env["PYTHONPATH"] = str(ROOT)
    return env


async def wait_until_up(client, base: str, server: subprocess.Popen) -> None:
    for _ in range(300):
        if server.poll() is not None:
            raise SystemExit(f"the server exited with {server.returncode}")
        try:
            if (await client.get(f"{base}/health")).status_code == 200:
                return
        except Exception:  # noqa: BLE001, S110 - not listening yet
            pass
        await asyncio.sleep(0.1)
    raise SystemExit("the server did not come up")


async def health_latencies(client, base: str, until=None, count: int = 0) -> list[float]:
    """Back-to-back /health requests: ``count`` of them, or until ``until`` is done."""
    out: list[float] = []
    while (until is not None and not until.done()) or len(out) < count:
        t = time.perf_counter()
        r = await client.get(f"{base}/health")
        out.append(time.perf_counter() - t)
        assert r.status_code == 200, r.text
    return out


async def upload_to_thumbnail(client, base: str, setup: dict, photo: bytes) -> tuple[float, float]:
    """(seconds to the 201, seconds to the thumbnail's last byte), from the POST's start."""
    t = time.perf_counter()
    r = await client.post(
        f"{base}/api/v1/enterprises/{setup['enterprise_id']}/photos",
        files={"file": ("IMG_0001.jpg", photo, "image/jpeg")},
        headers=setup["auth"],
    )
    assert r.status_code == 201, r.text
    created = time.perf_counter() - t
    thumb = await client.get(f"{base}{r.json()['thumbnail_url']}", headers=setup["auth"])
    assert thumb.status_code == 200 and thumb.content[:2] == b"\xff\xd8", thumb.status_code
    return created, time.perf_counter() - t


async def measure(base: str, setup: dict, photos: list[bytes]) -> dict:
    import httpx

    limits = httpx.Limits(max_connections=UPLOADS + 4)
    async with (
        httpx.AsyncClient(timeout=300, limits=limits) as client,
        httpx.AsyncClient(timeout=60) as prober,
    ):
        await health_latencies(prober, base, count=30)  # warm up
        idle = await health_latencies(prober, base, count=IDLE_SAMPLES)

        singles = [await upload_to_thumbnail(client, base, setup, photos[i]) for i in range(ROUNDS)]

        started = time.perf_counter()
        burst = asyncio.ensure_future(
            asyncio.gather(
                *[
                    upload_to_thumbnail(client, base, setup, photos[ROUNDS + i])
                    for i in range(UPLOADS)
                ]
            )
        )
        loaded = await health_latencies(prober, base, until=burst)
        done = await burst
        wall = time.perf_counter() - started
    return {"idle": idle, "singles": singles, "loaded": loaded, "burst": done, "wall": wall}


def main() -> None:
    from tests.imagegen import phone_photo

    tmp = Path(tempfile.mkdtemp(prefix="bench-uploads-"))
    env = environment(tmp)
    print(f"database: {env['DATABASE_URL'].split('@')[-1]}  data: {tmp}")

    made = subprocess.run(
        [sys.executable, "-c", SETUP], env=env, cwd=ROOT, capture_output=True, text=True
    )
    if made.returncode != 0:
        raise SystemExit(made.stderr)
    setup = json.loads(made.stdout.strip().splitlines()[-1])

    t = time.perf_counter()
    base_photo = phone_photo()
    # Distinct bytes per upload (a differing comment segment), so none is deduplicated.
    photos = [
        base_photo[:2] + b"\xff\xfe\x00\x10" + f"{i:014d}".encode() + base_photo[2:]
        for i in range(ROUNDS + UPLOADS)
    ]
    print(
        f"photo: {len(base_photo) / 1e6:.1f} MB, 4000×3000, EXIF orientation 6 "
        f"(made in {time.perf_counter() - t:.1f} s)"
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
        ],
        env=env,
        cwd=ROOT,
    )
    try:

        async def run() -> dict:
            import httpx

            async with httpx.AsyncClient() as c:
                await wait_until_up(c, base, server)
            return await measure(base, setup, photos)

        result = asyncio.run(run())
    finally:
        server.terminate()
        server.wait(timeout=30)

    ms = 1000
    idle, loaded = result["idle"], result["loaded"]
    idle_p95, loaded_p95 = percentile(idle, 95), percentile(loaded, 95)
    singles = result["singles"]
    burst = result["burst"]
    print(
        f"idle /health: n={len(idle)} p50={percentile(idle, 50) * ms:.1f} ms "
        f"p95={idle_p95 * ms:.1f} ms"
    )
    print(
        "one upload → thumbnail: median "
        f"{statistics.median(s[1] for s in singles):.2f} s "
        f"(201 after {statistics.median(s[0] for s in singles):.2f} s; rounds: "
        + ", ".join(f"{s[1]:.2f}" for s in singles)
        + ")"
    )
    print(
        f"{UPLOADS} uploads at once: all thumbnails in {result['wall']:.2f} s; each upload → "
        f"thumbnail p50={percentile([b[1] for b in burst], 50):.2f} s "
        f"max={max(b[1] for b in burst):.2f} s"
    )
    print(
        f"/health under load: n={len(loaded)} p50={percentile(loaded, 50) * ms:.1f} ms "
        f"p95={loaded_p95 * ms:.1f} ms max={max(loaded) * ms:.1f} ms"
    )
    ratio = loaded_p95 / idle_p95
    verdict = "OK" if ratio <= GOAL_RATIO else "OVER the goal"
    print(f"p95 ratio under load / idle: {ratio:.2f}× (goal ≤ {GOAL_RATIO:.0f}×: {verdict})")


if __name__ == "__main__":
    main()
