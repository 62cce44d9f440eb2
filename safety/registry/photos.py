"""Photos of an enterprise's site (现场照片) — the registry's attachments, and the registry's
entry in the file-serving scope rule: whoever may see an enterprise may see its photos.

``POST /api/v1/enterprises/{id}/photos``: an officer, on an enterprise of their subtree,
uploads a ``scene`` photo (multipart ``file``); ``Idempotency-Key`` honoured, so a phone
retrying an upload never stores it twice. ``GET`` lists them for every reader of the
enterprise."""

from __future__ import annotations

from dataclasses import dataclass

from litestar import Request, Response, Router, get, post
from litestar.datastructures import UploadFile
from litestar.di import NamedDependency
from litestar.params import MultipartBody

from safety.accounts.actor import ACTOR
from safety.actors import Actor
from safety.files import store as files
from safety.idempotency import IdempotencyKey, run_idempotent
from safety.registry import service as registry
from safety.tables import AttachmentKind, Role
from safety.web import Limit, Offset, Page, PathId, error_responses, paging

OWNER = "enterprise"


async def can_see_enterprise(actor: Actor, enterprise_id: int) -> None:
    await registry.get_enterprise(actor, enterprise_id)


files.register_owner(OWNER, can_see_enterprise)


@dataclass
class PhotoForm:
    """One ``file`` part: a JPEG, PNG or WebP image (checked by content), ≤ 15 MB."""

    file: UploadFile


@post(
    "/{enterprise_id:int}/photos",
    summary="Add a site photo to an enterprise",
    status_code=201,
    responses=error_responses(400, 401, 403, 404, 409, 413, 415),
)
async def add_enterprise_photo(
    request: Request,
    actor: NamedDependency[Actor],
    enterprise_id: PathId,
    data: MultipartBody[PhotoForm],
    idempotency_key: IdempotencyKey = None,
) -> Response[files.AttachmentOut]:
    """Officer, on an enterprise of their subtree. The image is checked by its bytes
    (JPEG/PNG/WebP, else 415), at most 15 MB (413); an empty or truncated one is 400."""
    actor.require(Role.officer)
    await registry.get_enterprise(actor, enterprise_id)
    content = await files.read_upload(data.file)
    # The fingerprint of a keyed retry: the file's hash (hashing only when it is needed).
    payload = {"file_sha256": await files.digest(content)} if idempotency_key else None

    async def save() -> dict:
        row = await files.save_bytes(
            content,
            filename=data.file.filename or "",
            owner_type=OWNER,
            owner_id=enterprise_id,
            kind=AttachmentKind.scene.value,
            actor=actor,
        )
        return files.attachment_out(row)

    return await run_idempotent(request, actor, payload, save)


@get(
    "/{enterprise_id:int}/photos",
    summary="An enterprise's site photos",
    responses=error_responses(400, 401, 403, 404),
)
async def list_enterprise_photos(
    actor: NamedDependency[Actor],
    enterprise_id: PathId,
    limit: Limit = None,
    offset: Offset = None,
) -> Page[files.AttachmentOut]:
    """Whoever may see the enterprise; oldest first."""
    lim, off = paging(limit, offset)
    await registry.get_enterprise(actor, enterprise_id)
    rows, total = await files.list_owner(OWNER, enterprise_id, lim, off)
    return Page[files.AttachmentOut](
        items=[files.AttachmentOut(**files.attachment_out(r)) for r in rows], total=total
    )


router = Router(
    path="/api/v1/enterprises",
    tags=["registry"],
    dependencies=ACTOR,
    route_handlers=[add_enterprise_photo, list_enterprise_photos],
)
