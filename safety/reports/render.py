"""Printed documents: template + context → PDF bytes, cached until the document changes.

- The HTML is rendered here (Jinja, autoescaped) with ``safety/reports/templates`` and
  the domain packages' templates; the PDF in a worker process (``safety.reports.pool``).
- The print style sheet (``templates/reports/print.css``) is not in the HTML: each
  worker parses it once and renders every document with it (``safety.reports.worker``).
- Cache: the PDF of a given HTML (with its files, fonts and style sheet) is kept on disk
  under ``<data dir>/cache/documents/<kind>/<key>-<digest>.pdf``; the digest is of the
  HTML itself, which carries every record the document shows (photos by their content
  hash), so a change to any of them — a new hazard, a verification, an extension — is a
  new digest and a new render, and the older file of that document is removed.
- Without a CJK font the documents are refused with 503 and what to install.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import tempfile
from functools import lru_cache
from pathlib import Path
from typing import Any
from urllib.parse import quote

import anyio.to_thread
import jinja2
from litestar import Response

from safety.errors import DomainError
from safety.reports import fonts, pool, worker
from safety.settings import get_settings, local_clock

ROOT = Path(__file__).resolve().parent.parent.parent
TEMPLATE_DIRS = (
    ROOT / "safety" / "reports" / "templates",
    ROOT / "inspections" / "templates",
    ROOT / "rectification" / "templates",
)
RENDER_VERSION = "2"  # bump when the worker's output for the same HTML changes


class DocumentsUnavailable(DomainError):
    """No CJK font on this server: printing would give boxes instead of text."""

    status_code = 503


class Resources:
    """The files one document may load, by the URL its HTML uses for them."""

    def __init__(self) -> None:
        self.map: dict[str, tuple[str, str, str]] = {}

    def photo(self, attachment: dict) -> str:
        """A photo's print copy (from its display copy)."""
        from safety.files import store as files

        sha = attachment["sha256"]
        url = f"safety:photo/{sha}"
        self.map[url] = (str(files.path_of(sha, "display")), "photo", "image/jpeg")
        return url

    def file(self, attachment: dict) -> str:
        """A stored file as it is (a signature PNG)."""
        from safety.files import store as files

        sha = attachment["sha256"]
        url = f"safety:file/{sha}"
        self.map[url] = (str(files.path_of(sha)), "file", attachment.get("content_type") or "")
        return url


def _date(value: Any) -> str:
    if value is None or value == "":
        return "—"
    if isinstance(value, dt.datetime):
        return local_clock(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def _percent(fraction: Any) -> str:
    """A rate as the dashboard shows it, from its ``{"numerator", "denominator"}`` (a
    figure's ``fractions`` entry): exact and half up (``charts.percent``), never a float
    rounded on its own (1 of 16 is "6.3%", not "6.2%")."""
    from safety import charts

    if not fraction:
        return "—"
    return charts.percent(fraction["numerator"], fraction["denominator"])


@lru_cache(maxsize=1)
def environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader([str(d) for d in TEMPLATE_DIRS]),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["date"] = _date
    env.filters["percent"] = _percent
    return env


def available() -> bool:
    return fonts.find_source("regular") is not None


def _cache_dir() -> Path:
    return get_settings().data_dir / "cache"


def _write_atomically(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-")
    try:
        with os.fdopen(fd, "wb") as out:
            out.write(data)
        os.replace(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)


def _lookup(kind: str, key: str, template: str, context: dict, res: Resources):
    html = environment().get_template(template).render(**context)
    source = fonts.find_source("regular")
    digest = hashlib.sha256(
        "\n".join(
            (
                RENDER_VERSION,
                fonts.BUILD_VERSION,
                source.identity if source else "",
                worker.stylesheet_text(),
                repr(sorted(res.map.items())),
                html,
            )
        ).encode()
    ).hexdigest()[:32]
    path = _cache_dir() / "documents" / kind / f"{key}-{digest}.pdf"
    try:
        cached = path.read_bytes()
    except FileNotFoundError:  # never cached, or another request's _store removed it
        cached = None
    return html, path, cached


def _store(path: Path, pdf: bytes) -> None:
    _write_atomically(path, pdf)
    prefix = path.name.rsplit("-", 1)[0] + "-"
    for old in path.parent.glob(prefix + "*.pdf"):
        if old != path:
            old.unlink(missing_ok=True)


async def render_pdf(
    kind: str, key: str | int, template: str, context: dict, res: Resources
) -> bytes:
    """The PDF of ``template`` with ``context``: from the cache when this exact document
    was printed before, else rendered in a worker process (and cached)."""
    if not await anyio.to_thread.run_sync(available):
        raise DocumentsUnavailable(fonts.INSTALL_HINT)
    html, path, cached = await anyio.to_thread.run_sync(
        _lookup, kind, str(key), template, context, res
    )
    if cached is not None:
        return cached
    pdf, _refused = await pool.run(worker.render, html, res.map, str(_cache_dir() / "print"))
    await anyio.to_thread.run_sync(_store, path, pdf)
    return pdf


def filename(*parts: Any) -> str:
    """``企业名称-检查报告-2026-11-27.pdf``: the parts joined by '-', characters a file
    system refuses replaced."""
    name = "-".join(str(p) for p in parts if p not in (None, ""))
    name = "".join("_" if c in '/\\:*?"<>|' or ord(c) < 32 else c for c in name)
    return name[:150] + ".pdf"


def pdf_response(pdf: bytes, name: str, ascii_name: str = "document.pdf") -> Response:
    """The PDF as a download named ``name`` (RFC 5987/6266: ``filename*`` in UTF-8,
    with a plain ASCII ``filename`` for old clients)."""
    disposition = f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(name)}"
    return Response(
        content=pdf,
        media_type="application/pdf",
        headers={"Content-Disposition": disposition},
    )


def pdf_responses() -> dict:
    """OpenAPI: the PDF itself, and the errors a document route gives."""
    from litestar.openapi import ResponseSpec

    from safety.web import ErrorOut, error_responses

    pdf = ResponseSpec(
        data_container=bytes,
        media_type="application/pdf",
        description="The PDF (Content-Disposition: attachment, RFC 5987 file name)",
        generate_examples=False,
    )
    unavailable = ResponseSpec(
        data_container=ErrorOut,
        description="No CJK font on the server: the detail says what to install",
        generate_examples=False,
    )
    return {200: pdf, **error_responses(401, 403, 404), 503: unavailable}
