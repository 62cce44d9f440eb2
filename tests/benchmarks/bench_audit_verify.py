"""Benchmark: ``safety audit verify`` over a store of 10,000 phone photos (SQLite).

Not collected by pytest (no test_ prefix). Builds, in a temporary folder removed at the
end (keep it with BENCH_KEEP=1), a fresh SQLite database and a file store of
``BENCH_PHOTOS`` (10,000) originals of 200–400 KB each: ``BENCH_DISTINCT`` (64) noise
JPEGs made with Pillow at photo-like sizes, each stored copy made unique by 32 random bytes
after the JPEG's end marker (viewers ignore them; every file has its own sha256, so every
one is hashed). Each file gets an attachment row and its ``attachment.create`` audit event
(through ``audit.record``, so the chain is real), as ``files.save_bytes`` writes them —
the image processing of an upload is not what is measured here.

    .venv/bin/python tests/benchmarks/bench_audit_verify.py
    BENCH_PHOTOS=2000 BENCH_WORKERS=1,2,4 .venv/bin/python tests/benchmarks/bench_audit_verify.py

Measured:
1. the chain walk alone (``audit.verify_chain``) over every event;
2. the file check (``files_verify.verify_store``) with each of ``BENCH_WORKERS`` hashing threads,
   warm (the files in the page cache, as right after writing them) and cold (each file
   evicted from the page cache first with posix_fadvise(DONTNEED), so it is read from disk);
3. the whole command, ``safety audit verify``, as IT staff would run it (warm).
Prints files/s and MB/s for each.
"""

from __future__ import annotations

import asyncio
import io
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

PHOTOS = int(os.environ.get("BENCH_PHOTOS", "10000"))
DISTINCT = int(os.environ.get("BENCH_DISTINCT", "64"))
WORKERS = [int(n) for n in os.environ.get("BENCH_WORKERS", "1,2,4").split(",")]
KEEP = os.environ.get("BENCH_KEEP") == "1"
BATCH = 500


def _jpegs(n: int) -> list[bytes]:
    """``n`` noise JPEGs of 200–400 KB (noise compresses like a detailed photo)."""
    import random

    from PIL import Image

    rng = random.Random(7)
    out = []
    while len(out) < n:
        w = rng.choice((800, 880, 960))
        h = w * 3 // 4
        img = Image.frombytes("RGB", (w, h), rng.randbytes(w * h * 3))
        buf = io.BytesIO()
        img.save(buf, "JPEG", quality=rng.choice((70, 75, 80)))
        if 200_000 <= buf.tell() <= 400_000:
            out.append(buf.getvalue())
    return out


async def build(tmp: Path) -> tuple[int, int]:
    """The database and the store; (files, bytes)."""
    import hashlib

    from safety import audit
    from safety.actors import SYSTEM
    from safety.db import close_pool, open_pool, write_transaction
    from safety.files import store as files
    from safety.migrations import apply_migrations
    from safety.tables import Attachment

    await apply_migrations()
    await open_pool()
    samples = _jpegs(DISTINCT)
    total = 0
    try:
        for start in range(0, PHOTOS, BATCH):
            batch = []
            for i in range(start, min(PHOTOS, start + BATCH)):
                data = samples[i % len(samples)] + os.urandom(32)
                sha = hashlib.sha256(data).hexdigest()
                files._write_atomically(files.path_of(sha), data)
                total += len(data)
                batch.append((i, sha, len(data)))
            async with write_transaction():
                for i, sha, size in batch:
                    row = Attachment(
                        sha256=sha,
                        content_type="image/jpeg",
                        size=size,
                        filename=f"IMG_{i:05d}.jpg",
                        kind="problem",
                        owner_type="hazard",
                        owner_id=1 + i // 3,
                        width=4000,
                        height=3000,
                        has_thumbnail=False,
                    )
                    await row.save().run()
                    after = {
                        "owner_type": "hazard",
                        "owner_id": 1 + i // 3,
                        "kind": "problem",
                        "sha256": sha,
                        "size": size,
                        "content_type": "image/jpeg",
                    }
                    await audit.record(
                        SYSTEM, "attachment.create", "attachment", row.id, after=after
                    )
            print(f"  stored {min(PHOTOS, start + BATCH)}/{PHOTOS}", end="\r", flush=True)
        print()
    finally:
        await close_pool()
    return PHOTOS, total


def evict(root: Path) -> None:
    """Drop the store's files from the page cache (no root needed: clean pages only)."""
    for path in root.rglob("*"):
        if path.is_file():
            fd = os.open(path, os.O_RDONLY)
            try:
                os.posix_fadvise(fd, 0, 0, os.POSIX_FADV_DONTNEED)
            finally:
                os.close(fd)


async def measure() -> None:
    from safety.audit import verify_chain
    from safety.db import close_pool, open_pool
    from safety.files import store as files
    from safety.files import verify as files_verify

    await open_pool()
    try:
        t = time.perf_counter()
        chain = await verify_chain()
        seconds = time.perf_counter() - t
        assert chain.ok, chain
        print(f"chain: {chain.checked} events in {seconds:.2f} s ({chain.checked / seconds:.0f}/s)")
        for cold in (False, True):
            for workers in WORKERS:
                if cold:
                    evict(files.files_root())
                report = await files_verify.verify_store(workers=workers)
                assert report.ok and report.files == PHOTOS, report.problems[:3]
                mb = report.bytes / 1_000_000
                print(
                    f"files ({'cold' if cold else 'warm'}, {workers} thread"
                    f"{'s' if workers > 1 else ''}): {report.files} files, {mb:.0f} MB in "
                    f"{report.seconds:.2f} s = {report.files / report.seconds:.0f} files/s, "
                    f"{mb / report.seconds:.0f} MB/s"
                )
    finally:
        await close_pool()


def main() -> None:
    tmp = Path(tempfile.mkdtemp(prefix="bench-audit-verify-"))
    os.environ["DATABASE_URL"] = f"sqlite:///{tmp / 'bench.sqlite3'}"
    os.environ["SAFETY_DATA_DIR"] = str(tmp / "data")
    os.environ.setdefault("SAFETY_SECRET_KEY", "bench-secret-key-" + "x" * 32)
    print(f"cores: {os.cpu_count()}; folder: {tmp}")
    try:
        t = time.perf_counter()
        count, total = asyncio.run(build(tmp))
        print(
            f"built: {count} originals, {total / 1_000_000:.0f} MB "
            f"({total / count / 1000:.0f} KB each) in {time.perf_counter() - t:.0f} s"
        )
        asyncio.run(measure())
        t = time.perf_counter()
        done = subprocess.run(
            [str(ROOT / ".venv" / "bin" / "safety"), "audit", "verify"],
            env=os.environ,
            capture_output=True,
            text=True,
            check=False,
        )
        seconds = time.perf_counter() - t
        print(f"`safety audit verify` (exit {done.returncode}) took {seconds:.1f} s:")
        print("  " + (done.stdout + done.stderr).strip().replace("\n", "\n  "))
    finally:
        if KEEP:
            print(f"kept: {tmp}")
        else:
            shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
