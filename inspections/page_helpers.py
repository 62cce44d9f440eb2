"""Small helpers shared by the inspector's page modules (no rules: parsing and who is
asking)."""

from __future__ import annotations

from typing import Any

from litestar import Request

from safety.auth import Actor
from safety.errors import ValidationFailed
from safety.tables import Role


def wants_json(request: Request) -> bool:
    """The page's own script (the outbox) asks for JSON; a plain form post does not."""
    return request.headers.get("accept", "").startswith("application/json")


def as_int(raw: Any) -> int | None:
    try:
        return int(str(raw).strip())
    except (TypeError, ValueError):
        return None


def is_its_inspector(actor: Actor, inspection: dict) -> bool:
    return actor.role == Role.inspector and any(
        p["id"] == actor.user_id for p in inspection.get("inspectors", [])
    )


def one_file(uploads: list) -> Any:
    """The single ``file`` an outbox request carries; 400 naming ``file`` otherwise."""
    if len(uploads) != 1:
        raise ValidationFailed.field("file", "请选择一个文件 (exactly one `file`)")
    return uploads[0]
