"""The CJK font: found at start-up; without one, a warning in the log and 503 (saying
what to install) from the document endpoints instead of PDFs full of boxes."""

from __future__ import annotations

import asyncio
import logging

import pytest

from safety.reports import fonts, pool
from safety.settings import get_settings
from tests import factories as f
from tests.documents import world


def test_the_repertoire_is_gb2312_and_the_system_font_covers_it():
    rep = fonts.repertoire()
    gb2312 = {c for c in rep if 0x4E00 <= c <= 0x9FFF}
    assert len(gb2312) == 6763  # the GB 2312 hanzi, all of them
    assert {ord(c) for c in "检查报告隐患整改通知书，。（）"} <= fonts.covered("regular")
    assert ord("𠮷") not in rep  # rare characters go through the per-document extra font
    source = fonts.find_source("regular")
    assert source is not None and "CJK" in source.family


@pytest.fixture
def no_cjk_font(tmp_path):
    settings = get_settings()
    latin = tmp_path / "not-a-cjk-font.ttf"
    latin.write_bytes(b"not a font at all")
    saved = settings.pdf_font
    settings.pdf_font = str(latin)
    fonts.reset()
    yield
    settings.pdf_font = saved
    fonts.reset()


async def test_without_a_cjk_font_documents_are_503_with_what_to_install(
    client, no_cjk_font, caplog
):
    with caplog.at_level(logging.WARNING, logger="safety"):
        await pool.start()  # the font is looked for in the background (a fast start)
        await asyncio.to_thread(pool.wait_warm, 60)
    assert any("fonts-noto-cjk" in r.getMessage() for r in caplog.records)
    w = await f.world()
    from tests.inspections import factories as fi

    v = await fi.visit(w, enterprise=w.enterprise)
    r = await client.get(
        f"/api/v1/inspections/{v.inspection['id']}/notice.pdf", headers=f.headers(w.officer)
    )
    assert r.status_code == 503
    assert "fonts-noto-cjk" in r.json()["detail"]


async def test_an_unchanged_document_comes_from_the_cache_and_a_change_renders_anew(client):
    from inspections.tables import Hazard
    from tests.documents.test_documents import pdftotext

    d = await world.build(client, hazards=1, photos_per_hazard=0, verify=False)
    url = f"/api/v1/inspections/{d.inspection_id}/notice.pdf"
    first = await client.get(url, headers=f.headers(d.w.officer))
    cache = get_settings().data_dir / "cache" / "documents" / "inspection-notice"
    files = sorted(cache.glob(f"{d.inspection_id}-*.pdf"))
    assert first.status_code == 200 and len(files) == 1
    again = await client.get(url, headers=f.headers(d.enterprise_user))
    assert again.content == first.content
    assert sorted(cache.glob(f"{d.inspection_id}-*.pdf")) == files
    # a change to its records (the hazard's deadline extended) is a new document
    h = d.hazards[0]
    await (
        Hazard.update({Hazard.effective_deadline: h["deadline"].replace(year=2099)})
        .where(Hazard.id == h["id"])
        .run()
    )
    changed = await client.get(url, headers=f.headers(d.w.officer))
    assert changed.status_code == 200 and changed.content != first.content
    assert "2099" in pdftotext(changed.content)
    now = sorted(cache.glob(f"{d.inspection_id}-*.pdf"))
    assert len(now) == 1 and now != files
