"""Serving attachments: ``/api/v1/files/{id}`` (bearer token) and ``/files/{id}`` (the page
session cookie: an ``<img>`` on a page cannot send a token), each with ``/display`` (≤ 1600
px) and ``/thumbnail`` (≤ 320 px). Who may see a file is who may see its owner record
(``safety.files.store.register_owner``)."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from litestar import get
from litestar.di import NamedDependency
from litestar.openapi import ResponseSpec
from litestar.response import File

from safety.accounts.actor import ACTOR
from safety.actors import Actor
from safety.files import store as files
from safety.text import clean_filename
from safety.web import PathId, error_responses

# Content-addressed: the bytes behind a URL never change, so a browser may keep them for
# a year; private, because they are per-user (never in a shared cache).
CACHE_CONTROL = "private, max-age=31536000, immutable"
IMAGE = "image/*"


def disposition(name: str) -> str:
    """``inline`` with the name (RFC 6266): a plain ASCII ``filename`` (other characters
    as "_") for old clients and, when the name is not plain ASCII, ``filename*`` in
    UTF-8 (RFC 5987). The name is cleaned again: rows stored before the rule keep theirs."""
    name = clean_filename(name) or "file"
    plain = "".join(c if " " <= c <= "~" and c not in '"\\%' else "_" for c in name)
    if plain == name:
        return f'inline; filename="{name}"'
    return f"inline; filename=\"{plain}\"; filename*=UTF-8''{quote(name, safe='')}"


async def _serve(actor: Actor, file_id: int, variant: str) -> File:
    path, content_type, row = await files.file_for(actor, file_id, variant)
    name = row["filename"] or f"{row['sha256'][:12]}"
    if variant != "original":
        name = f"{row['sha256'][:12]}-{variant}.jpg"
    return File(
        path,
        media_type=content_type,
        headers={
            "content-disposition": disposition(name),
            "Cache-Control": CACHE_CONTROL,
            "ETag": f'"{row["sha256"]}{files.VARIANTS[variant]}"',
            "X-Content-Type-Options": "nosniff",
        },
    )


def _routes(prefix: str, api: bool) -> list:
    kw: dict[str, Any] = {
        "dependencies": ACTOR,
        "media_type": IMAGE,
        "include_in_schema": api,
    }
    if api:
        # The image itself (Litestar's File schema would claim an ISO date in
        # Last-Modified, which HTTP writes as an RFC 7231 date).
        image = ResponseSpec(
            data_container=bytes,
            media_type=IMAGE,
            description="The image bytes",
            generate_examples=False,
        )
        kw.update(tags=["files"], responses={200: image, **error_responses(401, 403, 404)})

    @get(f"{prefix}/{{file_id:int}}", summary="A file (the stored original)", **kw)
    async def original(actor: NamedDependency[Actor], file_id: PathId) -> File:
        """The original bytes (GPS position removed), with their own content type."""
        return await _serve(actor, file_id, "original")

    @get(f"{prefix}/{{file_id:int}}/display", summary="A file's display copy (≤ 1600 px)", **kw)
    async def display(actor: NamedDependency[Actor], file_id: PathId) -> File:
        """A JPEG at most 1600 px on its long side, orientation applied."""
        return await _serve(actor, file_id, "display")

    @get(f"{prefix}/{{file_id:int}}/thumbnail", summary="A file's thumbnail (≤ 320 px)", **kw)
    async def thumbnail(actor: NamedDependency[Actor], file_id: PathId) -> File:
        """A JPEG at most 320 px on its long side, orientation applied."""
        return await _serve(actor, file_id, "thumbnail")

    return [original, display, thumbnail]


ROUTES = [*_routes("/api/v1/files", api=True), *_routes("/files", api=False)]
