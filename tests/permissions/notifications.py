"""Rules for notifications: the bell's API and pages (own notifications only), and the
admins' page of failed deliveries."""

from __future__ import annotations

from safety.notifications.service import notify
from tests.permissions import LOGIN, Req, Spec
from tests.permissions.kernel import ADMIN_ONLY, EVERYONE, fixed


async def _someone_elses(w, target):
    """A notification of a user who is none of the callers: 404 for everyone."""
    [nid] = await notify([w.foreign_officer["id"]], kind="test", title="别人的消息")
    return nid


async def _read_api(w, target):
    return Req("POST", f"/api/v1/notifications/{await _someone_elses(w, target)}/read")


async def _read_page(w, target):
    return Req("POST", f"/notifications/{await _someone_elses(w, target)}/read", form={})


NOT_YOURS = {r: {"foreign": 404} for r in EVERYONE}

SPECS = {
    ("GET", "/api/v1/notifications"): Spec(fixed("GET", "/api/v1/notifications"), EVERYONE),
    ("POST", "/api/v1/notifications/{notification_id:int}/read"): Spec(
        _read_api, NOT_YOURS, targets=("foreign",), anonymous={"foreign": 401}
    ),
    ("GET", "/notifications"): Spec(fixed("GET", "/notifications"), EVERYONE, anonymous=LOGIN),
    ("POST", "/notifications/{notification_id:int}/read"): Spec(
        _read_page, NOT_YOURS, targets=("foreign",), anonymous={"foreign": LOGIN}
    ),
    ("POST", "/notifications/read-all"): Spec(
        fixed("POST", "/notifications/read-all", form={}),
        {r: 303 for r in EVERYONE},
        anonymous=LOGIN,
    ),
    ("GET", "/admin/deliveries"): Spec(
        fixed("GET", "/admin/deliveries"), ADMIN_ONLY, anonymous=LOGIN
    ),
}
