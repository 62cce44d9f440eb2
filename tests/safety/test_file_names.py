"""Uploaded file names (issue 20, point 7): cleaned by the kernel text rule at upload and
again when served (rows stored before the rule), so no control character, bidi override
or ``../`` reaches a Content-Disposition header; the extension is kept, and a non-ASCII
name travels as RFC 5987 ``filename*`` beside a plain ASCII ``filename``."""

from __future__ import annotations

from urllib.parse import unquote

import pytest

from safety.files import store as files
from safety.tables import Attachment
from safety.text import clean_filename
from tests import factories as f
from tests import imagegen


@pytest.fixture(scope="module")
async def w():
    return await f.world()


async def _save(w, name: str) -> Attachment:
    return await files.save_bytes(
        imagegen.jpeg((64, 48)),
        filename=name,
        owner_type="enterprise",
        owner_id=w.enterprise["id"],
        kind="scene",
        actor=f.actor(w.officer),
    )


def _names(header: str) -> tuple[str, str | None]:
    """(the ASCII filename, the decoded filename* or None) of a Content-Disposition."""
    parts = dict(p.strip().split("=", 1) for p in header.split(";")[1:] if "=" in p)
    star = parts.get("filename*")
    return parts["filename"].strip('"'), unquote(star.split("''", 1)[1]) if star else None


@pytest.mark.parametrize(
    ("given", "kept"),
    [
        ("../../etc/passwd.jpg", "passwd.jpg"),
        ("..\\..\\boot\\x.jpg", "x.jpg"),
        ("a\x00b\x1b[31mc\x7f.jpg", "ab[31mc.jpg"),
        ("现场\u202egpj.exe.jpg", "现场gpj.exe.jpg"),
        ("line\r\nSet-Cookie: a=b.jpg", "line Set-Cookie: a=b.jpg"),
        ("  .hidden.png", "hidden.png"),
        ("", ""),
    ],
)
def test_the_rule(given, kept):
    assert clean_filename(given) == kept


def test_a_long_name_keeps_its_extension():
    name = clean_filename("很长" * 200 + ".jpeg")
    assert len(name) == 255 and name.endswith(".jpeg")


async def test_a_name_is_cleaned_at_upload_and_served_safely(client, w):
    r = await client.post(
        f"/api/v1/enterprises/{w.enterprise['id']}/photos",
        files={"file": ("../../现场照片\u202e.jpg", imagegen.jpeg(), "image/jpeg")},
        headers=f.headers(w.officer),
    )
    assert r.status_code == 201, r.text
    row = await Attachment.select().where(Attachment.id == r.json()["id"]).first().run()
    assert row["filename"] == "现场照片.jpg"
    got = await client.get(r.json()["url"], headers=f.headers(w.officer))
    header = got.headers["content-disposition"]
    assert header.startswith("inline; ")
    plain, star = _names(header)
    assert star == "现场照片.jpg" and plain == "____.jpg"


async def test_an_old_row_is_cleaned_when_served(client, w):
    row = await _save(w, "ok.jpg")
    await Attachment.update({Attachment.filename: '../..\\x"\x07\u202eb\r\n.jpg'}).where(
        Attachment.id == row.id
    )
    got = await client.get(f"/api/v1/files/{row.id}", headers=f.headers(w.officer))
    assert got.status_code == 200
    header = got.headers["content-disposition"]
    assert all(ord(c) >= 32 for c in header) and "/" not in header and "\\" not in header
    plain, star = _names(header)
    assert star == 'x"b .jpg' and plain == "x_b .jpg"
