"""Benchmark: what does localising an error message cost (``safety.i18n.localise``)?

Not collected by pytest (no test_ prefix). Every error response localises its ``detail``
and each ``extra[].message`` twice (the caller's language and ``*_en``). A message raised
as a catalogue key is a dict lookup; a formatted one is matched against the Chinese
templates (most literal text first) until one fits. In one run, side by side, per call:

1. Chinese wanted (the default): the text as it is;
2. English of a catalogued literal ("需要登录");
3. English of a formatted message near the front of the template list;
4. English of a formatted message near its end (a short template: tried late);
5. English of a Chinese text no template matches (every template tried): the worst case.

It prints microseconds per call and the ratio to case 1. Goal: the worst case stays well
under a millisecond, next to a request that takes milliseconds anyway.

    .venv/bin/python tests/benchmarks/bench_localise.py
    BENCH_CALLS=20000 .venv/bin/python tests/benchmarks/bench_localise.py
"""

from __future__ import annotations

import os
import sys
import timeit
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from safety import i18n  # noqa: E402

CALLS = int(os.environ.get("BENCH_CALLS", "5000"))

CASES = [
    ("zh, any message", "检查尚未完成，还缺 3 项", "zh"),
    ("en, catalogued literal", "需要登录", "en"),
    (
        "en, long template",
        "CSV文件的 UTF-16 编码在第 12 字节处损坏（文件可能不完整），请重新导出后再导入",
        "en",
    ),
    ("en, short template", "检查尚未完成，还缺 3 项", "en"),
    ("en, no template matches", "这句话不在任何目录里，也不是模板生成的", "en"),
]


def main() -> None:
    print(f"{len(i18n._TEMPLATES)} templates, {CALLS} calls per case")
    base = None
    for name, text, lang in CASES:
        seconds = min(
            timeit.repeat(lambda t=text, la=lang: i18n.localise(t, la), number=CALLS, repeat=5)
        )
        micro = seconds / CALLS * 1e6
        base = base or micro
        shown = i18n.localise(text, lang)
        print(f"{name:28} {micro:8.2f} µs  ×{micro / base:6.1f}   → {shown[:50]}")


if __name__ == "__main__":
    main()
