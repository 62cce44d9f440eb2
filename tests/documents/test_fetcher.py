"""WeasyPrint fetches only the document's own files: markup planted in hazard text is
printed as text (autoescaped), and even as real markup a ``file://`` or ``http://``
reference is refused by the URL fetcher — the local server below never hears of it."""

from __future__ import annotations

import http.server
import threading
from pathlib import Path

import pytest

from safety.reports import worker
from safety.reports.fetcher import RefusedURL, SafeFetcher
from tests import factories as f
from tests.documents import world
from tests.documents.test_documents import flat, pdftotext


@pytest.fixture
def listener():
    """A local HTTP server that records every request it gets."""
    seen: list[str] = []

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            seen.append(self.path)
            self.send_response(200)
            self.send_header("Content-Type", "image/png")
            self.end_headers()

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}", seen
    server.shutdown()


async def test_planted_references_in_hazard_text_are_printed_not_fetched(client, listener):
    base, seen = listener
    planted = (
        f'<img src="file:///etc/passwd"><img src="{base}/tracker.png">'
        f'<link rel="stylesheet" href="{base}/x.css">'
    )
    d = await world.build(
        client, hazards=1, photos_per_hazard=1, verify=False, extra_description=planted
    )
    for path in ("report.pdf", "notice.pdf"):
        r = await client.get(
            f"/api/v1/inspections/{d.inspection_id}/{path}", headers=f.headers(d.w.officer)
        )
        assert r.status_code == 200, r.text
        assert flat('<img src="file:///etc/passwd">') in flat(pdftotext(r.content))
    assert seen == []


def test_the_fetcher_refuses_anything_but_the_documents_files(tmp_path, listener):
    base, seen = listener
    own = tmp_path / "sig.png"
    own.write_bytes(b"\x89PNG\r\n\x1a\n")
    fetcher = SafeFetcher({"safety:file/abc": (str(own), "file", "image/png")}, tmp_path)
    assert fetcher.fetch("safety:file/abc").read() == own.read_bytes()
    for url in (
        "file:///etc/passwd",
        f"{base}/a.png",
        "safety:file/other",
        "data:image/png;base64,iVBORw0KGgo=",
        "https://example.com/x.png",
    ):
        with pytest.raises(RefusedURL):
            fetcher.fetch(url)
    assert seen == []


def test_real_markup_with_outside_references_renders_without_them(tmp_path, listener):
    """Even if markup reached a template unescaped, the render asks for nothing outside."""
    base, seen = listener
    html = (
        '<!DOCTYPE html><html><head><meta charset="utf-8">'
        f'<link rel="stylesheet" href="{base}/x.css"></head><body><p>隐患描述</p>'
        f'<img src="file:///etc/passwd"><img src="{base}/tracker.png">'
        '<div style="background: url(file:///etc/hostname)">x</div></body></html>'
    )
    pdf, refused = worker.render(html, {}, str(tmp_path))
    assert pdf.startswith(b"%PDF")
    assert "隐患描述" in pdftotext(pdf)
    assert {"file:///etc/passwd", f"{base}/tracker.png", f"{base}/x.css"} <= set(refused)
    assert "file:///etc/hostname" in refused
    assert seen == []
    assert not any(Path(tmp_path).glob("*.print.jpg"))
