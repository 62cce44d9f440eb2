"""Whether a user's role needs a second factor they have not enrolled (两步验证).

The lowest floor of sign-in: the token check (``auth``), the session check (``sessions``)
and enrolment (``twofactor``) all ask it, and it asks only the settings and the tables.
"""

from __future__ import annotations

from safety.settings import get_settings
from safety.tables import Role, UserTotp


def required_for(role: Role | str) -> bool:
    value = role.value if isinstance(role, Role) else str(role)
    return value in get_settings().totp_required_role_set


async def is_enrolled(user_id: int) -> bool:
    return bool(
        await UserTotp.exists()
        .where((UserTotp.user == user_id) & UserTotp.secret.is_not_null())
        .run()
    )


async def blocks(user: dict) -> bool:
    """True when the user's role requires a second factor they have not enrolled."""
    return required_for(user["role"]) and not await is_enrolled(user["id"])
