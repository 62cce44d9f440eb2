"""Small helpers shared by the inspector's page modules (no rules: parsing and who is
asking)."""

from __future__ import annotations

from typing import Any

from litestar import Request

from inspections import rules
from safety.auth import Actor
from safety.errors import Forbidden, ValidationFailed
from safety.tables import Role


def wants_json(request: Request) -> bool:
    """The page's own script (the outbox) asks for JSON; a plain form post does not."""
    return request.headers.get("accept", "").startswith("application/json")


def is_its_inspector(actor: Actor, inspection: dict) -> bool:
    return actor.role == Role.inspector and any(
        p["id"] == actor.user_id for p in inspection.get("inspectors", [])
    )


def is_walker(actor: Actor, inspection: dict) -> bool:
    """Whether the actor walks this inspection (``rules.may_walk``): an inspector of its
    group, or for a self-inspection (企业自查) its enterprise's contact."""
    return rules.may_walk(
        actor.role.value,
        kind=inspection.get("kind", "campaign"),
        in_group=is_its_inspector(actor, inspection),
        own_enterprise=actor.role == Role.enterprise
        and inspection.get("enterprise_id") == actor.enterprise_id,
    )


def require_walker(actor: Actor, inspection: dict) -> None:
    """403 for anyone who may read the inspection but not walk it (an officer, or an
    enterprise on an inspection that is not its self-inspection)."""
    if not is_walker(actor, inspection):
        raise Forbidden("只有检查人员（企业自查时为本企业联系人）可以操作 (walkers only)")


WALKERS = (Role.inspector, Role.enterprise)


def one_file(uploads: list) -> Any:
    """The single ``file`` an outbox request carries; 400 naming ``file`` otherwise."""
    if len(uploads) != 1:
        raise ValidationFailed.field("file", "请选择一个文件 (exactly one `file`)")
    return uploads[0]
