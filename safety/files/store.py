"""Attachments (附件): photos and signature images, for every domain.

Upload: the bytes are read from the upload in chunks and refused (413) as soon as they pass
``max_upload_bytes`` — an oversized file is never held whole. ``safety.files.images`` checks and
prepares them in a bounded pool of ``image_workers`` threads running at a lower CPU
priority (ten phones uploading at once queue there instead of starving the event loop;
Pillow releases the GIL while it decodes, resizes and encodes). The files are then written
content-addressed under ``<data_dir>/files/ab/cd/<sha256>`` (plus ``.display.jpg``,
``.print.jpg`` and ``.thumb.jpg``), each atomically (a temporary file renamed into place);
an original already stored (same sha256) reuses its stored variants, no pixel decoded.
Only then is the row inserted, with its audit event, in one transaction:
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
owner and kind, so the HMAC chain covers the bytes; ``safety.files.verify.verify_store``
(``safety audit verify``) re-hashes every original and names each file missing or
changed and each row no upload event accounts for (docs/closure/tamper-evidence.md).
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import hashlib
import os
import tempfile
import threading
from collections.abc import Awaitable, Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from functools import partial
from pathlib import Path
from typing import Any

import anyio
import anyio.to_thread
from litestar.datastructures import UploadFile
from pydantic import BaseModel

from safety import audit
from safety.actors import Actor
from safety.db import write_transaction
from safety.errors import NotFound, PayloadTooLarge, ValidationFailed
from safety.files.images import Checked, Variants, check, variants
from safety.schemas import MAX_DB_INT, one_of
from safety.settings import get_settings
from safety.tables import Attachment, AttachmentKind
from safety.text import clean_filename

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
    kind: one_of(AttachmentKind)
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


def _store_missing(checked: Checked) -> list[Path]:
    """Write the original and its variants unless they are all stored already: the
    same original (its sha256) again reuses the stored variants, no pixel decoded — a
    retried upload or a photo sent twice costs a hash, not the image work."""
    if all(path_of(checked.sha256, v).exists() for v in VARIANTS):
        return []
    return _store(checked, variants(checked.original))


def _store(p: Checked, made: Variants) -> list[Path]:
    """Write the four files; the paths this call created (to undo on a failed insert)."""
    created: list[Path] = []
    try:
        for variant, data in (
            ("original", p.original),
            ("display", made.display),
            ("print", made.print_copy),
            ("thumbnail", made.thumbnail),
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
        f"文件超过 {limit // (1024 * 1024)} MB 上限",
        [{"key": "file", "message": f"文件超过 {limit} 字节上限"}],
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
    data: bytes,
    *,
    filename: str,
    owner_type: str,
    owner_id: int,
    kind: str,
    actor: Actor,
    before_insert: Callable[[], Awaitable[None]] | None = None,
) -> Attachment:
    """As ``save_upload``, for bytes already in hand (a signature canvas, demo data).
    ``before_insert`` runs in the insert's write transaction, before the row: a check
    that must not race another upload (a per-owner limit) raises there, nothing kept."""
    settings = get_settings()
    if len(data) > settings.max_upload_bytes:
        raise _too_large(settings.max_upload_bytes)
    if kind not in AttachmentKind._value2member_map_:
        raise ValidationFailed.field("kind", f"unknown attachment kind {kind!r}")

    def prepare() -> tuple[Checked, list[Path]]:
        # One trip to the pool: a second trip would queue behind every other upload's
        # processing, and all uploads of a burst would finish only at its end.
        checked = check(
            data,
            keep_gps=settings.keep_gps,
            max_pixels=settings.max_image_pixels,
            timezone=settings.timezone,
            max_decode_bytes=settings.max_image_decode_mb * 1024 * 1024,
        )
        return checked, _store_missing(checked)

    processed, created = await _in_worker(prepare)
    row = Attachment(
        sha256=processed.sha256,
        content_type=processed.content_type,
        size=len(processed.original),
        filename=clean_filename(filename or ""),
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
            if before_insert is not None:
                await before_insert()
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
    await anyio.to_thread.run_sync(_store_missing, processed)
    return row


async def _remove_unreferenced(sha256: str, created: list[Path]) -> None:
    """After a failed insert: remove the files this upload created, unless a row uses
    them (decided while holding the write lock, so no insert of such a row interleaves).
    When the database cannot even be asked (an outage: the disk is full, the database is
    gone) they are removed all the same: no insert of those bytes can commit either, and
    one that still did puts its files back after its commit (``save_bytes``)."""
    if not created:
        return
    try:
        async with write_transaction():
            used = await Attachment.exists().where(Attachment.sha256 == sha256).run()
            if not used:
                await anyio.to_thread.run_sync(_unlink, created)
    except Exception:  # noqa: BLE001 - the insert's own error is the one to report
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
