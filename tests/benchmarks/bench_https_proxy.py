"""What the HTTPS reverse proxy costs per request: the same requests straight to ``safety
serve`` (plain HTTP) and through the shipped nginx site (HTTPS, keep-alive), side by side.

    .venv/bin/python tests/benchmarks/bench_https_proxy.py [--requests 300]

The stack is tests/deploy/stack.py's (the deploy/ files, a self-signed certificate, a fresh
SQLite database with one officer). Requests are sequential on one keep-alive connection per
side, alternating between the sides, so the figures are latency, not throughput: the login
page (a rendered template with a CSRF cookie), /health (one database ping) and a 28 kB
stylesheet (gzip through nginx).
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
_TMP = Path(tempfile.mkdtemp(prefix="safety-bench-https-"))
os.environ.setdefault("SAFETY_PDF_FONT_DIR", str(ROOT / "var" / "fonts"))
os.environ.setdefault("DATABASE_URL", f"sqlite:///{_TMP / 'bench.sqlite3'}")
os.environ.setdefault("SAFETY_SECRET_KEY", "bench-secret-key-not-for-production-use")

import httpx  # noqa: E402

from tests.deploy.stack import running  # noqa: E402

PATHS = ("/login", "/health", "/static/app.css")


def _pair(direct: httpx.Client, proxied: httpx.Client, urls: tuple[str, str], n: int):
    """Milliseconds of ``n`` requests each, alternating sides (and which goes first), so the
    noise of a busy machine falls on both alike."""
    sides = ((direct, urls[0]), (proxied, urls[1]))
    for http, url in sides:  # warm: connection, TLS session, template cache
        http.get(url).raise_for_status()
    times: tuple[list[float], list[float]] = ([], [])
    for i in range(n):
        for k in (0, 1) if i % 2 else (1, 0):
            http, url = sides[k]
            started = time.perf_counter()
            http.get(url).raise_for_status()
            times[k].append((time.perf_counter() - started) * 1000)
    return times


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--requests", type=int, default=300)
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="safety-bench-stack-"))
    try:
        _measure(folder, args.requests)
    finally:
        shutil.rmtree(folder, ignore_errors=True)
        shutil.rmtree(_TMP, ignore_errors=True)


def _measure(folder: Path, requests: int) -> None:
    with running(folder, os.environ["DATABASE_URL"]) as stack:
        with httpx.Client() as direct, httpx.Client(verify=False) as proxied:  # noqa: S501 - the stack's self-signed test cert
            print(f"{requests} sequential requests each; milliseconds, median / p95")
            print(f"{'path':<18} {'direct (http)':>16} {'nginx (https)':>16} {'ratio':>7}")
            for path in PATHS:
                a, b = _pair(direct, proxied, (stack.app + path, stack.https + path), requests)
                p95 = lambda xs: statistics.quantiles(xs, n=20)[18]  # noqa: E731
                ma, mb = statistics.median(a), statistics.median(b)
                print(
                    f"{path:<18} {ma:>7.2f} / {p95(a):>6.2f} {mb:>7.2f} / {p95(b):>6.2f} "
                    f"{mb / ma:>6.2f}x"
                )


if __name__ == "__main__":
    main()
