"""Verifying the attachment store (``safety audit verify``): every stored original
re-hashed and each attachment row checked against the audit trail's upload events.
Split from ``safety.files.store``, which stores and serves the files."""

from __future__ import annotations

import asyncio
import hashlib
import os
import re
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from safety.files.store import files_root, path_of
from safety.tables import Attachment

# ``safety audit verify`` re-hashes every stored original the attachment table references
# and checks each row against the upload events of the audit trail (HMAC-chained, so the
# sha256 they carry cannot be changed unseen). Problems, each naming the file or row:
# - ``missing``: the original is not on disk (or cannot be read);
# - ``changed``: its bytes no longer hash to its name (the sha256 the upload recorded);
# - ``unrecorded``: no upload event carries the row's sha256 (a row inserted by hand —
#   copies of a photo onto another record, e.g. a patrol report's photos becoming the
#   hazard's, share the bytes, and so the sha256, of an upload that was recorded);
# - ``relinked``: the row's own upload event recorded other bytes (its sha256 was edited);
# - ``removed``: an upload event's attachment row no longer exists (nothing deletes one).
# Every problem is an error. Only originals are hashed: the display, print and thumbnail
# copies are derived from them, as are cached PDFs and QR codes.


@dataclass
class FileProblem:
    kind: str  # missing | changed | unrecorded | relinked | removed
    sha256: str
    path: Path
    rows: list[dict[str, Any]] = field(default_factory=list)  # id, owner_type, owner_id, kind
    detail: str = ""


@dataclass
class StoreReport:
    files: int = 0  # distinct originals hashed
    rows: int = 0  # attachment rows checked
    bytes: int = 0
    seconds: float = 0.0
    problems: list[FileProblem] = field(default_factory=list)

    def count(self, kind: str) -> int:
        return sum(1 for p in self.problems if p.kind == kind)

    @property
    def ok(self) -> bool:
        return not self.problems


def hash_file(path: Path) -> tuple[str | None, int, str]:
    """(sha256 hex, size, "") of a file, read in chunks (``hashlib.file_digest``: 256 KiB
    at a time, the GIL released while hashing); (None, 0, why) when it cannot be read."""
    try:
        with open(path, "rb") as fh:
            size = os.fstat(fh.fileno()).st_size
            return hashlib.file_digest(fh, "sha256").hexdigest(), size, ""
    except FileNotFoundError:
        return None, 0, ""
    except OSError as exc:
        return None, 0, f"{type(exc).__name__}: {exc.strerror or exc}"


def default_verify_workers() -> int:
    """Threads hashing at once: two per core, 2 to 8. Reading and hashing release the
    GIL; a second thread per core keeps the core busy while the other waits for the disk
    (measured on 2 cores, 10,000 photos: 4 threads beat 2 warm and cold; see
    docs/closure/tamper-evidence.md)."""
    return max(2, min(8, 2 * (os.cpu_count() or 1)))


async def verify_store(page: int = 2000, workers: int | None = None) -> StoreReport:
    """Re-hash every stored original referenced by ``attachment`` (each distinct file
    once) and check each row against the trail's upload events; see the notes above."""
    from safety.audit import upload_records

    started = time.perf_counter()
    report = StoreReport()
    uploads = await upload_records()
    bad: dict[str, FileProblem] = {}  # sha256 → its file's problem
    hashed: set[bytes] = set()  # digests of files already checked (32 bytes each)
    seen_ids: set[int] = set()
    unrecorded: list[dict[str, Any]] = []
    last_id = 0
    with ThreadPoolExecutor(
        max_workers=workers or default_verify_workers(), thread_name_prefix="safety-verify"
    ) as pool:
        loop = asyncio.get_running_loop()
        while True:
            rows = (
                await Attachment.select(
                    Attachment.id,
                    Attachment.sha256,
                    Attachment.owner_type,
                    Attachment.owner_id,
                    Attachment.kind,
                )
                .where(Attachment.id > last_id)
                .order_by(Attachment.id)
                .limit(page)
                .run()
            )
            if not rows:
                break
            last_id = rows[-1]["id"]
            report.rows += len(rows)
            todo: dict[str, Path] = {}
            for row in rows:
                sha = row["sha256"]
                seen_ids.add(row["id"])
                recorded = uploads.by_attachment.get(row["id"])
                if recorded is not None and recorded != sha:
                    unrecorded.append({**row, "problem": "relinked", "recorded": recorded})
                elif recorded is None and sha not in uploads.digests:
                    unrecorded.append({**row, "problem": "unrecorded"})
                key = _digest_key(sha)
                if key in hashed:
                    continue
                hashed.add(key)
                if _HEX64.fullmatch(sha):
                    todo[sha] = path_of(sha)
                else:  # edited by hand: no file of the store can have this name
                    report.files += 1
                    bad[sha] = FileProblem(
                        "missing", sha, _original_path(sha), detail="not a sha256 digest"
                    )
            results = await asyncio.gather(
                *(loop.run_in_executor(pool, hash_file, path) for path in todo.values())
            )
            for (sha, path), (actual, size, why) in zip(todo.items(), results, strict=True):
                report.files += 1
                report.bytes += size
                if actual is None:
                    bad[sha] = FileProblem("missing", sha, path, detail=why)
                elif actual != sha:
                    bad[sha] = FileProblem("changed", sha, path, detail=actual)
            for row in rows:
                problem = bad.get(row["sha256"])
                if problem is not None:
                    problem.rows.append(_row_ref(row))
    if unrecorded or len(seen_ids) < len(uploads.by_attachment):
        # An upload that committed while the pages were read: read the trail again, so
        # only what is still unexplained is reported.
        uploads = await upload_records()
    for row in unrecorded:
        recorded = uploads.by_attachment.get(row["id"])
        if row["problem"] == "relinked" and recorded != row["sha256"]:
            detail = f"its upload event recorded {recorded}"
        elif recorded is None and row["sha256"] not in uploads.digests:
            detail = ""
        else:
            continue
        path = _original_path(row["sha256"])
        report.problems.append(
            FileProblem(row["problem"], row["sha256"], path, [_row_ref(row)], detail)
        )
    report.problems[:0] = sorted(bad.values(), key=lambda p: p.rows[0]["id"] if p.rows else 0)
    # Rows of uploads committed after the walk (ids beyond it) are not removed ones; a
    # row the walk missed (committed late with a lower id) is looked up before naming it.
    gone = sorted(i for i in uploads.by_attachment if i <= last_id and i not in seen_ids)
    for start in range(0, len(gone), 1000):
        chunk = gone[start : start + 1000]
        exists = {
            r["id"]
            for r in await Attachment.select(Attachment.id).where(Attachment.id.is_in(chunk)).run()
        }
        for attachment_id in chunk:
            if attachment_id in exists:
                continue
            sha = uploads.by_attachment[attachment_id]
            ref = {"id": attachment_id, "owner_type": "", "owner_id": None, "kind": ""}
            report.problems.append(FileProblem("removed", sha, _original_path(sha), [ref]))
    report.seconds = time.perf_counter() - started
    return report


def _digest_key(sha: str) -> bytes:
    """32 bytes for a digest (half the memory of its text, for a million files)."""
    return bytes.fromhex(sha) if _HEX64.fullmatch(sha) else sha.encode()


_HEX64 = re.compile(r"[0-9a-f]{64}")


def _original_path(sha: str) -> Path:
    """Where the original of ``sha`` is; for a value that is no digest (a row edited by
    hand), a name under the store that says so — never a path built from the value."""
    if not _HEX64.fullmatch(sha):
        return files_root() / "(not a sha256)"
    return path_of(sha)


def _row_ref(row: dict[str, Any]) -> dict[str, Any]:
    return {k: row[k] for k in ("id", "owner_type", "owner_id", "kind")}
