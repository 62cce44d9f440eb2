"""Attachments (附件): photos and signature images, for every domain.

Upload: the bytes are read from the upload in chunks and refused (413) as soon as they pass
``max_upload_bytes`` — an oversized file is never held whole. ``safety.images`` checks and
prepares them in a bounded pool of ``image_workers`` threads running at a lower CPU
priority (ten phones uploading at once queue there instead of starving the event loop;
Pillow releases the GIL while it decodes, resizes and encodes). The files are then written
content-addressed under ``<data_dir>/files/ab/cd/<sha256>`` (plus ``.display.jpg``,
``.print.jpg`` and ``.thumb.jpg``), each atomically (a temporary file renamed into place),
and only then is the row inserted, with its audit event, in one transaction:
- a failed write raises before the insert: no row;
- a failed insert removes the files it wrote, unless another row references the same
  bytes (checked inside a write transaction, so it cannot race an insert of that row);
- an insert that committed checks its files are still there and rewrites any that a
  concurrent failed insert removed in between.

Serving: each domain registers how to check that an actor may see one of its records
(``register_owner``); a file is served only when that check passes for the attachment's
owner (an unknown owner type is 404). Responses are ``private`` (per user) and
``immutable`` (content-addressed: a file's URL never changes what it returns).

Tamper evidence: the upload's audit event carries the original's sha256 (its name), size,
owner and kind, so the HMAC chain covers the bytes; ``verify_store`` (``safety audit
verify``) re-hashes every original and names each file missing or changed and each row no
upload event accounts for (docs/closure/tamper-evidence.md).
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import hashlib
import os
import re
import tempfile
import threading
import time
from collections.abc import Awaitable, Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Any

import anyio
import anyio.to_thread
from litestar.datastructures import UploadFile
from pydantic import BaseModel

from safety import audit
from safety.auth import Actor
from safety.db import write_transaction
from safety.errors import NotFound, PayloadTooLarge, ValidationFailed
from safety.images import Processed, process
from safety.schemas import MAX_DB_INT
from safety.settings import get_settings
from safety.tables import Attachment, AttachmentKind

CHUNK = 1024 * 1024
VARIANTS = {
    "original": "",
    "display": ".display.jpg",
    "print": ".print.jpg",
    "thumbnail": ".thumb.jpg",
}
OwnerCheck = Callable[[Actor, int], Awaitable[None]]
_owners: dict[str, OwnerCheck] = {}
_pool: ThreadPoolExecutor | None = None


class AttachmentOut(BaseModel):
    """An attachment as every API shows it. ``url``/``display_url``/``thumbnail_url`` take
    a bearer token; the ``page_*`` twins are for pages (session cookie)."""

    id: int
    kind: str
    url: str
    display_url: str
    thumbnail_url: str
    page_url: str
    page_display_url: str
    page_thumbnail_url: str
    content_type: str
    width: int | None
    height: int | None
    captured_at: dt.datetime | None


def attachment_out(a: Attachment | dict[str, Any]) -> dict[str, Any]:
    """``{"id","kind","url","thumbnail_url", ...}`` for a row or an ``Attachment``."""
    row = a if isinstance(a, dict) else a.to_dict()
    i = row["id"]
    return {
        "id": i,
        "kind": row["kind"],
        "url": f"/api/v1/files/{i}",
        "display_url": f"/api/v1/files/{i}/display",
        "thumbnail_url": f"/api/v1/files/{i}/thumbnail",
        "page_url": f"/files/{i}",
        "page_display_url": f"/files/{i}/display",
        "page_thumbnail_url": f"/files/{i}/thumbnail",
        "content_type": row.get("content_type") or "",
        "width": row.get("width"),
        "height": row.get("height"),
        "captured_at": row.get("captured_at"),
    }


def register_owner(owner_type: str, check: OwnerCheck) -> None:
    """How to check that an actor may see the owner record (raise ``NotFound`` — or
    ``Forbidden`` for a role never allowed — otherwise). One check per owner type."""
    _owners[owner_type] = check


# ---------------------------------------------------------------- storage


def files_root() -> Path:
    return get_settings().data_dir / "files"


def path_of(sha256: str, variant: str = "original") -> Path:
    return files_root() / sha256[:2] / sha256[2:4] / (sha256 + VARIANTS[variant])


def _write_atomically(path: Path, data: bytes) -> bool:
    """Write ``path`` unless it exists (content-addressed: same name, same bytes). True
    when this call created it."""
    if path.exists():
        return False
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-")
    try:
        with os.fdopen(fd, "wb") as out:
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
    return True


def _store(p: Processed) -> list[Path]:
    """Write the three files; the paths this call created (to undo on a failed insert)."""
    created: list[Path] = []
    try:
        for variant, data in (
            ("original", p.original),
            ("display", p.display),
            ("print", p.print_copy),
            ("thumbnail", p.thumbnail),
        ):
            path = path_of(p.sha256, variant)
            if _write_atomically(path, data):
                created.append(path)
    except BaseException:
        _unlink(created)
        raise
    return created


def _unlink(paths: Iterable[Path]) -> None:
    for path in paths:
        with contextlib.suppress(FileNotFoundError):
            path.unlink()


def _background_priority() -> None:
    """Image work yields the CPU to the event loop's thread when both want it (on Linux a
    thread has its own niceness; raising it needs no privilege)."""
    with contextlib.suppress(AttributeError, OSError):
        os.setpriority(os.PRIO_PROCESS, threading.get_native_id(), 10)


def _executor() -> ThreadPoolExecutor:
    """The bounded pool images are processed and written in: ``image_workers`` threads,
    so a burst of uploads queues here instead of starving the event loop."""
    global _pool
    if _pool is None:
        _pool = ThreadPoolExecutor(
            max_workers=max(1, get_settings().image_workers),
            thread_name_prefix="safety-images",
            initializer=_background_priority,
        )
    return _pool


async def _in_worker(fn: Callable[..., Any], *args: Any) -> Any:
    return await asyncio.get_running_loop().run_in_executor(_executor(), partial(fn, *args))


# ---------------------------------------------------------------- saving


async def read_upload(upload: UploadFile) -> bytes:
    """The upload's bytes, read in chunks; 413 as soon as they pass the limit."""
    limit = get_settings().max_upload_bytes
    parts: list[bytes] = []
    total = 0
    while True:
        chunk = await upload.read(CHUNK)
        if not chunk:
            break
        total += len(chunk)
        if total > limit:
            raise _too_large(limit)
        parts.append(chunk)
    return b"".join(parts)


def _too_large(limit: int) -> PayloadTooLarge:
    return PayloadTooLarge(
        f"文件超过 {limit // (1024 * 1024)} MB 上限 (the file is larger than {limit} bytes)",
        [{"key": "file", "message": f"larger than {limit} bytes"}],
    )


async def save_upload(
    upload: UploadFile, *, owner_type: str, owner_id: int, kind: str, actor: Actor
) -> Attachment:
    """Validate, store and record one uploaded file (audit event ``attachment.create``)."""
    data = await read_upload(upload)
    return await save_bytes(
        data,
        filename=upload.filename or "",
        owner_type=owner_type,
        owner_id=owner_id,
        kind=kind,
        actor=actor,
    )


async def save_bytes(
    data: bytes, *, filename: str, owner_type: str, owner_id: int, kind: str, actor: Actor
) -> Attachment:
    """As ``save_upload``, for bytes already in hand (a signature canvas, demo data)."""
    settings = get_settings()
    if len(data) > settings.max_upload_bytes:
        raise _too_large(settings.max_upload_bytes)
    if kind not in AttachmentKind._value2member_map_:
        raise ValidationFailed.field("kind", f"unknown attachment kind {kind!r}")

    def prepare() -> tuple[Processed, list[Path]]:
        # One trip to the pool: a second trip would queue behind every other upload's
        # processing, and all uploads of a burst would finish only at its end.
        done = process(
            data,
            keep_gps=settings.keep_gps,
            max_pixels=settings.max_image_pixels,
            timezone=settings.timezone,
        )
        return done, _store(done)

    processed, created = await _in_worker(prepare)
    row = Attachment(
        sha256=processed.sha256,
        content_type=processed.content_type,
        size=len(processed.original),
        filename=(filename or "")[:255],
        kind=kind,
        owner_type=owner_type,
        owner_id=owner_id,
        width=processed.width,
        height=processed.height,
        has_thumbnail=True,
        captured_at=processed.captured_at,
        uploaded_by=actor.user_id or None,
    )
    try:
        async with write_transaction():
            await row.save().run()
            await audit.record(
                actor,
                "attachment.create",
                "attachment",
                row.id,
                after={
                    "owner_type": owner_type,
                    "owner_id": owner_id,
                    "kind": kind,
                    "sha256": processed.sha256,
                    "size": len(processed.original),
                    "content_type": processed.content_type,
                },
            )
    except BaseException:
        await _remove_unreferenced(processed.sha256, created)
        raise
    # A concurrent failed insert of the same bytes may have removed them meanwhile.
    await anyio.to_thread.run_sync(_store, processed)
    return row


async def _remove_unreferenced(sha256: str, created: list[Path]) -> None:
    """After a failed insert: remove the files this upload created, unless a row uses
    them (decided while holding the write lock, so no insert of such a row interleaves)."""
    if not created:
        return
    with contextlib.suppress(Exception):  # the insert's own error is the one to report
        async with write_transaction():
            used = await Attachment.exists().where(Attachment.sha256 == sha256).run()
            if not used:
                await anyio.to_thread.run_sync(_unlink, created)


# ---------------------------------------------------------------- reading


async def list_for(owner_type: str, owner_ids: Iterable[int]) -> dict[int, list[dict]]:
    """The attachments of several owner records in one query: owner id → ``attachment_out``
    dicts, oldest first. Every asked id is a key (an empty list when it has none)."""
    ids = sorted({i for i in owner_ids if isinstance(i, int)})
    out: dict[int, list[dict]] = {i: [] for i in ids}
    if not ids:
        return out
    rows = (
        await Attachment.select()
        .where(Attachment.owner_type == owner_type, Attachment.owner_id.is_in(ids))
        .order_by(Attachment.id)
        .run()
    )
    for row in rows:
        out[row["owner_id"]].append(attachment_out(row))
    return out


async def file_for(actor: Actor, attachment_id: int, variant: str) -> tuple[Path, str, dict]:
    """The file to serve (path, content type, the row) if the actor may see the owner
    record; 404 otherwise (missing, unknown owner type, or outside their scope)."""
    missing = NotFound("文件不存在")
    if not 1 <= attachment_id <= MAX_DB_INT:
        raise missing
    row = await Attachment.select().where(Attachment.id == attachment_id).first().run()
    if row is None:
        raise missing
    check = _owners.get(row["owner_type"])
    if check is None:
        raise missing
    await check(actor, row["owner_id"])
    path = path_of(row["sha256"], variant)
    if not await anyio.Path(path).exists():
        raise missing
    content_type = row["content_type"] if variant == "original" else "image/jpeg"
    return path, content_type, row


async def list_owner(
    owner_type: str, owner_id: int, limit: int, offset: int
) -> tuple[list[dict], int]:
    """One owner record's attachments (rows, oldest first) and their total. The caller
    has checked the actor may see the owner."""
    where = (Attachment.owner_type == owner_type) & (Attachment.owner_id == owner_id)
    rows = (
        await Attachment.select()
        .where(where)
        .order_by(Attachment.id)
        .limit(limit)
        .offset(offset)
        .run()
    )
    return rows, await Attachment.count().where(where).run()


async def digest(data: bytes) -> str:
    """SHA-256 of ``data`` off the event loop (an idempotency fingerprint of an upload)."""
    return await anyio.to_thread.run_sync(lambda: hashlib.sha256(data).hexdigest())


# ---------------------------------------------------------------- verifying the store
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
