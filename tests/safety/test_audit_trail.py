"""The audit trail: admins list and filter it (API and page); ``safety audit verify``
says OK on an intact chain and names the first row altered by hand."""

from __future__ import annotations

import asyncio
import datetime as dt
import hashlib
import json
import os
import re
from pathlib import Path

from safety.db import is_sqlite
from safety.files import store as files
from safety.settings import local_today
from safety.tables import Attachment, AuditEvent
from tests import factories as f
from tests.pages import as_user

SAFETY = str(Path(__file__).resolve().parents[2] / ".venv" / "bin" / "safety")
SQLITE_NO_UPDATE = """CREATE TRIGGER IF NOT EXISTS audit_event_no_update BEFORE UPDATE ON
    audit_event BEGIN SELECT RAISE(ABORT, 'audit_event is append-only'); END"""


async def verify(*args: str) -> tuple[int, str]:
    """``safety audit verify ARGS`` on the test database and data directory."""
    env = dict(os.environ, DATABASE_URL=os.environ["DATABASE_URL"])
    proc = await asyncio.create_subprocess_exec(
        SAFETY,
        "audit",
        "verify",
        *args,
        env=env,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    out, err = await proc.communicate()
    return proc.returncode, (out + err).decode()


async def _set_action(event_id: int, action: str) -> None:
    """Edit a row the way an intruder with database access would: lift the trigger,
    update, put the trigger back."""
    update = f"UPDATE audit_event SET action = '{action}' WHERE id = {event_id}"
    if is_sqlite():
        await AuditEvent.raw("DROP TRIGGER audit_event_no_update").run()
        try:
            await AuditEvent.raw(update).run()
        finally:
            await AuditEvent.raw(SQLITE_NO_UPDATE).run()
    else:
        await AuditEvent.raw("ALTER TABLE audit_event DISABLE TRIGGER audit_event_no_change").run()
        try:
            await AuditEvent.raw(update).run()
        finally:
            await AuditEvent.raw(
                "ALTER TABLE audit_event ENABLE TRIGGER audit_event_no_change"
            ).run()


async def test_the_database_refuses_to_change_an_audit_row():
    await f.user("admin")
    last = (
        await AuditEvent.select(AuditEvent.id)
        .order_by(AuditEvent.id, ascending=False)
        .first()
        .run()
    )
    for statement in (
        f"UPDATE audit_event SET action = 'x' WHERE id = {last['id']}",
        f"DELETE FROM audit_event WHERE id = {last['id']}",
    ):
        try:
            await AuditEvent.raw(statement).run()
        except Exception as exc:  # noqa: BLE001 - either engine's error type
            assert "append-only" in str(exc)
        else:
            raise AssertionError(f"the database accepted: {statement}")


async def test_audit_verify_is_ok_then_names_the_tampered_row(client):
    u = await f.user("admin")
    await client.post(
        "/api/v1/auth/token", json={"username": u["username"], "password": f.PASSWORD}
    )
    target = (
        await AuditEvent.select()
        .where((AuditEvent.action == "auth.login") & (AuditEvent.actor == u["id"]))
        .first()
        .run()
    )
    # The chain only: the shared database also holds other tests' synthetic attachment
    # rows without files (bench data), which the file check rightly reports.
    code, text = await verify("--no-files")
    assert code == 0, text
    assert text.startswith("OK:") and "files:" not in text

    await _set_action(target["id"], "auth.logout")
    try:
        code, text = await verify("--no-files")
        assert code == 1, text
        assert re.search(rf"FAILED at audit event id {target['id']}\b", text), text
    finally:
        await _set_action(target["id"], "auth.login")  # put it back for the other tests
    code, text = await verify("--no-files")
    assert code == 0, text


async def test_admins_filter_the_trail(client):
    w = await f.world()
    admin = w.admin
    await client.post(
        "/api/v1/auth/token", json={"username": w.inspector["username"], "password": "bad"}
    )
    h = f.headers(admin)
    r = await client.get(
        "/api/v1/audit-events",
        params={"actor": w.inspector["username"], "action": "auth.login_failed"},
        headers=h,
    )
    assert r.status_code == 200
    page = r.json()
    assert page["total"] == 1 and page["items"][0]["success"] is False
    assert page["items"][0]["after"]["reason"] == "bad_credentials"

    by_object = await client.get(
        "/api/v1/audit-events",
        params={"object_type": "org_unit", "object_id": w.tree["grid1"]["id"]},
        headers=h,
    )
    items = by_object.json()["items"]
    assert [e["action"] for e in items] == ["org_unit.create"]

    prefix = await client.get(
        "/api/v1/audit-events", params={"action": "user.", "limit": 5}, headers=h
    )
    assert prefix.json()["total"] >= 7 and len(prefix.json()["items"]) == 5
    assert all(e["action"].startswith("user.") for e in prefix.json()["items"])

    tomorrow = (local_today() + dt.timedelta(days=2)).isoformat()
    future = await client.get("/api/v1/audit-events", params={"since": tomorrow}, headers=h)
    assert future.json() == {"items": [], "total": 0}
    today = await client.get(
        "/api/v1/audit-events",
        params={"until": tomorrow, "actor": str(admin["id"]), "limit": 1},
        headers=h,
    )
    assert today.status_code == 200


async def test_a_bad_filter_is_a_400_naming_the_field(client):
    admin = await f.user("admin")
    r = await client.get(
        "/api/v1/audit-events",
        params={"since": "yesterday", "object_id": "x"},
        headers=f.headers(admin),
    )
    assert r.status_code == 400
    assert {e["key"] for e in r.json()["extra"]} == {"since", "object_id"}


async def test_the_audit_page_shows_and_filters_events(client):
    admin = await f.user("admin")
    victim = await f.user("admin")
    client.cookies.clear()
    r = await client.get(
        "/admin/audit",
        params={"object_type": "user", "object_id": victim["id"]},
        headers=await as_user(admin),
    )
    assert r.status_code == 200
    assert "user.create" in r.text and "审计日志" in r.text
    assert "user.update" not in r.text


# ---------------------------------------------------------------- stored files


def _noise_jpeg() -> bytes:
    """A photo no other test uploads, so changing its stored file touches no one else."""
    from PIL import Image

    from tests import imagegen

    noise = Image.frombytes("RGB", (120, 90), os.urandom(120 * 90 * 3))
    return imagegen.encode(noise, "JPEG", quality=85)


def _lines_naming(text: str, needle: str) -> list[str]:
    return [line for line in text.splitlines() if needle in line]


async def test_audit_verify_names_a_swapped_and_a_deleted_photo(client):
    """Through the real route; on the shared database, whose store other tests fill too,
    so the assertions are about this photo's lines (exit 0 on a clean store: test_cli)."""
    w = await f.world()
    r = await client.post(
        f"/api/v1/enterprises/{w.enterprise['id']}/photos",
        files={"file": ("site.jpg", _noise_jpeg(), "image/jpeg")},
        headers=f.headers(w.officer),
    )
    assert r.status_code == 201, r.text
    photo = r.json()["id"]
    row = await Attachment.select().where(Attachment.id == photo).first().run()
    path = files.path_of(row["sha256"])
    original = path.read_bytes()
    named = f"attachment {photo} (enterprise {w.enterprise['id']}, scene)"

    code, text = await verify()
    assert _lines_naming(text, str(path)) == [], text
    assert re.search(r"^files: \d+ checked", text, re.M), text

    swapped = bytearray(original)
    swapped[len(swapped) // 2] ^= 0xFF  # one byte of the picture changed, same size
    path.write_bytes(bytes(swapped))
    try:
        code, text = await verify()
        assert code == 1, text
        lines = _lines_naming(text, str(path))
        assert len(lines) == 1 and lines[0].startswith("CHANGED: "), text
        assert named in lines[0] and hashlib.sha256(swapped).hexdigest() in lines[0]
        assert text.startswith("OK:")  # the chain itself is intact

        path.unlink()
        code, text = await verify()
        assert code == 1, text
        lines = _lines_naming(text, str(path))
        assert len(lines) == 1 and lines[0].startswith("MISSING: "), text
        assert named in lines[0]
        assert re.search(r"^files: \d+ checked .* [1-9]\d* missing", text, re.M), text
    finally:
        path.write_bytes(original)
    code, text = await verify()
    assert _lines_naming(text, str(path)) == [], text


async def test_a_signature_is_recorded_with_the_sha256_of_its_image(client):
    from tests.inspections import factories as fi

    w = await f.world()
    v = await fi.visit(w)
    base = f"/api/v1/inspections/{v.inspection['id']}"
    assert (await client.post(base + "/start", headers=f.headers(w.inspector))).status_code == 200
    r = await client.post(
        base + "/signatures",
        files={
            "signer": (None, "inspector"),
            "signer_name": (None, "王工"),
            "file": ("sign.png", fi.png(), "image/png"),
        },
        headers=f.headers(w.inspector),
    )
    assert r.status_code == 201, r.text
    attachment_id = r.json()["inspector"]["attachment_id"]
    row = await Attachment.select().where(Attachment.id == attachment_id).first().run()
    events = {
        e["action"]: json.loads(e["after"]) if isinstance(e["after"], str) else e["after"]
        for e in await AuditEvent.select()
        .where(
            ((AuditEvent.action == "attachment.create") & (AuditEvent.object_id == attachment_id))
            | (
                (AuditEvent.action == "inspection.sign")
                & (AuditEvent.object_id == v.inspection["id"])
            )
        )
        .run()
    }
    stored = files.path_of(row["sha256"]).read_bytes()
    assert events["attachment.create"]["sha256"] == hashlib.sha256(stored).hexdigest()
    assert events["attachment.create"]["kind"] == "signature"
    assert events["attachment.create"]["owner_type"] == "inspection"
    assert events["inspection.sign"]["signature_sha256"] == row["sha256"]
    assert events["inspection.sign"]["signature"] == attachment_id
