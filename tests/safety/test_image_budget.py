"""The image decoding budget and the reuse of stored variants (safety/files/images.py,
safety/files/store.py; issue 20, point 7): an image that would cost too much to decode is
refused from its header with a 413 naming ``file``; the same original uploaded again
reuses the stored display, print and thumbnail copies without decoding a pixel."""

from __future__ import annotations

import io

import pytest
from PIL import Image

from safety.files import images
from safety.files import store as files
from safety.settings import get_settings
from safety.tables import Attachment
from tests import factories as f
from tests import imagegen


@pytest.fixture(scope="module")
async def w():
    return await f.world()


async def _upload(client, w, data: bytes, name: str = "p.png"):
    return await client.post(
        f"/api/v1/enterprises/{w.enterprise['id']}/photos",
        files={"file": (name, data, "image/png")},
        headers=f.headers(w.officer),
    )


async def test_a_16_bit_png_over_the_decoding_budget_is_a_413_naming_file(client, w, monkeypatch):
    # 3000×3000 RGBA at 16 bits: 9 Mpx (a fifth of the pixel cap), 72 MB decoded.
    data = imagegen.png_deep(3000, channels=4, depth=16)
    assert len(data) < 200_000
    before = await Attachment.count().run()
    work = []
    monkeypatch.setattr(files, "variants", lambda *a: work.append(a) or images.variants(*a))
    r = await _upload(client, w, data)
    assert r.status_code == 413, r.text
    body = r.json()
    assert [e["key"] for e in body["extra"]] == ["file"]
    assert f"{get_settings().max_image_decode_mb} MB" in body["extra"][0]["message"]
    assert "decode" in body["extra"][0]["message_en"]
    assert work == [] and await Attachment.count().run() == before


async def test_the_same_picture_at_8_bits_is_within_the_budget(client, w):
    r = await _upload(client, w, imagegen.png_deep(3000, channels=3, depth=8))
    assert r.status_code == 201, r.text
    assert (r.json()["width"], r.json()["height"]) == (3000, 3000)


def test_the_budget_counts_bands_bit_depth_and_a_jpegs_reduced_scale():
    def decoded(data: bytes) -> int:
        with Image.open(io.BytesIO(data)) as img:
            return images.decoded_bytes(img, data)

    assert decoded(imagegen.png_deep(100, channels=1, depth=8)) == 100 * 100
    assert decoded(imagegen.png_deep(100, channels=3, depth=16)) == 100 * 100 * 6
    assert decoded(imagegen.png_deep(100, channels=4, depth=8)) == 100 * 100 * 4
    # an 8000×6000 (48 Mpx) phone JPEG is decoded at 1/4 scale: 2000×1500×3
    assert decoded(imagegen.jpeg((8000, 6000))) == 2000 * 1500 * 3
    assert decoded(imagegen.jpeg((640, 480))) == 640 * 480 * 3


async def test_the_same_original_again_reuses_the_stored_variants(client, w, monkeypatch):
    data = imagegen.jpeg((1234, 567), gps=True)  # the stored original differs: no GPS
    work = []
    monkeypatch.setattr(files, "variants", lambda *a: work.append(a) or images.variants(*a))
    first = await _upload(client, w, data, "a.jpg")
    assert first.status_code == 201, first.text
    assert len(work) == 1
    second = await _upload(client, w, data, "b.jpg")
    assert second.status_code == 201, second.text
    assert len(work) == 1  # no image work the second time
    a, b = first.json(), second.json()
    for key in ("content_type", "width", "height", "captured_at"):
        assert a[key] == b[key]
    rows = await Attachment.select().where(Attachment.id.is_in([a["id"], b["id"]])).run()
    assert rows[0]["sha256"] == rows[1]["sha256"]
    thumb = await client.get(b["thumbnail_url"], headers=f.headers(w.officer))
    assert thumb.status_code == 200 and max(Image.open(io.BytesIO(thumb.content)).size) == 320


async def test_a_missing_variant_is_made_again(client, w, monkeypatch):
    data = imagegen.jpeg((777, 333))
    first = (await _upload(client, w, data, "c.jpg")).json()
    row = await Attachment.select().where(Attachment.id == first["id"]).first().run()
    files.path_of(row["sha256"], "print").unlink()
    again = await _upload(client, w, data, "d.jpg")
    assert again.status_code == 201, again.text
    assert files.path_of(row["sha256"], "print").exists()


def test_the_budget_setting_is_bounded():
    from pydantic import ValidationError

    from safety.settings import Settings

    for bad in (7, 2049):
        with pytest.raises(ValidationError):
            Settings(max_image_decode_mb=bad)
    assert Settings().max_image_decode_mb == 64
