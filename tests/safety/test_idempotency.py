"""Idempotency-Key (safety/idempotency.py): a retried write returns the first result and
creates nothing new; a reused key with another body is refused; concurrent twins make one.

Two ways in: the real photo upload route of the app, and a small Litestar app of its own
whose write can be held open, to put two requests with one key truly in flight at once."""

from __future__ import annotations

import asyncio
import datetime as dt

import httpx
import pytest
from litestar import Litestar, Request, Response, post
from litestar.di import NamedDependency
from litestar.params import JSONBody

from safety.accounts.actor import ACTOR
from safety.actors import Actor
from safety.db import write_transaction
from safety.errorpages import domain_error_handler
from safety.errors import DomainError, ValidationFailed
from safety.idempotency import ABANDONED_AFTER, IdempotencyKey, run_idempotent
from safety.tables import Agency, Attachment, IdempotencyRecord
from tests import factories as f
from tests import imagegen


@pytest.fixture(scope="module")
async def w():
    return await f.world()


# ---------------------------------------------------------------- through the photo route


async def _upload(client, w, data: bytes, key: str | bytes | None, user=None):
    headers = f.headers(user or w.officer)
    if key is not None:
        headers["Idempotency-Key"] = key
    return await client.post(
        f"/api/v1/enterprises/{w.enterprise['id']}/photos",
        files={"file": ("p.jpg", data, "image/jpeg")},
        headers=headers,
    )


async def _photo_count(w) -> int:
    return (
        await Attachment.count()
        .where(Attachment.owner_type == "enterprise", Attachment.owner_id == w.enterprise["id"])
        .run()
    )


async def test_a_retried_upload_returns_the_first_result_and_stores_one_photo(client, w):
    data = imagegen.jpeg((210, 140))
    key = f"upload-{f.n()}"
    before = await _photo_count(w)
    first = await _upload(client, w, data, key)
    again = await _upload(client, w, data, key)
    assert first.status_code == again.status_code == 201, again.text
    assert again.json() == first.json()
    assert again.headers["idempotent-replayed"] == "true"
    assert await _photo_count(w) == before + 1


async def test_the_same_key_with_another_file_is_409(client, w):
    key = f"upload-{f.n()}"
    assert (await _upload(client, w, imagegen.jpeg((90, 60)), key)).status_code == 201
    before = await _photo_count(w)
    r = await _upload(client, w, imagegen.jpeg((91, 60)), key)
    assert r.status_code == 409, r.text
    assert r.json()["extra"][0]["key"] == "Idempotency-Key"
    assert await _photo_count(w) == before


async def test_without_a_key_every_upload_stores_a_photo(client, w):
    data = imagegen.jpeg((92, 60))
    before = await _photo_count(w)
    assert (await _upload(client, w, data, None)).status_code == 201
    assert (await _upload(client, w, data, None)).status_code == 201
    assert await _photo_count(w) == before + 2


@pytest.mark.parametrize("key", ["", "x" * 129, "ключ".encode(), "tab\there"])
async def test_a_malformed_key_is_400_naming_the_header(client, w, key):
    before = await _photo_count(w)
    r = await _upload(client, w, imagegen.jpeg((93, 60)), key)
    assert r.status_code == 400, r.text
    assert r.json()["extra"][0]["key"] == "Idempotency-Key"
    assert await _photo_count(w) == before


async def test_a_refused_upload_releases_the_key(client, w):
    key = f"upload-{f.n()}"
    assert (await _upload(client, w, b"not an image", key)).status_code == 415
    # The corrected retry with the same key is a new request, not a 409.
    r = await _upload(client, w, imagegen.jpeg((94, 60)), key)
    assert r.status_code == 201, r.text


async def test_keys_belong_to_their_user(client, w):
    key = f"upload-{f.n()}"
    other = await f.user("officer", org_unit_id=w.tree["street"]["id"])
    a = await _upload(client, w, imagegen.jpeg((95, 60)), key)
    b = await _upload(client, w, imagegen.jpeg((96, 60)), key, user=other)
    assert a.status_code == b.status_code == 201
    assert a.json()["id"] != b.json()["id"]


# ---------------------------------------------------------------- a write held open

gate: asyncio.Event | None = None
entered: asyncio.Event | None = None


@post("/api/v1/test-agencies", dependencies=ACTOR)
async def make_agency(
    request: Request,
    actor: NamedDependency[Actor],
    data: JSONBody[dict],
    idempotency_key: IdempotencyKey = None,
) -> Response:
    async def action() -> dict:
        if data.get("fail"):
            raise ValidationFailed.field("fail", "asked to fail")
        if entered is not None:
            entered.set()
        if gate is not None:
            await gate.wait()
        async with write_transaction():
            row = Agency(name=data["name"])
            await row.save().run()
        return {"id": row.id, "name": data["name"], "at": dt.date(2026, 11, 27)}

    return await run_idempotent(request, actor, data, action)


@post("/api/v1/test-agencies-atomic", dependencies=ACTOR)
async def make_agency_atomic(
    request: Request,
    actor: NamedDependency[Actor],
    data: JSONBody[dict],
    idempotency_key: IdempotencyKey = None,
) -> Response:
    """As above, with the claim, the write and the answer in one transaction; ``fail``
    fails after the agency is written."""

    async def action() -> dict:
        async with write_transaction():
            row = Agency(name=data["name"])
            await row.save().run()
        if entered is not None:
            entered.set()
        if gate is not None:
            await gate.wait()
        if data.get("fail"):
            raise ValidationFailed.field("fail", "asked to fail")
        return {"id": row.id, "name": data["name"]}

    return await run_idempotent(request, actor, data, action, atomic=True)


@pytest.fixture(scope="module")
async def probe():
    app = Litestar(
        route_handlers=[make_agency, make_agency_atomic],
        exception_handlers={DomainError: domain_error_handler},
    )
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://probe.local") as c:
        yield c


def _send(probe, w, body: dict, key: str | None, path: str = "/api/v1/test-agencies"):
    headers = f.headers(w.officer)
    if key:
        headers["Idempotency-Key"] = key
    return probe.post(path, json=body, headers=headers)


ATOMIC = "/api/v1/test-agencies-atomic"


async def _agencies(name: str) -> int:
    return await Agency.count().where(Agency.name == name).run()


async def test_a_replay_returns_the_first_body_exactly(probe, w):
    name, key = f"机构{f.n()}", f"k{f.n()}"
    first = await _send(probe, w, {"name": name}, key)
    again = await _send(probe, w, {"name": name}, key)
    assert first.status_code == again.status_code == 201
    assert (
        first.json() == again.json() == {"id": first.json()["id"], "name": name, "at": "2026-11-27"}
    )
    assert await _agencies(name) == 1


async def test_concurrent_requests_with_one_key_make_one_record(probe, w):
    global gate, entered
    name, key = f"机构{f.n()}", f"k{f.n()}"
    gate, entered = asyncio.Event(), asyncio.Event()
    try:
        first = asyncio.create_task(_send(probe, w, {"name": name}, key))
        await asyncio.wait_for(entered.wait(), 10)  # the first holds the claim, mid-write
        twin = await _send(probe, w, {"name": name}, key)
        assert twin.status_code == 409, twin.text
        assert "in progress" in twin.json()["extra"][0]["message_en"]
        gate.set()
        done = await first
    finally:
        gate = entered = None
    assert done.status_code == 201
    after = await _send(probe, w, {"name": name}, key)
    assert after.status_code == 201 and after.json() == done.json()
    assert await _agencies(name) == 1
    assert await IdempotencyRecord.count().where(IdempotencyRecord.key == key).run() == 1


async def test_many_concurrent_twins_make_one_record(probe, w):
    name, key = f"机构{f.n()}", f"k{f.n()}"
    results = await asyncio.gather(*[_send(probe, w, {"name": name}, key) for _ in range(6)])
    codes = sorted(r.status_code for r in results)
    assert set(codes) <= {201, 409}, codes
    assert 201 in codes
    assert await _agencies(name) == 1


async def test_the_same_key_on_another_path_or_body_is_409(probe, client, w):
    name, key = f"机构{f.n()}", f"k{f.n()}"
    assert (await _send(probe, w, {"name": name}, key)).status_code == 201
    r = await _send(probe, w, {"name": name + "x"}, key)
    assert r.status_code == 409
    assert await _agencies(name + "x") == 0


async def test_a_failed_write_releases_the_claim(probe, w):
    key = f"k{f.n()}"
    r = await _send(probe, w, {"name": "x", "fail": True}, key)
    assert r.status_code == 400
    assert await IdempotencyRecord.count().where(IdempotencyRecord.key == key).run() == 0


async def _old_record(w, key: str, age: dt.timedelta, status_code: int, body: str) -> None:
    async with write_transaction():
        await (
            IdempotencyRecord(
                user=w.officer["id"],
                key=key,
                method="POST",
                path="/api/v1/test-agencies",
                status_code=status_code,
                body=body,
                fingerprint="0" * 64,
                created_at=dt.datetime.now(dt.UTC) - age,
            )
            .save()
            .run()
        )


async def test_records_older_than_24_hours_are_ignored_and_pruned(probe, w):
    key, stale = f"k{f.n()}", f"k{f.n()}"
    await _old_record(w, key, dt.timedelta(hours=25), 201, '{"id": -1}')
    await _old_record(w, stale, dt.timedelta(hours=30), 201, '{"id": -2}')
    name = f"机构{f.n()}"
    r = await _send(probe, w, {"name": name}, key)
    assert r.status_code == 201 and r.json()["id"] != -1
    assert await _agencies(name) == 1
    assert await IdempotencyRecord.count().where(IdempotencyRecord.key == stale).run() == 0


async def test_a_claim_abandoned_by_a_dead_worker_is_taken_over(probe, w):
    key = f"k{f.n()}"
    await _old_record(w, key, ABANDONED_AFTER + dt.timedelta(minutes=1), 0, "null")
    name = f"机构{f.n()}"
    r = await _send(probe, w, {"name": name}, key)
    assert r.status_code == 201, r.text
    assert await _agencies(name) == 1


# ---------------------------------------------------------------- atomic: one transaction


async def test_atomic_a_failure_after_the_write_leaves_neither_row_nor_claim(probe, w):
    name, key = f"机构{f.n()}", f"k{f.n()}"
    r = await _send(probe, w, {"name": name, "fail": True}, key, ATOMIC)
    assert r.status_code == 400, r.text
    assert await _agencies(name) == 0  # the action's own write went with the rollback
    assert await IdempotencyRecord.count().where(IdempotencyRecord.key == key).run() == 0
    # The corrected request may use the key.
    ok = await _send(probe, w, {"name": name}, key, ATOMIC)
    assert ok.status_code == 201, ok.text
    assert await _agencies(name) == 1


async def test_atomic_a_concurrent_twin_waits_and_gets_the_first_answer(probe, w):
    global gate, entered
    name, key = f"机构{f.n()}", f"k{f.n()}"
    gate, entered = asyncio.Event(), asyncio.Event()
    try:
        first = asyncio.create_task(_send(probe, w, {"name": name}, key, ATOMIC))
        await asyncio.wait_for(entered.wait(), 10)  # the first is mid-write
        twin = asyncio.create_task(_send(probe, w, {"name": name}, key, ATOMIC))
        await asyncio.sleep(0.3)
        assert not twin.done()  # it queues behind the first instead of answering 409
        gate.set()
        done, again = await first, await twin
    finally:
        gate = entered = None
    assert done.status_code == again.status_code == 201, again.text
    assert again.json() == done.json()
    assert again.headers["idempotent-replayed"] == "true"
    assert await _agencies(name) == 1
    assert await IdempotencyRecord.count().where(IdempotencyRecord.key == key).run() == 1


async def test_atomic_many_concurrent_twins_make_one_record_and_no_409(probe, w):
    name, key = f"机构{f.n()}", f"k{f.n()}"
    results = await asyncio.gather(
        *[_send(probe, w, {"name": name}, key, ATOMIC) for _ in range(6)]
    )
    assert [r.status_code for r in results] == [201] * 6
    assert len({r.json()["id"] for r in results}) == 1
    assert await _agencies(name) == 1
