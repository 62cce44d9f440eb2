"""WeasyPrint's only way to the outside: a URL fetcher that serves the files a document
named when it was built (photos, signatures, our fonts and style sheet) and refuses
everything else — ``file://``, ``http(s)://``, ``data:`` and any other scheme — so text
that reaches a document (a hazard description, a name) can never make the server read a
local file or call a URL, even if it somehow became markup.

Resources are named ``safety:<kind>/<name>`` and mapped to paths by the caller."""

from __future__ import annotations

import logging
import os
import tempfile
from pathlib import Path

from weasyprint.urls import URLFetcher, URLFetcherResponse

from safety.files.images import PRINT_PX, PRINT_QUALITY

log = logging.getLogger(__name__)

SCHEME = "safety:"
MIME = {
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".png": "image/png",
    ".webp": "image/webp",
    ".ttf": "font/ttf",
    ".otf": "font/otf",
    ".css": "text/css",
}


class RefusedURL(ValueError):
    """A document asked for something that is not one of its own files."""


def print_copy(display: Path, cache_dir: Path) -> Path:
    """A photo's JPEG of at most ``PRINT_PX`` px (40 display copies would make a 10 MB
    report, 40 print copies make ~1 MB and still print sharp), embedded as it is: the one
    made at upload beside the display copy, or for a photo stored before uploads made
    one, made here from its display copy and kept with the other caches
    (content-addressed like the photo itself)."""
    sha = display.name.split(".")[0]
    stored = display.with_name(f"{sha}.print.jpg")
    if stored.exists():
        return stored
    target = cache_dir / f"{sha}.print.jpg"
    if target.exists():
        return target
    from PIL import Image

    target.parent.mkdir(parents=True, exist_ok=True)
    with Image.open(display) as img:
        scale = PRINT_PX / max(img.size)
        if img.format == "JPEG" and scale < 1:
            # Decode at 1/2 (or 1/4, 1/8) scale where that still covers the print size:
            # half the time of a full decode of a 1600 px display copy.
            img.draft("RGB", (max(1, int(img.width * scale)), max(1, int(img.height * scale))))
        img.thumbnail((PRINT_PX, PRINT_PX))
        fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=".tmp-", suffix=".jpg")
        os.close(fd)
        try:
            img.convert("RGB").save(tmp, "JPEG", quality=PRINT_QUALITY, optimize=True)
            os.replace(tmp, target)
        finally:
            if os.path.exists(tmp):
                os.unlink(tmp)
    return target


class SafeFetcher(URLFetcher):
    """Serves ``resources`` (URL → (path, kind, content type)); kind ``photo`` is served as
    its print copy (made on first use in ``print_dir``), ``file`` as stored. Anything else raises
    ``RefusedURL`` (WeasyPrint then leaves the image out and logs a warning) and is
    listed in ``refused``."""

    def __init__(self, resources: dict[str, tuple[str, str, str]], print_dir: Path) -> None:
        super().__init__(allowed_protocols=("safety",), allow_redirects=False)
        self.resources = resources
        self.print_dir = print_dir
        self.refused: list[str] = []

    def fetch(self, url: str, headers: dict | None = None) -> URLFetcherResponse:
        entry = self.resources.get(url) if url.startswith(SCHEME) else None
        if entry is None:
            self.refused.append(url)
            log.warning("PDF: refused to fetch %r (not one of the document's files)", url[:200])
            raise RefusedURL(f"not a file of this document: {url[:200]}")
        path, kind, mime = Path(entry[0]), entry[1], entry[2]
        if kind == "photo":
            path, mime = print_copy(path, self.print_dir), "image/jpeg"
        mime = mime or MIME.get(path.suffix.lower(), "application/octet-stream")
        return URLFetcherResponse(url, path.read_bytes(), {"Content-Type": mime})
