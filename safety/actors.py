"""Who is acting: the signed-in user as every service sees them (``Actor``), the system
itself (``SYSTEM``: the demo, the CLI, the reminders), and the Actor of a user row.

The lowest floor of the kernel: every service takes an Actor first, so the type lives
below the rooms that use it (accounts signs users in and makes Actors; it does not own the
type every domain passes around).
"""

from __future__ import annotations

from dataclasses import dataclass

from safety.errors import Forbidden
from safety.tables import Role


@dataclass(frozen=True)
class Actor:
    """The acting user, as services see them."""

    user_id: int
    username: str
    role: Role
    display_name: str = ""
    enterprise_id: int | None = None
    org_unit_id: int | None = None
    agency_id: int | None = None
    ip: str | None = None

    def require(self, *roles: Role) -> None:
        """403 unless the actor has one of ``roles`` (the action is never theirs)."""
        if self.role not in roles:
            raise Forbidden("您的角色无权执行此操作")


SYSTEM = Actor(user_id=0, username="system", role=Role.admin)


def actor_from_user(user: dict, ip: str | None = None) -> Actor:
    return Actor(
        user_id=user["id"],
        username=user["username"],
        role=Role(user["role"]),
        display_name=user.get("display_name") or "",
        enterprise_id=user.get("enterprise"),
        org_unit_id=user.get("org_unit"),
        agency_id=user.get("agency"),
        ip=ip,
    )
