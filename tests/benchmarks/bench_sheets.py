"""Benchmark: the sheet reader and writer, the old way (openpyxl) and the app's, side by side.

Not collected by pytest (no test_ prefix). openpyxl is a dev dependency only (tests build
input files with it); the app reads with python-calamine and writes with
``safety.sheets.stream``.

    .venv/bin/python tests/benchmarks/bench_sheets.py [--rows 20000] [--rounds 3]

Each case runs in a fresh subprocess, ``--rounds`` times; printed: the median CPU time
(the process's; on a shared machine the clock measures the neighbours too), the median
wall time, and the largest peak memory over the process's baseline (RSS sampled every 2 ms
while the case runs, minus RSS before it; calamine allocates in Rust, which tracemalloc
would not see).

- read: a ``rows`` x 12 .xlsx (shared strings, numbers, dates, as Excel writes it), first
  the old path (the zip/XML inspection, then openpyxl read-only, as before issue 21), then
  the app's ``read_rows`` (the inspection, then calamine), and each engine alone.
- write: ``rows`` enterprises as the registry export writes them (17 text columns), with
  openpyxl as the old ``sheetguard.write_sheet`` did, then ``stream.write_sheet``.
"""

from __future__ import annotations

import argparse
import io
import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))


def _rss_kb() -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


def make_input(path: Path, rows: int) -> None:
    import datetime as dt

    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.append([f"列{i}" for i in range(12)])
    for n in range(rows):
        ws.append(
            [
                f"企业{n}",
                f"91370102MA3C{n:06d}",
                f"社区{n % 30}",
                f"网格{n % 200}",
                "C",
                n,
                n * 1.5,
                dt.date(2026, 1, 1) + dt.timedelta(days=n % 365),
                f"地址{n}号",
                "张三",
                f"138{n:08d}",
                "是" if n % 2 else "否",
            ]
        )
    wb.save(path)


def registry_rows(rows: int) -> list[list[str]]:
    import datetime as dt

    from safety.registry.sheets import export_cells

    return [
        export_cells(
            {
                "name": f"企业{n}",
                "uscc": f"91370102MA3C{n:06d}",
                "community_name": f"社区{n % 30}",
                "org_unit_name": f"网格{n % 200}",
                "industry": "C",
                "industry_detail": "金属制品",
                "scale": "small",
                "address": f"历下区经十路{n}号",
                "legal_representative": "李四",
                "contact_name": "张三",
                "contact_phone": f"138{n:08d}",
                "is_key": n % 7 == 0,
                "standardisation_level": "level3",
                "standardisation_date": dt.date(2025, 5, 1),
                "risk_colour": "yellow",
                "active": True,
            }
        )
        for n in range(rows)
    ]


def old_write(header: list[str], rows: list[list[str]]) -> bytes:
    """``sheetguard.write_sheet`` as it was: openpyxl, every cell text."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    from safety.registry.rules import cell_text
    from safety.sheets.guard import escape_formula
    from safety.text import file_text

    def cell(value: object) -> str:
        return escape_formula(file_text(cell_text(value)))

    wb = Workbook()
    ws = wb.active
    ws.title = "企业台账"
    ws.append([cell(h) for h in header])
    for c in ws[1]:
        c.font = Font(bold=True)
    for row in rows:
        ws.append([cell(v) for v in row])
    for col in ws.iter_cols(min_row=1, max_row=ws.max_row):
        for c in col:
            c.number_format = "@"
    ws.freeze_panes = "A2"
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def old_read(data: bytes) -> list[list]:
    """The reader as it was: the inspection, then openpyxl read-only."""
    from openpyxl import load_workbook

    from safety.sheets.guard import Caps, inspect_xlsx

    caps = Caps()
    inspect_xlsx(data, caps)
    wb = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    try:
        return [list(r) for r in wb.worksheets[0].iter_rows(max_col=caps.columns, values_only=True)]
    finally:
        wb.close()


def run_case(case: str, path: str, rows: int) -> dict:
    """Child process: one case, timed, with its peak memory over the baseline."""
    import threading

    from safety.sheets.guard import Caps, inspect_xlsx, read_rows

    data = Path(path).read_bytes()
    if case.startswith("write"):
        from safety.registry.sheets import COLUMNS

        header = [c.header for c in COLUMNS]
        body = registry_rows(rows)
    # every library loaded before the baseline: importing is not the case's work
    import openpyxl.styles  # noqa: F401
    import python_calamine  # noqa: F401
    from openpyxl import load_workbook

    base = peak = _rss_kb()
    done = threading.Event()

    def sample() -> None:
        nonlocal peak
        while not done.wait(0.002):
            peak = max(peak, _rss_kb())

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    cpu = time.process_time()
    started = time.perf_counter()
    if case == "read-old":
        out = len(old_read(data))
    elif case == "read-new":
        out = len(read_rows("x.xlsx", data, Caps()))
    elif case == "read-inspection-only":
        inspect_xlsx(data, Caps())
        out = 0
    elif case == "read-openpyxl-only":
        from openpyxl import load_workbook

        wb = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        out = sum(1 for _ in wb.worksheets[0].iter_rows(max_col=100, values_only=True))
    elif case == "read-calamine-only":
        from python_calamine import CalamineWorkbook

        book = CalamineWorkbook.from_filelike(io.BytesIO(data))
        out = len(book.get_sheet_by_index(0).to_python(skip_empty_area=False))
    elif case == "write-old":
        out = len(old_write(header, body))
    elif case == "write-new":
        from safety.registry.sheets import write_sheet

        out = len(write_sheet("企业台账", header, body))
    else:
        raise SystemExit(f"unknown case {case}")
    seconds = time.perf_counter() - started
    cpu = time.process_time() - cpu
    done.set()
    sampler.join()
    peak = max(peak, _rss_kb())
    return {"seconds": seconds, "cpu": cpu, "peak_mb": (peak - base) / 1024, "out": out}


CASES = [
    ("read-old", "read 20,000x12: inspection + openpyxl (before)"),
    ("read-new", "read 20,000x12: inspection + calamine (now)"),
    ("read-inspection-only", "  the zip/XML inspection alone"),
    ("read-openpyxl-only", "  openpyxl alone"),
    ("read-calamine-only", "  calamine alone"),
    ("write-old", "write 20,000 registry rows: openpyxl (before)"),
    ("write-new", "write 20,000 registry rows: stream.write_sheet (now)"),
]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=20_000)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--case")
    parser.add_argument("--file")
    args = parser.parse_args()
    if args.case:
        print(json.dumps(run_case(args.case, args.file, args.rows)))
        return
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "input.xlsx"
        make_input(path, args.rows)
        size = path.stat().st_size / 1e6
        print(f"input: {args.rows} x 12, {size:.1f} MB; median of {args.rounds}")
        print(f"{'':<56} {'CPU':>9} {'wall':>9} {'peak':>9}")
        for case, label in CASES:
            command = [sys.executable, __file__, "--case", case, "--file", str(path)]
            command += ["--rows", str(args.rows)]
            results = []
            for _ in range(args.rounds):
                out = subprocess.run(command, capture_output=True, text=True, check=True, cwd=ROOT)
                results.append(json.loads(out.stdout.strip().splitlines()[-1]))
            cpu = statistics.median(r["cpu"] for r in results)
            seconds = statistics.median(r["seconds"] for r in results)
            peak = max(r["peak_mb"] for r in results)
            label = label.replace("20,000", f"{args.rows:,}")
            print(f"{label:<56} {cpu:7.2f} s {seconds:7.2f} s +{peak:5.0f} MB")


if __name__ == "__main__":
    main()
