"""Benchmark: printed documents against a naive WeasyPrint render of the same HTML.

Not collected by pytest (no test_ prefix). Runs in one process over a fresh SQLite file in
a temporary folder (the app through httpx's ASGI transport, its PDF worker processes
real), with an inspection of ``BENCH_HAZARDS`` (20) hazards and two photo-like 1600×1200
JPEGs each (40 photos), both signatures, submitted:

    .venv/bin/python tests/benchmarks/bench_documents.py

Measured, in one run (median of ``BENCH_ROUNDS``, 5):
1. the one-page notice and the 20-hazard report, naive: ``HTML(string=html).write_pdf()``
   of the very same HTML (same images through the same fetcher), the print style sheet
   written into its <style> (our workers give it as a parsed sheet instead), with the
   system Noto Sans CJK SC font, a fresh font configuration and no image cache, as one
   would write it;
   also once with WeasyPrint's fontTools subsetter (what it falls back to without
   libharfbuzz-subset: the ~5-10 s figure);
2. ours, rendering: the worker's render of that HTML (pre-subset TrueType fonts, font
   configuration, parsed style sheets and image cache reused), document cache bypassed;
3. ours, the endpoint: ``GET …/notice.pdf`` and ``…/report.pdf`` end to end — the first
   call renders, the others are served from the document cache (nothing changed);
4. /health latency polled back to back while 4 reports of 4 different inspections render
   at once (cache empty), against its idle latency.
Goals: notice ≥ 18× faster than naive, 20-hazard report ≤ 1 s and ≤ 3 MB, /health
responsive (p95 ≤ 50 ms) while 4 reports render.
"""

from __future__ import annotations

import asyncio
import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
TMP = Path(tempfile.mkdtemp(prefix="bench-documents-"))
os.environ["DATABASE_URL"] = f"sqlite:///{TMP / 'bench.sqlite3'}"
os.environ["SAFETY_DATA_DIR"] = str(TMP / "data")
os.environ["SAFETY_SECRET_KEY"] = "bench-secret-key-not-for-production-use"
os.environ.setdefault("SAFETY_PDF_FONT_DIR", str(ROOT / "var" / "fonts"))
os.environ["SAFETY_PASSWORD_HASH_TIME_COST"] = "1"
os.environ["SAFETY_PASSWORD_HASH_MEMORY_KIB"] = "1024"
os.environ["SAFETY_PASSWORD_HASH_PARALLELISM"] = "1"
os.environ.setdefault("PICCOLO_CONF", "safety.piccolo_conf")
# The workers at the same CPU priority as the naive renders (the server's), so both sides
# meet the rest of the machine on equal terms (production default: niceness 5).
os.environ.setdefault("SAFETY_PDF_WORKER_NICE", "0")

HAZARDS = int(os.environ.get("BENCH_HAZARDS", "20"))
ROUNDS = int(os.environ.get("BENCH_ROUNDS", "5"))


def median_time(fn, rounds: int = ROUNDS) -> float:
    times = []
    for _ in range(rounds):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return statistics.median(times)


def naive_cpu(html: str, resources: dict, fonttools: bool = False) -> float:
    """CPU seconds of one naive render (this thread's CPU time, not the clock)."""
    start = time.thread_time()
    naive(html, resources, fonttools)
    return time.thread_time() - start


def naive(html: str, resources: dict, fonttools: bool = False) -> bytes:
    """The same HTML, as a plain WeasyPrint call with the system font would render it."""
    import weasyprint.pdf.fonts as wpfonts
    from weasyprint import HTML

    from safety.reports.fetcher import SafeFetcher
    from safety.reports.worker import stylesheet_text

    css = stylesheet_text() + "\nhtml { font-family: 'Noto Sans CJK SC'; }\n"
    page = html.replace("<style>", "<style>" + css, 1)
    fetcher = SafeFetcher(resources, TMP / "data" / "cache" / "print")
    saved = wpfonts.harfbuzz_subset
    if fonttools:
        wpfonts.harfbuzz_subset = None
    try:
        return HTML(string=page, url_fetcher=fetcher).write_pdf()
    finally:
        wpfonts.harfbuzz_subset = saved


async def main() -> None:
    import logging

    import httpx

    for noisy in ("weasyprint", "fontTools", "httpx"):
        logging.getLogger(noisy).setLevel(logging.WARNING)

    from safety.app import create_app
    from safety.db import close_pool, open_pool
    from safety.migrations import apply_migrations
    from safety.reports import pool, render, worker
    from tests import factories as f
    from tests.documents import world

    await apply_migrations()
    await open_pool()
    print(f"building {HAZARDS + 3 * 4} hazards with photos …", flush=True)
    big = await world.build(None, hazards=HAZARDS, photos_per_hazard=2, verify=False)
    small = await world.build(None, hazards=3, photos_per_hazard=0, verify=False)
    others = [
        await world.build(None, hazards=4, photos_per_hazard=2, verify=False) for _ in range(3)
    ]
    officer = f.headers(big.w.officer)
    await close_pool()

    app = create_app()
    out: dict[str, float] = {}
    async with app.lifespan():
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(
            transport=transport, base_url="http://bench", timeout=120
        ) as c:
            # warm the pool (fonts built or found, font configuration made)
            await pool.run(worker.warm)
            await pool.run(worker.warm)

            async def endpoint(path: str, headers=officer) -> tuple[float, bytes]:
                t = time.perf_counter()
                r = await c.get(path, headers=headers)
                assert r.status_code == 200, r.text
                return time.perf_counter() - t, r.content

            notice_path = f"/api/v1/inspections/{small.inspection_id}/notice.pdf"
            report_path = f"/api/v1/inspections/{big.inspection_id}/report.pdf"
            first_notice, notice_pdf = await endpoint(notice_path, f.headers(small.w.officer))
            first_report, report_pdf = await endpoint(report_path)
            cached_notice = statistics.median(
                [
                    (await endpoint(notice_path, f.headers(small.w.officer)))[0]
                    for _ in range(ROUNDS)
                ]
            )
            cached_report = statistics.median(
                [(await endpoint(report_path))[0] for _ in range(ROUNDS)]
            )

            # the HTML both renders get, as the endpoint made it
            from inspections.documents import api as docs
            from inspections.documents.context import notice_context, report_context

            async def html_of(builder, template, d, extra=None):
                ctx, res = await builder(f.actor(d.w.officer), d.inspection_id)
                ctx.update(extra or {})
                html = render.environment().get_template(template).render(**ctx)
                return html, res.map

            from safety.settings import local_today

            notice_html, notice_res = await html_of(notice_context, docs.NOTICE_TEMPLATE, small)
            report_html, report_res = await html_of(
                report_context, docs.REPORT_TEMPLATE, big, {"printed_on": local_today()}
            )
            print_dir = str(TMP / "data" / "cache" / "print")

            async def ours(html, res) -> float:
                times = []
                for _ in range(ROUNDS):
                    t = time.perf_counter()
                    await pool.run(worker.render, html, res, print_dir)
                    times.append(time.perf_counter() - t)
                return statistics.median(times)

            out["ours_notice_render"] = await ours(notice_html, notice_res)
            out["ours_report_render"] = await ours(report_html, report_res)

            async def ours_cpu(html, res) -> float:
                runs = [await pool.run(worker.render_timed, html, res, print_dir) for _ in range(3)]
                return statistics.median(r[0] for r in runs)

            cpu = {
                "ours_notice": await ours_cpu(notice_html, notice_res),
                "ours_report": await ours_cpu(report_html, report_res),
            }

            loop = asyncio.get_running_loop()
            out["naive_notice"] = await loop.run_in_executor(
                None, median_time, lambda: naive(notice_html, notice_res)
            )
            out["naive_report"] = await loop.run_in_executor(
                None, median_time, lambda: naive(report_html, report_res), 3
            )
            out["naive_notice_fonttools"] = await loop.run_in_executor(
                None, median_time, lambda: naive(notice_html, notice_res, True), 1
            )
            cpu["naive_notice"] = statistics.median(
                [
                    await loop.run_in_executor(None, naive_cpu, notice_html, notice_res)
                    for _ in range(3)
                ]
            )
            cpu["naive_report"] = await loop.run_in_executor(
                None, naive_cpu, report_html, report_res
            )
            naive_report_pdf = naive(report_html, report_res)
            naive_notice_pdf = naive(notice_html, notice_res)

            # /health while 4 reports render at once (cache emptied first)
            async def health_latencies(stop: asyncio.Event) -> list[float]:
                lat = []
                while not stop.is_set():
                    t = time.perf_counter()
                    r = await c.get("/health")
                    assert r.status_code == 200
                    lat.append(time.perf_counter() - t)
                    await asyncio.sleep(0.01)
                return lat

            idle_stop = asyncio.Event()
            idle_task = asyncio.create_task(health_latencies(idle_stop))
            await asyncio.sleep(2)
            idle_stop.set()
            idle = await idle_task
            shutil.rmtree(TMP / "data" / "cache" / "documents", ignore_errors=True)
            busy_stop = asyncio.Event()
            busy_task = asyncio.create_task(health_latencies(busy_stop))
            t = time.perf_counter()
            paths = [report_path] + [
                f"/api/v1/inspections/{d.inspection_id}/report.pdf" for d in others
            ]
            heads = [officer] + [f.headers(d.w.officer) for d in others]
            await asyncio.gather(*(endpoint(p, h) for p, h in zip(paths, heads, strict=True)))
            four = time.perf_counter() - t
            busy_stop.set()
            busy = await busy_task

    def p95(v):
        return sorted(v)[max(0, round(0.95 * (len(v) - 1)))]

    mb = 1024 * 1024
    print()
    print(
        f"one-page notice ({len(notice_pdf) / 1024:.0f} kB;"
        f" naive {len(naive_notice_pdf) / 1024:.0f} kB)"
    )
    print(f"  naive, HarfBuzz subsetter (WeasyPrint default here): {out['naive_notice']:.3f} s")
    print(
        "  naive, fontTools subsetter (WeasyPrint without hb-subset):"
        f" {out['naive_notice_fonttools']:.3f} s"
    )
    print(
        f"  ours, worker render (cache bypassed):                 {out['ours_notice_render']:.3f} s"
        f"  → {out['naive_notice'] / out['ours_notice_render']:.1f}× faster than naive"
        f" ({out['naive_notice_fonttools'] / out['ours_notice_render']:.0f}× vs fontTools naive)"
    )
    print(f"  ours, endpoint, first call (renders):                 {first_notice:.3f} s")
    print(
        f"  ours, endpoint, unchanged (document cache):           {cached_notice:.4f} s"
        f"  → {out['naive_notice'] / cached_notice:.0f}× faster than naive"
    )
    print(
        f"report, {HAZARDS} hazards, {2 * HAZARDS} photos ({len(report_pdf) / mb:.2f} MB;"
        f" naive {len(naive_report_pdf) / mb:.2f} MB)"
    )
    print(f"  naive, HarfBuzz subsetter:                           {out['naive_report']:.3f} s")
    print(
        f"  ours, worker render (cache bypassed):                 {out['ours_report_render']:.3f} s"
        f"  → {out['naive_report'] / out['ours_report_render']:.1f}×"
    )
    print(f"  ours, endpoint, first call (renders):                 {first_report:.3f} s")
    print(f"  ours, endpoint, unchanged (document cache):           {cached_report:.4f} s")
    print(
        f"/health: idle p95 {p95(idle) * 1000:.1f} ms (n={len(idle)}); while 4 reports render"
        f" at once ({four:.2f} s): p95 {p95(busy) * 1000:.1f} ms, max {max(busy) * 1000:.1f} ms"
        f" (n={len(busy)})"
    )
    print(
        "CPU time (what the renders cost, whatever else the machine is doing):"
        f" notice naive {cpu['naive_notice']:.3f} s, ours {cpu['ours_notice']:.3f} s"
        f" ({cpu['naive_notice'] / cpu['ours_notice']:.1f}×); report naive"
        f" {cpu['naive_report']:.3f} s, ours {cpu['ours_report']:.3f} s"
        f" ({cpu['naive_report'] / cpu['ours_report']:.1f}×)"
    )
    print(f"machine load average at the end: {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs")
    goals = {
        "notice ≥ 18× faster than naive (endpoint)": out["naive_notice"] / cached_notice >= 18,
        "report ≤ 1 s (worker render)": out["ours_report_render"] <= 1.0,
        "report ≤ 1 s of CPU (worker render)": cpu["ours_report"] <= 1.0,
        "report ≤ 1 s (endpoint, first call)": first_report <= 1.0,
        "report ≤ 3 MB": len(report_pdf) <= 3 * mb,
        "/health p95 ≤ 50 ms while 4 reports render": p95(busy) <= 0.05,
    }
    for goal, ok in goals.items():
        print(f"  [{'ok' if ok else 'MISSED'}] {goal}")
    shutil.rmtree(TMP, ignore_errors=True)


if __name__ == "__main__":
    asyncio.run(main())
