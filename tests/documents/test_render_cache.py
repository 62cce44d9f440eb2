"""The printed documents' cache under concurrent requests: a cached PDF another request
removes between this request's look-up and its read (a newer version of the same document
stored meanwhile) is a cache miss — rendered again — not a 500."""

from __future__ import annotations

from pathlib import Path

from safety.reports import render

TEMPLATE = "reports/base.html"


async def test_a_cached_file_removed_while_it_is_read_is_a_miss(client, monkeypatch):
    ctx = {"title": "缓存竞争"}
    first = await render.render_pdf("cache-race", 1, TEMPLATE, ctx, render.Resources())
    _, path, cached = render._lookup("cache-race", "1", TEMPLATE, ctx, render.Resources())
    assert cached == first and path.exists()

    read_bytes = Path.read_bytes

    def removed_meanwhile(self: Path) -> bytes:
        # the other request's _store unlinks the older version just before this read
        if self == path:
            self.unlink(missing_ok=True)
        return read_bytes(self)

    monkeypatch.setattr(Path, "read_bytes", removed_meanwhile)
    _, _, cached = render._lookup("cache-race", "1", TEMPLATE, ctx, render.Resources())
    assert cached is None
    again = await render.render_pdf("cache-race", 1, TEMPLATE, ctx, render.Resources())
    assert again.startswith(b"%PDF")
