"""Attachments (safety/files/store.py): what is accepted, how it is stored, who may see it.

Uploads go through the real route (POST /api/v1/enterprises/{id}/photos) with real images
made by Pillow; files land in the test data directory; rows in the test database."""

from __future__ import annotations

import hashlib
import io
import json
import os
import re
from pathlib import Path

import pytest
from litestar.datastructures import UploadFile
from PIL import Image
from PIL.ExifTags import IFD, Base

from safety import audit
from safety.files import store as files
from safety.files import verify as files_verify
from safety.files.images import process
from safety.settings import get_settings
from safety.tables import Attachment, AuditEvent
from tests import factories as f
from tests import imagegen
from tests.pages import as_user
from tests.permissions.registry import _assign_inspector


@pytest.fixture(scope="module")
async def w():
    world = await f.world()
    await _assign_inspector(world)
    return world


def _photos(w) -> str:
    return f"/api/v1/enterprises/{w.enterprise['id']}/photos"


async def upload(client, w, data: bytes, name: str = "photo.jpg", mime: str = "image/jpeg"):
    return await client.post(
        _photos(w), files={"file": (name, data, mime)}, headers=f.headers(w.officer)
    )


async def _count() -> int:
    return await Attachment.count().run()


def _image(content: bytes) -> Image.Image:
    img = Image.open(io.BytesIO(content))
    img.load()
    return img


@pytest.mark.parametrize(
    ("maker", "mime"),
    [(imagegen.jpeg, "image/jpeg"), (imagegen.png, "image/png"), (imagegen.webp, "image/webp")],
)
async def test_it_accepts_real_jpeg_png_and_webp(client, w, maker, mime):
    data = maker()
    # The header lies; the bytes decide.
    r = await upload(client, w, data, name="x.bin", mime="application/octet-stream")
    assert r.status_code == 201, r.text
    body = r.json()
    assert body["kind"] == "scene"
    assert body["url"] == f"/api/v1/files/{body['id']}"
    assert body["thumbnail_url"] == f"/api/v1/files/{body['id']}/thumbnail"
    assert body["page_url"] == f"/files/{body['id']}"
    assert body["content_type"] == mime

    got = await client.get(body["url"], headers=f.headers(w.officer))
    assert got.status_code == 200
    assert got.headers["content-type"].startswith(mime)
    assert got.headers["cache-control"] == "private, max-age=31536000, immutable"
    assert _image(got.content).size == _image(data).size

    thumb = await client.get(body["thumbnail_url"], headers=f.headers(w.officer))
    assert thumb.status_code == 200
    assert thumb.headers["content-type"] == "image/jpeg"
    assert max(_image(thumb.content).size) <= 320

    row = await Attachment.select().where(Attachment.id == body["id"]).first().run()
    assert row["uploaded_by"] == w.officer["id"]
    assert row["owner_type"] == "enterprise" and row["owner_id"] == w.enterprise["id"]
    event = (
        await AuditEvent.select()
        .where(AuditEvent.action == "attachment.create", AuditEvent.object_id == body["id"])
        .first()
        .run()
    )
    assert event is not None and event["actor"] == w.officer["id"]


async def test_it_refuses_a_php_file_named_jpg_with_415(client, w):
    before = await _count()
    r = await upload(client, w, b"<?php system($_GET['c']); ?>\n" * 20, name="shell.jpg")
    assert r.status_code == 415, r.text
    assert r.json()["extra"][0]["key"] == "file"
    assert await _count() == before


async def test_it_refuses_a_16_mb_file_with_413(client, w):
    before = await _count()
    big = imagegen.jpeg() + b"\x00" * (16 * 1024 * 1024)
    r = await upload(client, w, big)
    assert r.status_code == 413, r.text
    assert await _count() == before


class CountingUpload(UploadFile):
    """An upload that counts the bytes taken from it."""

    taken = 0

    async def read(self, size: int = -1) -> bytes:
        chunk = await super().read(size)
        self.taken += len(chunk)
        return chunk


async def test_it_stops_reading_an_oversized_upload_at_the_limit(w):
    limit = get_settings().max_upload_bytes
    upload_file = CountingUpload(
        content_type="image/jpeg", filename="big.jpg", file_data=b"\xff" * (limit * 2)
    )
    with pytest.raises(files.PayloadTooLarge):
        await files.save_upload(
            upload_file,
            owner_type="enterprise",
            owner_id=w.enterprise["id"],
            kind="scene",
            actor=f.actor(w.officer),
        )
    # Refused within one chunk of the limit: the other 15 MB were never read.
    assert limit < upload_file.taken <= limit + files.CHUNK


async def test_it_refuses_a_truncated_jpeg_with_400(client, w):
    data = imagegen.jpeg((800, 600))
    r = await upload(client, w, data[: len(data) // 2])
    assert r.status_code == 400, r.text
    assert r.json()["extra"][0]["key"] == "file"
    assert "truncated" in r.json()["detail_en"]


async def test_it_refuses_an_empty_file_with_400(client, w):
    r = await upload(client, w, b"")
    assert r.status_code == 400, r.text
    assert r.json()["extra"][0]["key"] == "file"


@pytest.mark.parametrize("side", [20000, 8000])
async def test_it_refuses_a_decompression_bomb(client, w, side):
    """20000² trips Pillow's own bomb error; 8000² (64 MP) our lower pixel limit. Both
    are a few KB on the wire."""
    before = await _count()
    bomb = imagegen.png_bomb(side)
    assert len(bomb) < 200_000
    r = await upload(client, w, bomb, name="bomb.png", mime="image/png")
    assert r.status_code == 413, r.text
    assert "pixels" in r.json()["detail_en"]
    assert await _count() == before


async def test_it_applies_the_exif_orientation_to_the_display_copy(client, w):
    # Stored sideways (red top, blue bottom) with "rotate 90° clockwise" in EXIF.
    r = await upload(client, w, imagegen.jpeg((640, 480), orientation=6))
    assert r.status_code == 201, r.text
    body = r.json()
    assert (body["width"], body["height"]) == (480, 640)
    shown = await client.get(body["display_url"], headers=f.headers(w.officer))
    img = _image(shown.content)
    assert img.size == (480, 640)
    left, right = img.getpixel((20, 320)), img.getpixel((460, 320))
    assert left[2] > 150 and left[0] < 80, left  # blue on the left
    assert right[0] > 150 and right[2] < 80, right  # red on the right


async def test_it_shrinks_the_display_copy_to_1600_px(client, w):
    r = await upload(client, w, imagegen.jpeg((3200, 2400)))
    assert r.status_code == 201
    shown = await client.get(r.json()["display_url"], headers=f.headers(w.officer))
    assert _image(shown.content).size == (1600, 1200)


async def test_it_stores_an_upright_print_copy_of_720_px(client, w):
    r = await upload(client, w, imagegen.jpeg((1600, 1200), orientation=6))
    assert r.status_code == 201
    row = await Attachment.select().where(Attachment.id == r.json()["id"]).first().run()
    printed = files.path_of(row["sha256"], "print")
    img = Image.open(printed)
    assert img.format == "JPEG" and img.size == (540, 720)
    left, right = img.convert("RGB").getpixel((20, 360)), img.convert("RGB").getpixel((520, 360))
    assert left[2] > 150 and left[0] < 80, left  # blue on the left: turned upright
    assert right[0] > 150 and right[2] < 80, right


@pytest.mark.parametrize("maker", [imagegen.jpeg, imagegen.png, imagegen.webp])
async def test_it_strips_the_gps_position_but_keeps_the_capture_time(client, w, maker):
    data = maker(taken="2026:11:20 09:30:15", gps=True, orientation=1)
    assert IFD.GPSInfo in _image(data).getexif()
    r = await upload(client, w, data)
    assert r.status_code == 201, r.text
    body = r.json()
    assert body["captured_at"] == "2026-11-20T09:30:15+08:00"  # read in Asia/Shanghai
    stored = await client.get(body["url"], headers=f.headers(w.officer))
    exif = _image(stored.content).getexif()
    assert IFD.GPSInfo not in exif
    assert exif.get_ifd(IFD.GPSInfo) == {}
    assert exif.get_ifd(IFD.Exif)[Base.DateTimeOriginal] == "2026:11:20 09:30:15"
    assert exif[Base.Make] == "TestPhone"


async def test_it_keeps_the_gps_position_when_the_setting_says_so(w):
    settings = get_settings()
    settings.keep_gps = True
    try:
        data = imagegen.jpeg((120, 90), gps=True)
        row = await files.save_bytes(
            data,
            filename="g.jpg",
            owner_type="enterprise",
            owner_id=w.enterprise["id"],
            kind="scene",
            actor=f.actor(w.officer),
        )
    finally:
        settings.keep_gps = False
    stored = files.path_of(row.sha256).read_bytes()
    assert stored == data
    assert _image(stored).getexif().get_ifd(IFD.GPSInfo)


async def test_it_reads_the_capture_time_with_the_cameras_offset(client, w):
    data = imagegen.jpeg(taken="2026:11:20 09:30:15", offset="+02:00")
    r = await upload(client, w, data)
    assert r.json()["captured_at"] == "2026-11-20T09:30:15+02:00"


async def test_a_photo_without_exif_has_no_capture_time(client, w):
    r = await upload(client, w, imagegen.jpeg((100, 80)))
    assert r.json()["captured_at"] is None


# ---------------------------------------------------------------- serving scope


@pytest.fixture(scope="module")
async def photo(client, w):
    r = await upload(client, w, imagegen.jpeg((200, 150)))
    assert r.status_code == 201
    return r.json()


@pytest.mark.parametrize("variant", ["url", "display_url", "thumbnail_url"])
async def test_a_file_is_served_to_whoever_may_see_its_owner(client, w, photo, variant):
    url = photo[variant]
    for who in (w.officer, w.inspector, w.enterprise_user):
        r = await client.get(url, headers=f.headers(who))
        assert r.status_code == 200, (who["username"], r.text)
    for outsider in (w.foreign_officer, w.foreign_enterprise_user):
        r = await client.get(url, headers=f.headers(outsider))
        assert r.status_code == 404, outsider["username"]
    assert (await client.get(url)).status_code == 401


async def test_pages_get_files_with_the_session_cookie(client, w, photo):
    r = await client.get(photo["page_thumbnail_url"], headers=await as_user(w.enterprise_user))
    assert r.status_code == 200 and r.headers["content-type"] == "image/jpeg"
    r = await client.get(photo["page_url"], headers=await as_user(w.foreign_officer))
    assert r.status_code == 404
    client.cookies.clear()
    r = await client.get(photo["page_url"], follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"].startswith("/login")


async def test_a_file_of_an_unknown_owner_type_is_404(client, w):
    row = await files.save_bytes(
        imagegen.jpeg((50, 40)),
        filename="x.jpg",
        owner_type="nothing-registered",
        owner_id=1,
        kind="scene",
        actor=f.actor(w.officer),
    )
    r = await client.get(f"/api/v1/files/{row.id}", headers=f.headers(w.officer))
    assert r.status_code == 404
    assert (
        await client.get("/api/v1/files/999999999", headers=f.headers(w.officer))
    ).status_code == 404


async def test_the_photo_list_shows_the_enterprises_photos(client, w, photo):
    r = await client.get(_photos(w), headers=f.headers(w.enterprise_user))
    assert r.status_code == 200
    assert photo["id"] in [p["id"] for p in r.json()["items"]]
    grouped = await files.list_for("enterprise", [w.enterprise["id"], w.foreign_enterprise["id"]])
    assert photo["id"] in [p["id"] for p in grouped[w.enterprise["id"]]]
    assert grouped[w.foreign_enterprise["id"]] == [] or all(
        p["id"] != photo["id"] for p in grouped[w.foreign_enterprise["id"]]
    )


# ---------------------------------------------------------------- storage


def _files_named(sha256: str) -> list[Path]:
    return sorted(files.files_root().rglob(f"{sha256}*"))


async def test_the_same_bytes_twice_make_two_rows_and_one_file(client, w):
    data = imagegen.jpeg((333, 222))
    first = (await upload(client, w, data)).json()
    second = (await upload(client, w, data)).json()
    assert first["id"] != second["id"]
    rows = await Attachment.select().where(Attachment.id.is_in([first["id"], second["id"]])).run()
    assert rows[0]["sha256"] == rows[1]["sha256"]
    stored = _files_named(rows[0]["sha256"])
    assert [p.name[64:] for p in stored] == ["", ".display.jpg", ".print.jpg", ".thumb.jpg"]
    assert stored[0].parent == files.files_root() / rows[0]["sha256"][:2] / rows[0]["sha256"][2:4]
    assert not list(stored[0].parent.glob(".tmp-*"))


async def _save(w, data: bytes):
    return await files.save_bytes(
        data,
        filename="p.jpg",
        owner_type="enterprise",
        owner_id=w.enterprise["id"],
        kind="scene",
        actor=f.actor(w.officer),
    )


async def _broken(*args, **kwargs):
    raise RuntimeError("audit store unavailable")


def _sha_of(data: bytes) -> str:
    s = get_settings()
    return process(data, keep_gps=False, max_pixels=s.max_image_pixels, timezone=s.timezone).sha256


async def test_a_failed_insert_leaves_no_orphan_file(w, monkeypatch):
    data = imagegen.jpeg((321, 123), gps=True)
    sha = _sha_of(data)
    before = await _count()
    monkeypatch.setattr(audit, "record", _broken)
    with pytest.raises(RuntimeError):
        await _save(w, data)
    monkeypatch.undo()
    assert await _count() == before
    assert _files_named(sha) == []
    row = await _save(w, data)  # works now, and its files are there
    assert row.sha256 == sha and len(_files_named(sha)) == 4


async def test_a_failed_insert_keeps_the_files_another_row_uses(w, monkeypatch):
    data = imagegen.jpeg((322, 124))
    row = await _save(w, data)
    path = files.path_of(row.sha256)
    path.unlink()  # as if a concurrent failed insert had removed it meanwhile...
    again = await _save(w, data)  # ...a committed insert puts it back
    assert again.sha256 == row.sha256 and path.exists()
    monkeypatch.setattr(audit, "record", _broken)
    with pytest.raises(RuntimeError):
        await _save(w, data)
    monkeypatch.undo()
    assert len(_files_named(row.sha256)) == 4


async def test_a_failed_write_leaves_no_row_and_no_file(w, monkeypatch):
    data = imagegen.jpeg((323, 125))
    real = files._write_atomically
    written: list[Path] = []

    def disk_full(path, content):
        if path.name.endswith(".thumb.jpg"):
            raise OSError(28, "No space left on device")
        made = real(path, content)
        written.append(path)
        return made

    before = await _count()
    monkeypatch.setattr(files, "_write_atomically", disk_full)
    with pytest.raises(OSError):
        await _save(w, data)
    monkeypatch.undo()
    assert await _count() == before
    assert written and not any(p.exists() for p in written)


# ---------------------------------------------------------------- tamper evidence


def _unique_jpeg(size=(96, 64)) -> bytes:
    """A JPEG no other test uploads (noise), so changing its stored file touches no one."""
    noise = Image.frombytes("RGB", size, os.urandom(size[0] * size[1] * 3))
    return imagegen.encode(noise, "JPEG", quality=85)


async def _upload_event(attachment_id: int) -> dict:
    event = (
        await AuditEvent.select()
        .where(AuditEvent.action == "attachment.create", AuditEvent.object_id == attachment_id)
        .first()
        .run()
    )
    assert event is not None, f"no upload event for attachment {attachment_id}"
    return json.loads(event["after"]) if isinstance(event["after"], str) else event["after"]


async def test_the_upload_event_carries_the_stored_files_sha256_size_owner_and_kind(client, w):
    r = await upload(client, w, _unique_jpeg())
    assert r.status_code == 201, r.text
    row = await Attachment.select().where(Attachment.id == r.json()["id"]).first().run()
    stored = files.path_of(row["sha256"]).read_bytes()
    after = await _upload_event(row["id"])
    assert after["sha256"] == row["sha256"] == hashlib.sha256(stored).hexdigest()
    assert after["size"] == row["size"] == len(stored)
    assert (after["owner_type"], after["owner_id"], after["kind"]) == (
        "enterprise",
        w.enterprise["id"],
        "scene",
    )


# Where attachment rows are made. Every one goes through files.save_bytes (which writes the
# bytes and records attachment.create with their sha256), except the patrol triage's copy
# of a report's photos onto its hazard: rows on bytes an upload already recorded.
ROW_MAKERS = {
    "safety/files/store.py": 1,
    "inspections/patrol/service.py": 2,  # _copy_photos: Attachment(...) and .insert
}
ROOT = Path(__file__).resolve().parents[2]


def test_only_save_bytes_stores_files_and_makes_attachment_rows():
    """A new way to store a file or make an attachment row must record its upload (and be
    added here after checking it does): otherwise ``safety audit verify`` calls it
    unrecorded, and the audit chain does not cover its bytes."""
    found: dict[str, int] = {}
    stores: list[str] = []
    for app in ("safety", "inspections", "rectification"):
        for path in (ROOT / app).rglob("*.py"):
            rel = path.relative_to(ROOT).as_posix()
            if "/piccolo_migrations/" in rel or "/benchdata/" in rel:
                continue  # schema history; synthetic bench data (no files, not evidence)
            text = path.read_text(encoding="utf-8")
            made = len(re.findall(r"(?<!class )\bAttachment\(|\bAttachment\.insert\(", text))
            if made:
                found[rel] = made
            if rel != "safety/files/store.py" and re.search(
                r"files\.(_store|_write_atomically)\b", text
            ):
                stores.append(rel)
    assert found == ROW_MAKERS
    assert stores == []


async def _verify_problems(ids: set[int]) -> dict[int, list[files_verify.FileProblem]]:
    """``verify_store``'s problems about these attachment ids (the shared test database
    holds other tests' rows too)."""
    report = await files_verify.verify_store()
    out: dict[int, list[files_verify.FileProblem]] = {}
    for problem in report.problems:
        for ref in problem.rows:
            if ref["id"] in ids:
                out.setdefault(ref["id"], []).append(problem)
    return out


async def test_verify_store_names_each_kind_of_tampering_with_a_row(client, w):
    a, b, c, e = [(await upload(client, w, _unique_jpeg())).json()["id"] for _ in range(4)]
    rows = {
        r["id"]: r for r in await Attachment.select().where(Attachment.id.is_in([a, b, c, e])).run()
    }
    assert await _verify_problems({a, b, c, e}) == {}

    # e names no digest at all (a path, even): nothing is read from it
    await (
        Attachment.update({Attachment.sha256: "../../../../etc/passwd"})
        .where(Attachment.id == e)
        .run()
    )

    # b now names a's bytes (a photo swapped by editing the database: both files intact)
    await Attachment.update({Attachment.sha256: rows[a]["sha256"]}).where(Attachment.id == b).run()
    # a row nobody uploaded, on bytes no upload recorded (the file planted too)
    planted = _unique_jpeg()
    planted_sha = hashlib.sha256(planted).hexdigest()
    files._write_atomically(files.path_of(planted_sha), planted)
    extra = dict(rows[c], sha256=planted_sha)
    extra.pop("id")
    made = await Attachment.insert(Attachment(**extra)).returning(Attachment.id).run()
    d = made[0]["id"]
    # c's row deleted (its photo disappears from the record)
    await Attachment.delete().where(Attachment.id == c).run()
    try:
        problems = await _verify_problems({a, b, c, d, e})
        assert {i: [p.kind for p in ps] for i, ps in problems.items()} == {
            b: ["relinked"],
            c: ["removed"],
            d: ["unrecorded"],
            e: ["missing", "relinked"],
        }
        assert problems[e][0].detail == "not a sha256 digest"
        assert problems[e][0].path == files.files_root() / "(not a sha256)"
        assert problems[b][0].detail == f"its upload event recorded {rows[b]['sha256']}"
        assert problems[c][0].sha256 == rows[c]["sha256"]
    finally:
        for i in (b, e):
            await (
                Attachment.update({Attachment.sha256: rows[i]["sha256"]})
                .where(Attachment.id == i)
                .run()
            )
        await Attachment.delete().where(Attachment.id == d).run()
        await Attachment.insert(Attachment(**rows[c])).run()
    assert await _verify_problems({a, b, c, d, e}) == {}
