"""The append-only audit trail (审计日志).

``record`` writes one event inside the caller's transaction. Each row carries ``chain`` =
HMAC-SHA256(secret, previous row's chain ‖ canonical JSON of this row), so altering,
removing or inserting a row by hand breaks verification from that row on. Writers are
serialised so two concurrent events never chain to the same predecessor: SQLite write
transactions are IMMEDIATE already; on PostgreSQL a transaction-level advisory lock.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
import re
from dataclasses import dataclass
from functools import partial
from typing import Any

from safety import logs
from safety.settings import get_settings, local_midnight
from safety.tables import AuditEvent

_PG_AUDIT_LOCK = 734_512_001  # arbitrary advisory-lock key for the audit chain


def _canonical(row: dict[str, Any]) -> bytes:
    # JSON columns are hashed as the exact text stored (both engines hand it back as
    # text, PostgreSQL's json type keeps it verbatim).
    at = row["at"]
    if isinstance(at, dt.datetime):
        if at.tzinfo is None:  # SQLite may hand back naive UTC
            at = at.replace(tzinfo=dt.UTC)
        at = at.astimezone(dt.UTC).isoformat(timespec="microseconds")
    payload = {
        "at": at,
        "actor": row.get("actor"),
        "actor_username": row.get("actor_username") or "",
        "actor_role": row.get("actor_role") or "",
        "ip": row.get("ip"),
        "action": row["action"],
        "object_type": row.get("object_type") or "",
        "object_id": row.get("object_id"),
        "before": row.get("before"),
        "after": row.get("after"),
        "success": bool(row.get("success")),
    }
    return json.dumps(payload, sort_keys=True, ensure_ascii=False, default=str).encode()


def chain_value(previous: str, row: dict[str, Any]) -> str:
    key = get_settings().secret_key.get_secret_value().encode()
    return hmac.new(key, previous.encode() + b"|" + _canonical(row), hashlib.sha256).hexdigest()


def _json_text(value: Any) -> str | None:
    if value is None:
        return None
    return json.dumps(value, ensure_ascii=False, default=str, sort_keys=True)


async def record(
    actor: Any,
    action: str,
    object_type: str = "",
    object_id: int | None = None,
    before: Any = None,
    after: Any = None,
    success: bool = True,
    username: str | None = None,
) -> None:
    """Append one event. Call inside the use case's write transaction, so the event and
    the change it describes land (or fail) together. ``actor`` is an ``Actor`` or None
    (anonymous, e.g. a failed login, where ``username`` names who was tried)."""
    from safety.db import after_commit, is_sqlite, pg_transaction_lock

    if not is_sqlite():
        await pg_transaction_lock(_PG_AUDIT_LOCK)
    last = (
        await AuditEvent.select(AuditEvent.chain)
        .order_by(AuditEvent.id, ascending=False)
        .first()
        .run()
    )
    row = {
        "at": dt.datetime.now(dt.UTC),
        "actor": actor.user_id if actor and actor.user_id else None,
        "actor_username": (actor.username if actor else username) or "",
        "actor_role": (actor.role.value if actor else ""),
        "ip": actor.ip if actor else None,
        "action": action,
        "object_type": object_type,
        "object_id": object_id,
        "before": _json_text(before),
        "after": _json_text(after),
        "success": success,
    }
    row["chain"] = chain_value(last["chain"] if last else "", row)
    await AuditEvent.insert(
        AuditEvent(
            at=row["at"],
            actor=row["actor"],
            actor_username=row["actor_username"],
            actor_role=row["actor_role"],
            ip=row["ip"],
            action=action,
            object_type=object_type,
            object_id=object_id,
            before=row["before"],
            after=row["after"],
            success=success,
            chain=row["chain"],
        )
    ).run()
    if logs.audit_worthy(action):  # one log line, once the event is kept
        after_commit(partial(logs.audit_recorded, row, before, after))


# An outside-scope (404) request is recorded once per actor and object per window: a
# scraper walking ids leaves one event per id per minute, not one per request.
DENIAL_WINDOW = dt.timedelta(minutes=1)


async def record_denial(
    actor: Any, object_type: str, object_id: int | None, after: Any = None
) -> bool:
    """Record ``access.denied`` of one object for ``actor``, unless the trail already holds
    one for the same actor and object within ``DENIAL_WINDOW``; True when recorded. Call
    inside ``write_transaction()``: writers queue there on both engines and across workers
    (SQLite IMMEDIATE, a PostgreSQL advisory lock), so the check and the insert are one
    step and concurrent refusals of one object leave exactly one event."""
    since = dt.datetime.now(dt.UTC) - DENIAL_WINDOW
    same_object = (
        AuditEvent.object_id.is_null() if object_id is None else AuditEvent.object_id == object_id
    )
    seen = await (
        AuditEvent.exists()
        .where(
            (AuditEvent.action == "access.denied")
            & (AuditEvent.actor == actor.user_id)
            & (AuditEvent.object_type == object_type)
            & same_object
            & (AuditEvent.at >= since)
        )
        .run()
    )
    if seen:
        return False
    await record(actor, "access.denied", object_type, object_id, after=after, success=False)
    return True


@dataclass
class ChainReport:
    checked: int
    first_bad_id: int | None = None
    reason: str = ""

    @property
    def ok(self) -> bool:
        return self.first_bad_id is None


async def verify_chain(page: int = 2000) -> ChainReport:
    """Walk the trail in id order and recompute the chain; name the first bad row. A
    removed row shows as the next row failing (its chain was built on the removed one);
    id gaps alone prove nothing, since a rolled-back transaction leaves one on PostgreSQL."""
    previous = ""
    checked = 0
    last_id = 0
    while True:
        rows = (
            await AuditEvent.select()
            .where(AuditEvent.id > last_id)
            .order_by(AuditEvent.id)
            .limit(page)
            .run()
        )
        if not rows:
            return ChainReport(checked)
        for row in rows:
            if chain_value(previous, row) != row["chain"]:
                return ChainReport(checked, row["id"], "content does not match its chain value")
            previous = row["chain"]
            checked += 1
            last_id = row["id"]


UPLOAD_ACTION = "attachment.create"


@dataclass
class UploadRecords:
    """What the trail says was uploaded: each ``attachment.create`` event's attachment id
    and sha256 (``by_attachment``), and every sha256 any upload recorded (``digests``)."""

    by_attachment: dict[int, str]
    digests: set[str]

    def __len__(self) -> int:
        return len(self.by_attachment)


async def upload_records(page: int = 5000) -> UploadRecords:
    """Read every upload event (``attachment.create``, successful) in id order, a page at
    a time. An event without a sha256 in ``after`` adds nothing (none is written so:
    ``files.save_bytes`` has recorded it since the first upload)."""
    by_attachment: dict[int, str] = {}
    digests: set[str] = set()
    last_id = 0
    while True:
        rows = (
            await AuditEvent.select(AuditEvent.id, AuditEvent.object_id, AuditEvent.after)
            .where(
                (AuditEvent.id > last_id)
                & (AuditEvent.action == UPLOAD_ACTION)
                & (AuditEvent.success == True)  # noqa: E712 - a SQL comparison
            )
            .order_by(AuditEvent.id)
            .limit(page)
            .run()
        )
        if not rows:
            return UploadRecords(by_attachment, digests)
        for row in rows:
            last_id = row["id"]
            after = _decode(row["after"])
            sha = after.get("sha256") if isinstance(after, dict) else None
            if not isinstance(sha, str):
                continue
            digests.add(sha)
            if row["object_id"] is not None:
                by_attachment[row["object_id"]] = sha


# ---------------------------------------------------------------- reading the trail
# Retention: nothing in the system deletes audit rows, and the database refuses UPDATE,
# DELETE (and, on PostgreSQL, TRUNCATE) of ``audit_event`` by trigger, so the trail is
# kept for the life of the database, beyond the 6 months 等保 2.0 asks for.


@dataclass
class AuditFilter:
    actor: str | None = None  # a username, or a user id given as digits
    action: str | None = None  # exact, or a prefix ending in "." ("user." = all user events)
    object_type: str | None = None
    object_id: int | None = None
    since: dt.datetime | None = None
    until: dt.datetime | None = None


def _decode(value: Any) -> Any:
    if isinstance(value, str):
        try:
            return json.loads(value)
        except ValueError:
            return value
    return value


def _as_out(row: dict[str, Any]) -> dict[str, Any]:
    at = row["at"]
    if isinstance(at, dt.datetime) and at.tzinfo is None:
        at = at.replace(tzinfo=dt.UTC)
    return {
        "id": row["id"],
        "at": at,
        "actor_id": row["actor"],
        "actor_username": row["actor_username"],
        "actor_role": row["actor_role"],
        "ip": row["ip"],
        "action": row["action"],
        "object_type": row["object_type"],
        "object_id": row["object_id"],
        "before": _decode(row["before"]),
        "after": _decode(row["after"]),
        "success": bool(row["success"]),
    }


async def list_events(actor: Any, flt: AuditFilter, limit: int = 50, offset: int = 0) -> dict:
    """The trail for an administrator, newest first."""
    from safety.tables import Role

    actor.require(Role.admin)
    conditions = []
    if flt.actor:
        who = flt.actor.strip()
        conditions.append(
            AuditEvent.actor == int(who)
            if _DIGITS.fullmatch(who)
            else AuditEvent.actor_username == who
        )
    if flt.action:
        action = flt.action.strip()
        conditions.append(
            AuditEvent.action.like(action + "%")
            if action.endswith(".")
            else AuditEvent.action == action
        )
    if flt.object_type:
        conditions.append(AuditEvent.object_type == flt.object_type.strip())
    if flt.object_id is not None:
        conditions.append(AuditEvent.object_id == flt.object_id)
    if flt.since is not None:
        conditions.append(AuditEvent.at >= flt.since)
    if flt.until is not None:
        conditions.append(AuditEvent.at < flt.until)
    query = AuditEvent.select()
    count = AuditEvent.count()
    for condition in conditions:
        query, count = query.where(condition), count.where(condition)
    rows = await query.order_by(AuditEvent.id, ascending=False).limit(limit).offset(offset).run()
    return {"items": [_as_out(r) for r in rows], "total": await count.run()}


# The bounds a date filter is clamped to: a day at the edge of the calendar (0001-01-01 in
# a zone east of UTC, or the day after 9999-12-31) falls outside what Python's datetime
# can hold. Both engines compare these fine (PostgreSQL timestamptz spans 4713 BC to
# 294276 AD; SQLite compares the ISO text).
EARLIEST = dt.datetime.min.replace(tzinfo=dt.UTC)
LATEST = dt.datetime.max.replace(tzinfo=dt.UTC)


def _bound(raw: str, key: str, end: bool) -> dt.datetime:
    """``YYYY-MM-DD`` (a whole day in the configured time zone; ``until`` includes it) or
    an ISO 8601 time with offset. A bound beyond the calendar's edge is clamped to it
    (``until=9999-12-31`` means "no upper bound"), never an overflow."""
    from safety.errors import ValidationFailed

    text = raw.strip()
    try:
        if len(text) == 10:
            day = dt.date.fromisoformat(text)
            if end and day == dt.date.max:
                return LATEST
            if end:
                day += dt.timedelta(days=1)
            moment = local_midnight(day)
        else:
            moment = dt.datetime.fromisoformat(text)
    except ValueError as exc:
        raise ValidationFailed.field(key, f"{key} 须为 YYYY-MM-DD 或带时区的时间") from exc
    if moment.tzinfo is None:
        raise ValidationFailed.field(key, f"{key} 须带时区")
    try:
        return moment.astimezone(dt.UTC)
    except OverflowError:  # within a day of the calendar's edge, in UTC terms
        return EARLIEST if moment.year == 1 else LATEST


_DIGITS = re.compile(r"[0-9]+")


def audit_filter(
    actor: str | None = None,
    action: str | None = None,
    object_type: str | None = None,
    object_id: str | int | None = None,
    since: str | None = None,
    until: str | None = None,
) -> AuditFilter:
    """Build a filter from query-string values; a bad value is a 400 naming its field.
    An id (``object_id``, or ``actor`` given as digits) must be 1..MAX_DB_INT."""
    from safety.errors import ValidationFailed
    from safety.schemas import MAX_DB_INT

    errors = []
    who = (actor or "").strip()
    if _DIGITS.fullmatch(who) and not 1 <= int(who) <= MAX_DB_INT:
        errors.append({"key": "actor", "message": f"actor 用户编号须为 1..{MAX_DB_INT}"})
    oid = None
    if object_id not in (None, ""):
        text = str(object_id).strip()
        if not _DIGITS.fullmatch(text) or not 1 <= int(text) <= MAX_DB_INT:
            errors.append({"key": "object_id", "message": f"object_id 须为 1..{MAX_DB_INT} 的整数"})
        else:
            oid = int(text)
    bounds = {}
    for key, raw, end in (("since", since, False), ("until", until, True)):
        if raw:
            try:
                bounds[key] = _bound(raw, key, end)
            except ValidationFailed as exc:
                errors.extend(exc.extra)
    if errors:
        raise ValidationFailed("筛选条件有误", errors)
    return AuditFilter(
        actor=who or None,
        action=action or None,
        object_type=object_type or None,
        object_id=oid,
        since=bounds.get("since"),
        until=bounds.get("until"),
    )
