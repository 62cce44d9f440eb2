"""``Idempotency-Key`` (the API contract): a write a phone may retry, sent again with the
same key by the same user within 24 h, returns the first result and creates nothing new.

Kept in the database (``IdempotencyRecord``), so every worker and a restart agree. The
steps, each its own short transaction:
1. claim the key: insert a row (status 0 = running) — the unique index on (user, key)
   lets only one of two concurrent requests in; the other finds the claim and gets
   409 "in progress, retry";
2. run the write (the use case owns its own transaction);
3. store the result on the claim. A write that fails (any error, a 400 included)
   releases the claim, so the corrected request may use the key again.
A key found again answers from its record: the same request (method, path and body,
fingerprinted) gets the stored status and body, marked ``Idempotent-Replayed: true``; a
different request gets 409 — never a silent replay of something else.

Decisions where the contract is silent: records older than 24 h are ignored and pruned
(on every keyed request, through the ``created_at`` index); a claim still "running" after
``ABANDONED_AFTER`` belongs to a worker that died mid-write and may be taken over (the
write may then run twice; a stuck key forever would be worse). A key is 1–128 printable
ASCII characters.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Awaitable, Callable
from typing import Annotated, Any

from litestar import Request, Response
from litestar.params import HeaderParameter
from litestar.serialization import decode_json, encode_json
from pydantic import BaseModel

from safety.actors import Actor
from safety.db import write_transaction
from safety.errors import Conflict, ValidationFailed
from safety.tables import IdempotencyRecord

HEADER = "Idempotency-Key"
KEEP = dt.timedelta(hours=24)
ABANDONED_AFTER = dt.timedelta(minutes=10)
RUNNING = 0

# For a handler's signature, so the OpenAPI schema documents the header.
IdempotencyKey = Annotated[
    str | None,
    HeaderParameter(
        name=HEADER,
        description="Retry-safe writes: the same key from the same user within 24 h "
        "returns the first result and creates nothing new (1–128 printable ASCII characters)",
        required=False,
    ),
]


def _key_of(request: Request) -> str | None:
    key = request.headers.get(HEADER)
    if key is None:
        return None
    if not 1 <= len(key) <= 128 or not all(" " <= c <= "~" for c in key):
        raise ValidationFailed.field(HEADER, f"{HEADER} 须为 1–128 个可打印的 ASCII 字符")
    return key


def fingerprint(method: str, path: str, payload: Any) -> str:
    """SHA-256 of the request: method, path and the canonical JSON of the body."""
    body = _jsonable(payload)
    text = json.dumps(
        [method.upper(), path, body], sort_keys=True, ensure_ascii=False, separators=(",", ":")
    )
    return hashlib.sha256(text.encode()).hexdigest()


def _jsonable(value: Any) -> Any:
    if isinstance(value, BaseModel):
        return value.model_dump(mode="json")
    return decode_json(encode_json(value))


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def _aware(value: dt.datetime) -> dt.datetime:
    return value if value.tzinfo else value.replace(tzinfo=dt.UTC)


async def run_idempotent(
    request: Request,
    actor: Actor,
    payload: Any,
    action: Callable[[], Awaitable[Any]],
    *,
    status_code: int | Callable[[Any], int] = 201,
    atomic: bool = False,
) -> Response:
    """Run ``action`` (which returns the JSON-able response body) at most once per
    ``Idempotency-Key``; without the header it simply runs. ``status_code`` may be a
    function of the body, when the write itself decides it (created or merged).

    ``atomic=True`` for an action that only reads and writes the database (no files, no
    image work): the claim, the action and the stored answer are one write transaction
    instead of three — a third of the waits for the write lock when many phones send at
    once — and a failing action leaves no claim behind (its rollback takes the claim with
    it). A concurrent twin then waits for the first and gets its stored answer instead of
    409 "in progress". Actions that process uploads keep the three short transactions,
    so the write lock is not held while an image is decoded."""

    def status_of(body: Any) -> int:
        return status_code(body) if callable(status_code) else status_code

    key = _key_of(request)
    if key is None:
        body = _jsonable(await action())
        return Response(body, status_code=status_of(body))
    method, path = request.method, request.url.path[:255]
    digest = fingerprint(method, path, payload)
    if atomic:
        async with write_transaction():
            replay = await _claim(actor, key, method, path, digest)
            if replay is not None:
                return replay
            body = _jsonable(await action())
            code = status_of(body)
            await _store(actor, key, code, body)
        return Response(body, status_code=code)
    replay = await _claim(actor, key, method, path, digest)
    if replay is not None:
        return replay
    try:
        body = _jsonable(await action())
    except BaseException:
        await _release(actor, key)
        raise
    code = status_of(body)
    async with write_transaction():
        await _store(actor, key, code, body)
    return Response(body, status_code=code)


async def _store(actor: Actor, key: str, code: int, body: Any) -> None:
    """The answer on the claim (inside a write transaction)."""
    await (
        IdempotencyRecord.update(
            {
                IdempotencyRecord.status_code: code,
                IdempotencyRecord.body: json.dumps(body, ensure_ascii=False),
            }
        )
        .where(IdempotencyRecord.user == actor.user_id, IdempotencyRecord.key == key)
        .run()
    )


async def _claim(actor: Actor, key: str, method: str, path: str, digest: str) -> Response | None:
    """Claim ``key`` for this request (None), or answer from its record."""
    now = _now()
    try:
        async with write_transaction():
            await IdempotencyRecord.delete().where(IdempotencyRecord.created_at < now - KEEP).run()
            found = await _record(actor, key)
            if found is not None:
                abandoned = found["status_code"] == RUNNING and (
                    _aware(found["created_at"]) < now - ABANDONED_AFTER
                )
                if not abandoned:
                    return _answer(found, digest)
                await IdempotencyRecord.delete().where(IdempotencyRecord.id == found["id"]).run()
            await (
                IdempotencyRecord(
                    user=actor.user_id,
                    key=key,
                    method=method,
                    path=path,
                    status_code=RUNNING,
                    fingerprint=digest,
                    created_at=now,
                )
                .save()
                .run()
            )
    except Conflict:
        raise
    except Exception:  # the unique index refused a concurrent twin's claim
        found = await _record(actor, key)
        if found is None:
            raise
        return _answer(found, digest)
    return None


async def _record(actor: Actor, key: str) -> dict[str, Any] | None:
    return (
        await IdempotencyRecord.select()
        .where(IdempotencyRecord.user == actor.user_id, IdempotencyRecord.key == key)
        .first()
        .run()
    )


def _answer(found: dict[str, Any], digest: str) -> Response:
    if found["fingerprint"] != digest:
        raise Conflict(
            f"{HEADER} 已用于另一个请求",
            [{"key": HEADER, "message": "已用于方法、路径或请求体不同的请求"}],
        )
    if found["status_code"] == RUNNING:
        raise _in_progress()
    body = found["body"]
    if isinstance(body, str):  # SQLite hands JSON back as text
        body = json.loads(body)
    return Response(body, status_code=found["status_code"], headers={"Idempotent-Replayed": "true"})


def _in_progress() -> Conflict:
    return Conflict(
        f"同一 {HEADER} 的请求正在处理，请稍后重试",
        [{"key": HEADER, "message": "正在处理，请稍后重试"}],
    )


async def _release(actor: Actor, key: str) -> None:
    async with write_transaction():
        await (
            IdempotencyRecord.delete()
            .where(
                IdempotencyRecord.user == actor.user_id,
                IdempotencyRecord.key == key,
                IdempotencyRecord.status_code == RUNNING,
            )
            .run()
        )
