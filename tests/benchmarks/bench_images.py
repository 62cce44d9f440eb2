"""Benchmark: the image work one upload costs, before and after the decoding budget and the
reuse of stored variants (issue 20, point 7; docs/dev/hardening.md).

Not collected by pytest (no test_ prefix). In-process, on a temporary data directory:

    .venv/bin/python tests/benchmarks/bench_images.py
    BENCH_ROUNDS=5 .venv/bin/python tests/benchmarks/bench_images.py

For each case, the median of ``BENCH_ROUNDS`` of:
- before: ``images.process`` with no decoding budget — what every upload ran (the whole
  pixel work, whether or not the same bytes were stored already);
- after: what ``files.save_bytes`` runs in its worker now — ``images.check`` (header,
  budget, GPS removal, sha256) then ``files._store_missing`` (the pixel work only when the
  original is not stored yet).
Cases: a 7071×7071 16-bit RGB PNG (under the 50 Mpx cap, 300 MB decoded: refused from its
header now), a 12 Mpx phone JPEG uploaded for the first time, and the same JPEG again.
"""

from __future__ import annotations

import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
_TMP = Path(tempfile.mkdtemp(prefix="bench-images-"))
os.environ["SAFETY_DATA_DIR"] = str(_TMP)
os.environ.setdefault("SAFETY_SECRET_KEY", "bench-images-" + "x" * 40)

from safety.errors import PayloadTooLarge  # noqa: E402
from safety.files import images  # noqa: E402
from safety.files import store as files  # noqa: E402
from safety.settings import get_settings  # noqa: E402
from tests import imagegen  # noqa: E402

ROUNDS = int(os.environ.get("BENCH_ROUNDS", "3"))


def before(data: bytes) -> None:
    s = get_settings()
    images.process(data, keep_gps=s.keep_gps, max_pixels=s.max_image_pixels, timezone=s.timezone)


def after(data: bytes) -> str:
    s = get_settings()
    try:
        checked = images.check(
            data,
            keep_gps=s.keep_gps,
            max_pixels=s.max_image_pixels,
            timezone=s.timezone,
            max_decode_bytes=s.max_image_decode_mb * 1024 * 1024,
        )
    except PayloadTooLarge:
        return "413"
    files._store_missing(checked)
    return "201"


def timed(fn, data: bytes) -> tuple[float, str]:
    t = time.perf_counter()
    outcome = fn(data)
    return time.perf_counter() - t, outcome or ""


def median_of(fn, data: bytes, fresh: bool) -> tuple[float, str]:
    runs = []
    for _ in range(ROUNDS):
        if fresh:  # a first upload: nothing stored yet
            shutil.rmtree(files.files_root(), ignore_errors=True)
        runs.append(timed(fn, data))
    return statistics.median(r[0] for r in runs), runs[-1][1]


def main() -> None:
    deep = imagegen.png_deep(7071, channels=3, depth=16)
    phone = imagegen.phone_photo()
    print(f"rounds: {ROUNDS}; budget {get_settings().max_image_decode_mb} MB")
    print(f"16-bit PNG 7071x7071: {len(deep):,} bytes; phone JPEG 4000x3000: {len(phone):,} bytes")
    print(f"{'case':<28}{'before s':>10}{'after s':>10}{'ratio':>12}  after answers")
    cases = [("16-bit PNG 7071x7071", deep, True), ("phone JPEG, first", phone, True)]
    for name, data, fresh in cases:
        b, _ = median_of(before, data, fresh)
        a, outcome = median_of(after, data, fresh)
        print(f"{name:<28}{b:>10.3f}{a:>10.4f}{b / a:>11,.1f}x  {outcome}")
    after(phone)  # stored once: the repeat finds it
    b, _ = median_of(before, phone, False)
    a, outcome = median_of(after, phone, False)
    print(f"{'phone JPEG, same again':<28}{b:>10.3f}{a:>10.4f}{b / a:>11,.1f}x  {outcome}")
    shutil.rmtree(_TMP, ignore_errors=True)


if __name__ == "__main__":
    main()
