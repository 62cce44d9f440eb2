"""The attachments of a backup: a content store shared by every backup under DEST.

An original is named by its sha256, so a file already in the store is the same bytes and
is not copied again: a second backup copies only the originals uploaded since. Each copy
is hashed while it is read and kept only when the bytes match their name (a file damaged
in the data directory is reported, never stored under a name it does not match). Files
appear under their final name only once written and flushed (temporary name, rename).
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import tempfile
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from safety.files.verify import default_verify_workers, hash_file
from safety.ops.backup import store_path

CHUNK = 1024 * 1024


@dataclass
class CopyReport:
    copied: int = 0
    copied_bytes: int = 0
    present: int = 0
    missing: list[str] = field(default_factory=list)  # not in the source store
    changed: list[str] = field(default_factory=list)  # bytes there do not match their name


def copy_verified(source: Path, target: Path, sha256: str) -> str:
    """Copy ``source`` to ``target`` (a new file, flushed, renamed into place) if its
    bytes hash to ``sha256``: "copied", "present", "missing" or "changed"."""
    if target.exists():
        return "present"
    try:
        src = open(source, "rb")  # noqa: SIM115 - closed below
    except FileNotFoundError:
        return "missing"
    with src:
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=".tmp-")
        try:
            digest = hashlib.sha256()
            with os.fdopen(fd, "wb") as out:
                while chunk := src.read(CHUNK):
                    digest.update(chunk)
                    out.write(chunk)
                out.flush()
                os.fsync(out.fileno())
            if digest.hexdigest() != sha256:
                os.unlink(tmp)
                return "changed"
            os.replace(tmp, target)
        except BaseException:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
            raise
    return "copied"


def copy_originals(
    originals: dict[str, int], source_store: Path, target_store: Path, workers: int | None = None
) -> CopyReport:
    """Copy every original not yet in ``target_store`` from ``source_store``. What is
    already there or missing is sorted out first, in this thread (two ``stat`` calls
    each); only the files to copy go to the pool of hashing threads."""
    report = CopyReport()
    todo = []
    for sha in sorted(originals):
        if store_path(target_store, sha).exists():
            report.present += 1
        elif not store_path(source_store, sha).exists():
            report.missing.append(sha)
        else:
            todo.append(sha)

    def one(sha: str) -> tuple[str, str]:
        target = store_path(target_store, sha)
        return sha, copy_verified(store_path(source_store, sha), target, sha)

    for sha, outcome in _parallel(one, todo, workers):
        if outcome == "copied":
            report.copied += 1
            report.copied_bytes += originals[sha] or 0
        elif outcome == "present":
            report.present += 1
        else:
            getattr(report, outcome).append(sha)
    return report


def check_originals(originals: dict[str, int], store: Path) -> list[str]:
    """One line per original of ``originals`` missing from ``store`` or not matching
    its sha256 and size."""
    problems = []

    def one(sha: str) -> tuple[str, tuple]:
        return sha, hash_file(store_path(store, sha))

    for sha, (digest, size, why) in _parallel(one, sorted(originals), None):
        path = store_path(store, sha)
        if digest is None:
            problems.append(f"attachment {path}: {why or 'missing'}")
        elif digest != sha:
            problems.append(f"attachment {path}: bytes changed (they hash to {digest})")
        elif originals[sha] is not None and size != originals[sha]:
            problems.append(f"attachment {path}: {size} bytes, the manifest says {originals[sha]}")
    return problems


def sweep(store: Path, keep: set[str]) -> int:
    """Remove every file of ``store`` whose name is not in ``keep`` (left-over temporary
    files too); how many were removed."""
    removed = 0
    if not store.is_dir():
        return 0
    for first in store.iterdir():
        for second in first.iterdir() if first.is_dir() else ():
            for path in second.iterdir():
                if path.name not in keep:
                    path.unlink()
                    removed += 1
            with contextlib.suppress(OSError):
                second.rmdir()  # only when empty
        with contextlib.suppress(OSError):
            first.rmdir()
    return removed


def _parallel(fn: Callable, items: Iterable, workers: int | None) -> Iterator[Any]:
    with ThreadPoolExecutor(max_workers=workers or default_verify_workers()) as pool:
        yield from pool.map(fn, items)
