"""Every route of the accounts room, for ``safety.app``: signing in (open to everybody),
the second login steps, the caller's own profile and second factor, and the admin's
second-factor reset."""

from safety.accounts import login, login_steps, profile, totp_api

ROUTERS = [
    login.token_router,
    login.open_pages,
    login_steps.router,
    login.me_router,
    totp_api.router,
    totp_api.admin_router,
    profile.router,
    profile.admin_router,
]
