"""The CSRF token is rotated at login and at logout: a token the browser held before no
longer validates afterwards (finding 9)."""

from __future__ import annotations

from safety.accounts.sessions import SESSION_COOKIE
from safety.security import CSRF_COOKIE
from tests import factories as f
from tests.pages import csrf_token


def _cookies(**values: str) -> dict[str, str]:
    return {"Cookie": "; ".join(f"{k}={v}" for k, v in values.items())}


async def test_the_token_from_before_login_no_longer_validates_after(client):
    u = await f.user("officer", org_unit_id=(await f.org_tree())["street"]["id"])
    client.cookies.clear()
    before = csrf_token()
    r = await client.post(
        "/login",
        data={
            "username": u["username"],
            "password": f.PASSWORD,
            "next": "/",
            "_csrf_token": before,
        },
        headers=_cookies(**{CSRF_COOKIE: before}),
        follow_redirects=False,
    )
    assert r.status_code == 303
    after = r.cookies[CSRF_COOKIE]
    session = r.cookies[SESSION_COOKIE]
    assert after and after != before

    # The browser now holds the new cookie: the old token in a form is refused...
    stale = await client.post(
        "/profile/totp",
        data={"_csrf_token": before},
        headers=_cookies(**{SESSION_COOKIE: session, CSRF_COOKIE: after}),
        follow_redirects=False,
    )
    assert stale.status_code == 403
    # ...and the new one works.
    fresh = await client.post(
        "/profile/totp",
        data={"_csrf_token": after},
        headers=_cookies(**{SESSION_COOKIE: session, CSRF_COOKIE: after}),
        follow_redirects=False,
    )
    assert fresh.status_code == 303

    r = await client.post(
        "/logout",
        data={"_csrf_token": after},
        headers=_cookies(**{SESSION_COOKIE: session, CSRF_COOKIE: after}),
        follow_redirects=False,
    )
    assert r.status_code == 303
    rotated = r.cookies[CSRF_COOKIE]
    assert rotated not in (before, after)
    r = await client.post(
        "/login",
        data={"username": u["username"], "password": f.PASSWORD, "_csrf_token": after},
        headers=_cookies(**{CSRF_COOKIE: rotated}),
        follow_redirects=False,
    )
    assert r.status_code == 403
