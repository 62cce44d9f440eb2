"""Signing and submitting: a drawn PNG signature, the enterprise's recorded refusal, what
submit requires (409 naming each missing item and signature), immutability afterwards,
hazard photos, and a retried hazard stored once (Idempotency-Key)."""

from inspections.tables import Hazard, Inspection
from safety.tables import Attachment, AuditEvent
from tests import factories as f
from tests.inspections import factories as fi


def keys(r) -> list[str]:
    return [e["key"] for e in r.json().get("extra", [])]


def url(v, tail: str = "") -> str:
    return f"/api/v1/inspections/{v.inspection['id']}{tail}"


async def started(client, w):
    v = await fi.visit(w)
    r = await client.post(url(v, "/start"), headers=f.headers(w.inspector))
    assert r.status_code == 200, r.text
    return v


async def sign(client, w, v, signer="inspector", name="王工", file=True, reason=None):
    # Every field as a multipart part, so a form without a file is multipart too.
    parts = {"signer": (None, signer), "signer_name": (None, name)}
    if reason is not None:
        parts["refused_reason"] = (None, reason)
    if file:
        parts["file"] = ("sign.png", fi.png(), "image/png")
    return await client.post(url(v, "/signatures"), files=parts, headers=f.headers(w.inspector))


async def test_the_whole_visit_ends_submitted_and_immutable(client):
    w = await f.world()
    v = await started(client, w)
    me = f.headers(w.inspector)
    items = v.checklist["items"]

    r = await client.post(url(v, "/submit"), headers=me)
    assert r.status_code == 409, r.text
    assert keys(r) == [f"items.{i['id']}" for i in items] + [
        "signatures.inspector",
        "signatures.enterprise",
    ]

    for item in items:
        await client.put(
            url(v, "/results"), json=[{"item_id": item["id"], "result": "pass"}], headers=me
        )
    r = await sign(client, w, v)
    assert r.status_code == 201, r.text
    assert r.json()["inspector"]["signer_name"] == "王工"
    assert r.json()["inspector"]["url"].startswith("/api/v1/files/")
    assert r.json()["enterprise"] is None
    picture = await client.get(r.json()["inspector"]["url"], headers=f.headers(w.officer))
    assert picture.status_code == 200 and picture.headers["content-type"].startswith("image/")

    r = await client.post(url(v, "/submit"), headers=me)
    assert r.status_code == 409 and keys(r) == ["signatures.enterprise"]

    r = await sign(client, w, v, signer="enterprise", name="", file=False, reason="负责人拒绝签字")
    assert r.status_code == 201, r.text
    assert r.json()["enterprise"] == {
        "signer_name": "",
        "url": None,
        "refused_reason": "负责人拒绝签字",
        "attachment_id": None,
    }
    r = await client.post(url(v, "/submit"), headers=me)
    assert r.status_code == 200, r.text
    done = r.json()
    assert done["state"] == "submitted" and done["submitted_at"] is not None
    assert done["signatures"]["enterprise"]["refused_reason"] == "负责人拒绝签字"

    # Submitted is immutable: results, signatures, hazards and a second submit are 409s.
    before = await Inspection.select().where(Inspection.id == v.inspection["id"]).first().run()
    r = await client.put(
        url(v, "/results"), json=[{"item_id": items[0]["id"], "result": "fail"}], headers=me
    )
    assert r.status_code == 409 and "submitted" in r.json()["extra"][0]["message"]
    assert (await sign(client, w, v)).status_code == 409
    r = await client.post(
        url(v, "/hazards"),
        json={"description": "迟到的隐患", "level": "general", "category": "site"},
        headers=me,
    )
    assert r.status_code == 409 and "submitted" in r.json()["extra"][0]["message"]
    assert (await client.post(url(v, "/submit"), headers=me)).status_code == 409
    after = await Inspection.select().where(Inspection.id == v.inspection["id"]).first().run()
    assert after == before
    assert not await Hazard.exists().where(Hazard.inspection == v.inspection["id"]).run()

    # The officer who planned it sees it arrive.
    seen = await client.get(url(v), headers=f.headers(w.officer))
    assert seen.json()["state"] == "submitted"
    assert {i["result"] for i in seen.json()["items"]} == {"pass"}
    camp = await client.get(f"/api/v1/campaigns/{v.campaign['id']}", headers=f.headers(w.officer))
    assert camp.json()["enterprises"][0]["inspection_state"] == "submitted"
    actions = {
        e["action"]
        for e in await AuditEvent.select(AuditEvent.action)
        .where(AuditEvent.object_type == "inspection", AuditEvent.object_id == v.inspection["id"])
        .run()
    }
    assert {"inspection.start", "inspection.sign", "inspection.refuse_signature"} <= actions
    assert "inspection.submit" in actions


async def test_a_new_signature_replaces_the_old_and_a_drawn_one_ends_a_refusal(client):
    w = await f.world()
    v = await started(client, w)
    await sign(client, w, v, signer="enterprise", name="", file=False, reason="不在")
    r = await sign(client, w, v, signer="enterprise", name="李经理")
    assert r.status_code == 201
    out = r.json()["enterprise"]
    assert out["signer_name"] == "李经理" and out["refused_reason"] is None and out["url"]
    first = (await sign(client, w, v)).json()["inspector"]["attachment_id"]
    second = (await sign(client, w, v, name="王工二")).json()["inspector"]
    assert second["attachment_id"] != first and second["signer_name"] == "王工二"
    row = await Inspection.select().where(Inspection.id == v.inspection["id"]).first().run()
    assert row["inspector_signature"] == second["attachment_id"]


async def test_bad_signatures_are_named(client):
    w = await f.world()
    v = await started(client, w)
    r = await sign(client, w, v, signer="inspector", file=False, reason="不签")
    assert r.status_code == 400 and set(keys(r)) == {"refused_reason", "file"}
    r = await sign(client, w, v, signer="enterprise", file=False)
    assert r.status_code == 400 and keys(r) == ["file"]
    r = await sign(client, w, v, name=" ")
    assert r.status_code == 400 and keys(r) == ["signer_name"]
    r = await client.post(
        url(v, "/signatures"),
        data={"signer": "inspector", "signer_name": "王工"},
        files={"file": ("sign.png", b"<?php echo 1; ?>", "image/png")},
        headers=f.headers(w.inspector),
    )
    assert r.status_code == 415
    binary = await client.post(
        url(v, "/signatures"),
        files={"signer": (None, "inspector"), "file": (None, fi.png())},  # bytes, no file name
        headers=f.headers(w.inspector),
    )
    assert binary.status_code == 400 and keys(binary) == ["body"]
    row = await Inspection.select().where(Inspection.id == v.inspection["id"]).first().run()
    assert row["inspector_signature"] is None and row["enterprise_refused_reason"] == ""


async def test_hazard_photos_and_a_retried_hazard(client):
    w = await f.world()
    v = await started(client, w)
    me = f.headers(w.inspector)
    body = {
        "description": "电缆拖地",
        "level": "general",
        "category": "site",
        "subcategory": "电气",
    }
    retry = {**me, "Idempotency-Key": f"hazard-{f.n()}"}
    first = await client.post(url(v, "/hazards"), json=body, headers=retry)
    again = await client.post(url(v, "/hazards"), json=body, headers=retry)
    assert first.status_code == again.status_code == 201
    assert again.json()["id"] == first.json()["id"]
    assert again.headers.get("Idempotent-Replayed") == "true"
    assert await Hazard.count().where(Hazard.inspection == v.inspection["id"]).run() == 1
    other = await client.post(url(v, "/hazards"), json={**body, "location": "别处"}, headers=retry)
    assert other.status_code in (409, 422)

    hazard = first.json()["id"]
    photo = await client.post(
        f"/api/v1/hazards/{hazard}/photos",
        files={"file": ("p.jpg", fi.jpeg(), "image/jpeg")},
        headers=me,
    )
    assert photo.status_code == 201, photo.text
    assert photo.json()["kind"] == "problem" and photo.json()["thumbnail_url"]
    recheck = await client.post(
        f"/api/v1/hazards/{hazard}/photos",
        data={"kind": "recheck"},
        files={"file": ("p.png", fi.png(), "image/png")},
        headers=me,
    )
    assert recheck.status_code == 201 and recheck.json()["kind"] == "recheck"
    wrong = await client.post(
        f"/api/v1/hazards/{hazard}/photos",
        data={"kind": "rectified"},
        files={"file": ("p.png", fi.png(), "image/png")},
        headers=me,
    )
    assert wrong.status_code == 400 and keys(wrong) == ["kind"]
    shown = (await client.get(f"/api/v1/hazards/{hazard}", headers=me)).json()
    assert [p["kind"] for p in shown["photos"]] == ["problem", "recheck"]
    thumb = await client.get(shown["photos"][0]["thumbnail_url"], headers=f.headers(w.officer))
    assert thumb.status_code == 200
    outsider = await f.user("inspector", agency_id=w.agency["id"])
    hidden = await client.get(shown["photos"][0]["url"], headers=f.headers(outsider))
    assert hidden.status_code == 404
    count = (
        await Attachment.count()
        .where(Attachment.owner_type == "hazard", Attachment.owner_id == hazard)
        .run()
    )
    assert count == 2


async def test_the_after_photo_of_a_hazard_fixed_on_the_spot(client):
    w = await f.world()
    v = await started(client, w)
    me = f.headers(w.inspector)
    r = await client.post(
        url(v, "/hazards"),
        json={
            "description": "插座松动",
            "level": "general",
            "category": "site",
            "fixed_on_spot": True,
        },
        headers=me,
    )
    after = await client.post(
        f"/api/v1/hazards/{r.json()['id']}/photos",
        data={"kind": "rectified"},
        files={"file": ("after.jpg", fi.jpeg(), "image/jpeg")},
        headers=me,
    )
    assert after.status_code == 201 and after.json()["kind"] == "rectified"
    contact = await f.user("enterprise", enterprise_id=v.inspection["enterprise_id"])
    refused = await client.post(
        f"/api/v1/hazards/{r.json()['id']}/photos",
        data={"kind": "rectified"},
        files={"file": ("after.jpg", fi.jpeg(), "image/jpeg")},
        headers=f.headers(contact),
    )
    # the enterprise adds after-photos to its open hazards only: this one is closed
    assert refused.status_code == 409 and refused.json()["extra"][0]["key"] == "status"


async def test_bad_hazard_photos_are_refused_and_store_nothing(client):
    w = await f.world()
    v = await started(client, w)
    me = f.headers(w.inspector)
    r = await client.post(
        url(v, "/hazards"),
        json={"description": "消防栓被遮挡", "level": "general", "category": "site"},
        headers=me,
    )
    photos = f"/api/v1/hazards/{r.json()['id']}/photos"
    whole = fi.jpeg()
    cases = [
        (("evil.jpg", b"<?php system($_GET['c']); ?>", "image/jpeg"), 415),
        (("empty.jpg", b"", "image/jpeg"), 400),
        (("cut.jpg", whole[: len(whole) // 2], "image/jpeg"), 400),
        (("huge.jpg", whole + b"\0" * (16 * 1024 * 1024), "image/jpeg"), 413),
    ]
    for file, status in cases:
        got = await client.post(photos, files={"file": file}, headers=me)
        assert got.status_code == status, (file[0], got.status_code, got.text[:200])
    count = (
        await Attachment.count()
        .where(Attachment.owner_type == "hazard", Attachment.owner_id == r.json()["id"])
        .run()
    )
    assert count == 0
