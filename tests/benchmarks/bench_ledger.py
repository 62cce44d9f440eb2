"""Benchmark: the 隐患台账 export (GET /api/v1/hazards/export.xlsx) at 10,000 and 100,000
rows, on SQLite and on PostgreSQL: time to the first byte, total time, size, and the
server's peak memory (VmHWM), which must stay flat from 10k to 100k rows (the export is
streamed: chunks of 2,000 rows in, deflated sheet XML out; no row list, no file in
memory).

Not collected by pytest. Per engine and size: a fresh database (a temporary SQLite file; a
throwaway PostgreSQL database on ``BENCH_PG_SERVER``, default
postgresql://postgres@127.0.0.1:5432, dropped afterwards), filled by ``safety bench-data``
(one street of 5,000 enterprises, N hazards with their histories), a street officer made
with ``safety createuser``, then a real server (``safety serve``, one worker) and a real
HTTP client that streams the body to nowhere. The server's peak RSS is read from
/proc/<pid>/status after a warm-up request (baseline) and after the export, and its CPU
time for the export from /proc/<pid>/stat (on a busy shared machine the clock time says
more about the neighbours than about the export).

    .venv/bin/python tests/benchmarks/bench_ledger.py                 # both engines, 10k and 100k
    BENCH_ENGINES=sqlite BENCH_SIZES=10000 .venv/bin/python tests/benchmarks/bench_ledger.py
    BENCH_WRITER_ONLY=1 .venv/bin/python tests/benchmarks/bench_ledger.py  # the writer alone

``BENCH_WRITER_ONLY=1``: no database, no server: the CPU time of ``safety.sheets.stream``
writing 20,000 ledger-like rows (unique descriptions, so no cache helps) as a plain sheet
with text dates and with the ledger's set-up (title rows, wrapped columns with row
heights, date cells, print set-up), best of three.
"""

from __future__ import annotations

import asyncio
import json
import os
import socket
import sqlite3
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[2]
SAFETY = Path(sys.executable).with_name("safety")
PG_SERVER = os.environ.get("BENCH_PG_SERVER", "postgresql://postgres@127.0.0.1:5432")
PASSWORD = "Bench-Ledger-2026!"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _hwm_kib(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1])
    raise RuntimeError("no VmHWM")


def _cpu_seconds(pid: int) -> float:
    """utime + stime of the process: what the export cost, however busy the machine."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _safety(env: dict, *args: str) -> str:
    done = subprocess.run(
        [str(SAFETY), *args], env=env, cwd=ROOT, capture_output=True, text=True, check=False
    )
    if done.returncode != 0:
        raise RuntimeError(f"safety {' '.join(args)}: {done.stdout}\n{done.stderr}")
    return done.stdout


async def _pg(sql: str) -> None:
    import asyncpg

    conn = await asyncpg.connect(f"{PG_SERVER}/postgres")
    try:
        await conn.execute(sql)
    finally:
        await conn.close()


async def _street_id(url: str) -> int:
    if url.startswith("sqlite"):
        with sqlite3.connect(url.removeprefix("sqlite:///")) as conn:
            return conn.execute("SELECT min(id) FROM org_unit WHERE kind = 'street'").fetchone()[0]
    import asyncpg

    conn = await asyncpg.connect(url)
    try:
        return await conn.fetchval("SELECT min(id) FROM org_unit WHERE kind = 'street'")
    finally:
        await conn.close()


async def one(engine: str, hazards: int) -> dict:
    tmp = Path(tempfile.mkdtemp(prefix="bench-ledger-"))
    name = f"bench_ledger_{uuid.uuid4().hex[:8]}"
    url = f"sqlite:///{tmp / 'bench.sqlite3'}" if engine == "sqlite" else f"{PG_SERVER}/{name}"
    if engine == "postgresql":
        await _pg(f'CREATE DATABASE "{name}"')
    env = dict(
        os.environ,
        DATABASE_URL=url,
        SAFETY_DATA_DIR=str(tmp / "data"),
        SAFETY_SECRET_KEY="bench-ledger-secret-key-not-for-production",
        PICCOLO_CONF="safety.piccolo_conf",
    )
    server = None
    try:
        _safety(env, "migrate")
        t0 = time.perf_counter()
        _safety(env, "bench-data", "--enterprises", "5000", "--hazards", str(hazards))
        filled = time.perf_counter() - t0
        street = await _street_id(url)
        _safety(
            env, "createuser", "--username", "bench_officer", "--password", PASSWORD,
            "--role", "officer", "--org-unit-id", str(street),
        )  # fmt: skip
        port = _free_port()
        server = await asyncio.create_subprocess_exec(
            str(SAFETY), "serve", "--host", "127.0.0.1", "--port", str(port),
            env=env, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )  # fmt: skip
        base = f"http://127.0.0.1:{port}"
        async with httpx.AsyncClient(base_url=base, timeout=600) as client:
            for _ in range(1200):  # a busy machine may take a while to start it
                try:
                    if (await client.get("/health")).status_code == 200:
                        break
                except httpx.TransportError:
                    pass
                await asyncio.sleep(0.1)
            else:
                raise RuntimeError("the server did not start")
            token = (
                await client.post(
                    "/api/v1/auth/token", json={"username": "bench_officer", "password": PASSWORD}
                )
            ).json()["access_token"]
            headers = {"Authorization": f"Bearer {token}"}
            # Warm-up: the same route, one row, so the baseline includes its code paths.
            await client.get("/api/v1/hazards/export.xlsx?q=nothing-matches", headers=headers)
            baseline = _hwm_kib(server.pid)
            cpu_before = _cpu_seconds(server.pid)
            size, first = 0, None
            t0 = time.perf_counter()
            async with client.stream(
                "GET", "/api/v1/hazards/export.xlsx", headers=headers
            ) as response:
                assert response.status_code == 200, await response.aread()
                async for chunk in response.aiter_raw():
                    if first is None:
                        first = time.perf_counter() - t0
                    size += len(chunk)
            seconds = time.perf_counter() - t0
            peak = _hwm_kib(server.pid)
            cpu = _cpu_seconds(server.pid) - cpu_before
            listed = (await client.get("/api/v1/hazards?limit=1", headers=headers)).json()["total"]
        return {
            "engine": engine,
            "hazards_generated": hazards,
            "rows_exported": listed,
            "fill_seconds": round(filled, 1),
            "first_byte_seconds": round(first or 0, 2),
            "export_seconds": round(seconds, 1),
            "rows_per_second": round(listed / seconds) if seconds else None,
            "server_cpu_seconds": round(cpu, 1),
            "load_average": os.getloadavg()[0],
            "xlsx_mib": round(size / 2**20, 1),
            "server_rss_baseline_mib": round(baseline / 1024, 1),
            "server_rss_peak_mib": round(peak / 1024, 1),
        }
    finally:
        if server is not None:
            server.terminate()
            await asyncio.wait_for(server.wait(), timeout=30)
        if engine == "postgresql":
            await _pg(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def writer_only(n: int = 20_000) -> None:
    import datetime as dt

    sys.path.insert(0, str(ROOT))
    from rectification.ledger import service
    from safety.sheets.stream import StreamedSheet

    def rows(dates: bool) -> list[list]:
        out = []
        for i in range(n):
            day = dt.date(2026, 3, 1) - dt.timedelta(days=i % 300)
            v = day if dates else day.isoformat()
            out.append(
                [i + 1, f"济南恒达金属制品有限公司{i % 500}", "91370102MAF0XW3430", "寨北社区",
                 "寨北社区第1网格", "C 制造业（金属制品业）", "专家检查", v,
                 "赵明（山东安泰）、孙丽（山东安泰）",
                 f"二号车间东侧安全出口被成品货架堵塞，疏散通道宽度不足0.8米 {i}", "二号车间",
                 "一般隐患", "现场管理类/消防", "《中华人民共和国安全生产法》第四十二条第二款",
                 "立即移除货架，清理疏散通道并划线标识", "李四", "2万元", v, "停产整改", v,
                 "已销号", "否", "王五", v]
            )  # fmt: skip
        return out

    def run(data: list[list], **kw) -> tuple[float, int]:
        t = time.process_time()
        sheet = StreamedSheet("隐患台账", service.HEADER, service.WIDTHS, **kw)
        size = len(sheet.add_rows([]))
        for k in range(0, len(data), 2000):
            size += len(sheet.add_rows(data[k : k + 2000]))
        size += len(sheet.close())
        return time.process_time() - t, size

    ledger = {"title_rows": ["隐患台账", "街道：甲", "统计截至"], "wrap": service.WRAP}
    for label, data, kw in (
        ("plain sheet, text dates", rows(False), {}),
        ("ledger set-up, date cells", rows(True), {**ledger, "page": service.PAGE}),
    ):
        runs = [run(data, **kw) for _ in range(3)]
        best = min(t for t, _ in runs)
        print(f"{label}: {best:.2f} s CPU for {n} rows, {runs[0][1] / 2**20:.1f} MiB")


async def main() -> None:
    engines = os.environ.get("BENCH_ENGINES", "sqlite,postgresql").split(",")
    sizes = [int(s) for s in os.environ.get("BENCH_SIZES", "10000,100000").split(",")]
    results = []
    for engine in engines:
        for n in sizes:
            result = await one(engine, n)
            print(json.dumps(result, ensure_ascii=False), flush=True)
            results.append(result)
    for engine in engines:
        peaks = [r["server_rss_peak_mib"] for r in results if r["engine"] == engine]
        if len(peaks) > 1:
            print(f"{engine}: peak RSS {peaks[0]} MiB at {sizes[0]} rows, "
                  f"{peaks[-1]} MiB at {sizes[-1]} rows")  # fmt: skip


if __name__ == "__main__":
    if os.environ.get("BENCH_WRITER_ONLY"):
        writer_only()
    else:
        asyncio.run(main())
