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
from dataclasses import dataclass
from typing import Any

from safety.settings import get_settings
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
    key = get_settings().secret_key.encode()
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
    from safety.db import is_sqlite

    if not is_sqlite():
        await AuditEvent.raw("SELECT pg_advisory_xact_lock({})", _PG_AUDIT_LOCK).run()
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
