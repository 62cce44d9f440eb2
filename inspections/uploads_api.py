"""Uploads of an inspection: signatures (POST /api/v1/inspections/{id}/signatures) and
hazard photos (POST /api/v1/hazards/{id}/photos). Thin: read the multipart body (streamed,
refused past the size limit), call the services."""

from __future__ import annotations

from litestar import Request, Response, Router, post
from litestar.di import NamedDependency
from litestar.params import MultipartBody

from inspections.schemas import HazardPhotoForm, PhotoOut, SignatureForm, SignaturesOut
from inspections.services import photos, signatures
from safety.accounts.actor import ACTOR
from safety.actors import Actor
from safety.files import store as files
from safety.idempotency import IdempotencyKey, run_idempotent
from safety.web import PathId, error_responses


@post(
    "/inspections/{inspection_id:int}/signatures",
    tags=["inspections"],
    summary="Sign (inspector / enterprise), or record the enterprise's refusal",
    responses=error_responses(400, 401, 403, 404, 409, 413, 415),
)
async def add_signature(
    actor: NamedDependency[Actor], inspection_id: PathId, data: MultipartBody[SignatureForm]
) -> SignaturesOut:
    """Multipart ``signer`` (inspector|enterprise), ``signer_name`` and ``file`` (the drawn
    signature, PNG/JPEG) — or, for the enterprise, ``refused_reason`` (拒签) instead. A new
    one replaces the old. Only while in_progress (409)."""
    await signatures.group_row(actor, inspection_id)
    content = await files.read_upload(data.file) if data.file is not None else None
    out = await signatures.add_signature(
        actor,
        inspection_id,
        data.signer,
        signer_name=data.signer_name,
        refused_reason=data.refused_reason,
        content=content,
        filename=(data.file.filename if data.file is not None else "") or "signature.png",
    )
    return SignaturesOut(**out)


@post(
    "/hazards/{hazard_id:int}/photos",
    tags=["hazards"],
    summary="Add a photo to a hazard",
    status_code=201,
    responses=error_responses(400, 401, 403, 404, 409, 413, 415),
)
async def add_hazard_photo(
    request: Request,
    actor: NamedDependency[Actor],
    hazard_id: PathId,
    data: MultipartBody[HazardPhotoForm],
    idempotency_key: IdempotencyKey = None,
) -> Response[PhotoOut]:
    """An inspector of the hazard's inspection: ``kind`` problem (default) or recheck
    (rectified: the after-photo of a hazard fixed on the spot). JPEG/PNG/WebP by content
    (415), ≤ 15 MB (413). ``Idempotency-Key`` honoured: a retried upload is stored once."""
    await photos.photo_target(actor, hazard_id)
    content = await files.read_upload(data.file)
    digest = await files.digest(content)
    kind = data.kind or "problem"

    async def save() -> dict:
        out = await photos.add_hazard_photo(
            actor, hazard_id, content, filename=data.file.filename or "", kind=kind
        )
        return PhotoOut(**out).model_dump(mode="json")

    return await run_idempotent(
        request, actor, {"file_sha256": digest, "kind": kind, "hazard": hazard_id}, save
    )


router = Router(
    path="/api/v1", dependencies=ACTOR, route_handlers=[add_signature, add_hazard_photo]
)
