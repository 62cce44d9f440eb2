"""Benchmark: from ``safety serve`` to the first ``/health`` 200, on the demo database.

Not collected by pytest (no test_ prefix). Prepares the demo once (``safety demo
--no-serve`` in a temporary data directory, ~1.5 min; or reuses ``BENCH_DATA_DIR``), then
starts the server as a subprocess and polls /health every 20 ms, ``BENCH_RUNS`` times per
case, and prints the wall time to the first 200 and the server process's CPU seconds by
then (robust to a busy machine, unlike the wall time), side by side for:

- trees: ``after`` = this checkout; ``before`` = ``git archive BENCH_BEFORE`` (default
  ``main``) unpacked in a temporary folder; ``after-source`` = this checkout's HEAD
  unpacked without compiled bytecode (this environment sets PYTHONDONTWRITEBYTECODE, so
  a tree nobody compiled is compiled again at every start). ``after`` and ``before`` are
  compiled first (``compileall``), as ``.ci/setup`` does;
- modes: ``cold`` (an empty PDF font folder: the first worker builds the fonts, ~25 s of
  CPU), ``warm`` (the fonts already built), ``killed`` (the previous server, warm, was
  SIGKILLed with its workers a moment before: a crash and a restart).

    .venv/bin/python tests/benchmarks/bench_start.py
    BENCH_DATA_DIR=/tmp/demo BENCH_RUNS=5 BENCH_TREES=after,before .venv/bin/python \\
        tests/benchmarks/bench_start.py
"""

from __future__ import annotations

import contextlib
import io
import os
import signal
import socket
import statistics
import subprocess
import sys
import tarfile
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
RUNS = int(os.environ.get("BENCH_RUNS", "3"))
TREES = os.environ.get("BENCH_TREES", "after,before,after-source").split(",")
MODES = os.environ.get("BENCH_MODES", "cold,warm,killed").split(",")
BEFORE = os.environ.get("BENCH_BEFORE", "main")
PACKAGES = ("safety", "inspections", "rectification")
TICK = os.sysconf("SC_CLK_TCK")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def unpack(ref: str, compiled: bool) -> Path:
    folder = Path(tempfile.mkdtemp(prefix=f"bench-start-{ref}-"))
    archive = subprocess.run(["git", "archive", ref], cwd=ROOT, capture_output=True, check=True)
    with tarfile.open(fileobj=io.BytesIO(archive.stdout)) as tar:
        tar.extractall(folder, filter="data")
    if compiled:
        compile_tree(folder)
    return folder


def compile_tree(folder: Path) -> None:
    for package in PACKAGES:
        subprocess.run(
            [sys.executable, "-m", "compileall", "-q", str(folder / package)], check=True
        )


def demo_data_dir() -> Path:
    given = os.environ.get("BENCH_DATA_DIR")
    if given:
        return Path(given)
    folder = Path(tempfile.mkdtemp(prefix="bench-start-demo-"))
    print(f"preparing the demo in {folder} (safety demo --no-serve) …", flush=True)
    subprocess.run(
        [sys.executable, "-m", "safety.cli", "demo", "--no-serve"],
        cwd=ROOT,
        env={**os.environ, "SAFETY_DATA_DIR": str(folder)},
        stdout=subprocess.DEVNULL,
        check=True,
    )
    return folder


def cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TICK  # utime, stime


def start(tree: Path, data_dir: Path, font_dir: Path) -> tuple[subprocess.Popen, int]:
    port = free_port()
    env = {
        **os.environ,
        "SAFETY_DATA_DIR": str(data_dir),
        "SAFETY_PDF_FONT_DIR": str(font_dir),
        "PYTHONPATH": str(tree),
    }
    env.pop("DATABASE_URL", None)
    proc = subprocess.Popen(
        [sys.executable, "-m", "safety.cli", "serve", "--port", str(port)],
        cwd=tree,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    return proc, port


def first_200(proc: subprocess.Popen, port: int, started: float) -> tuple[float, float]:
    url = f"http://127.0.0.1:{port}/health"
    while True:
        if proc.poll() is not None:
            raise RuntimeError(f"the server exited {proc.returncode}")
        with contextlib.suppress(OSError):
            with urllib.request.urlopen(url, timeout=5) as r:
                if r.status == 200:
                    return time.monotonic() - started, cpu_seconds(proc.pid)
        time.sleep(0.02)


def stop(proc: subprocess.Popen, sig: int = signal.SIGTERM) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.killpg(proc.pid, sig)
    try:
        proc.wait(15)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()
    with contextlib.suppress(ProcessLookupError):
        os.killpg(proc.pid, signal.SIGKILL)  # workers that outlived the server


def once(tree: Path, data_dir: Path, mode: str, warm_fonts: Path) -> tuple[float, float]:
    font_dir = Path(tempfile.mkdtemp(prefix="bench-fonts-")) if mode == "cold" else warm_fonts
    if mode == "killed":
        proc, port = start(tree, data_dir, font_dir)
        first_200(proc, port, time.monotonic())
        time.sleep(1)  # serving, its workers warming up: then the crash
        stop(proc, signal.SIGKILL)
    started = time.monotonic()
    proc, port = start(tree, data_dir, font_dir)
    try:
        return first_200(proc, port, started)
    finally:
        stop(proc)


def main() -> None:
    data_dir = demo_data_dir()
    warm_fonts = ROOT / "var" / "fonts"
    trees = {}
    for name in TREES:
        if name == "after":
            compile_tree(ROOT)
            trees[name] = ROOT
        elif name == "before":
            trees[name] = unpack(BEFORE, compiled=True)
        elif name == "after-source":
            trees[name] = unpack("HEAD", compiled=False)
    print(f"load average at start: {os.getloadavg()}; {os.cpu_count()} CPUs; runs: {RUNS}")
    print(f"{'tree':<14}{'mode':<8}{'wall s (median, min-max)':<28}{'server CPU s (median)':<22}")
    for mode in MODES:
        for name, tree in trees.items():
            walls, cpus = [], []
            for _ in range(RUNS):
                wall, cpu = once(tree, data_dir, mode, warm_fonts)
                walls.append(wall)
                cpus.append(cpu)
            spread = f"{statistics.median(walls):.2f} ({min(walls):.2f}-{max(walls):.2f})"
            print(f"{name:<14}{mode:<8}{spread:<28}{statistics.median(cpus):<22.2f}", flush=True)
    print(f"load average at end: {os.getloadavg()}")


if __name__ == "__main__":
    main()
