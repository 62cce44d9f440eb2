"""In-app notifications (站内消息): the JSON API and the page behind the bell. A user only
ever sees and marks their own (another's id is 404)."""

from __future__ import annotations

import datetime as dt

from litestar import Router, get, post
from litestar.di import NamedDependency
from litestar.params import FromQuery
from litestar.response import Redirect, Template
from pydantic import BaseModel

from safety import i18n
from safety.accounts.actor import ACTOR, ADMIN_ONLY
from safety.actors import Actor
from safety.notifications import service as notifications
from safety.tables import Role
from safety.web import Limit, Offset, Page, PathId, error_responses, paging

i18n.register(
    {
        "notifications.title": ("消息", "Notifications"),
        "notifications.bell": ("消息（{n} 条未读）", "Notifications ({n} unread)"),
        "notifications.all": ("全部消息", "All"),
        "notifications.unread_only": ("只看未读", "Unread only"),
        "notifications.read_all": ("全部标为已读", "Mark all read"),
        "notifications.none": ("暂无消息", "No notifications"),
        "deliveries.title": ("消息投递失败记录", "Failed deliveries"),
        "deliveries.none": ("没有投递失败", "No failed deliveries"),
        "deliveries.at": ("时间", "When"),
        "deliveries.channel": ("渠道", "Channel"),
        "deliveries.to": ("接收方", "To"),
        "deliveries.message": ("消息", "Message"),
        "deliveries.attempts": ("尝试次数", "Attempts"),
        "deliveries.error": ("错误", "Error"),
    }
)


class NotificationOut(BaseModel):
    id: int
    kind: str
    title: str
    body: str
    link: str
    object_type: str
    object_id: int | None
    created_at: dt.datetime
    read: bool
    read_at: dt.datetime | None


@get(
    "/",
    summary="My notifications, newest first (?unread=true for the unread ones)",
    responses=error_responses(400, 401),
)
async def list_notifications(
    actor: NamedDependency[Actor],
    unread: FromQuery[bool] = False,
    limit: Limit = None,
    offset: Offset = None,
) -> Page[NotificationOut]:
    lim, off = paging(limit, offset)
    page = await notifications.list_notifications(
        actor.user_id, unread=unread, limit=lim, offset=off
    )
    return Page[NotificationOut](
        items=[NotificationOut(**n) for n in page["items"]], total=page["total"]
    )


@post(
    "/{notification_id:int}/read",
    summary="Mark one of my notifications read",
    status_code=200,
    responses=error_responses(401, 404),
)
async def read_notification(
    actor: NamedDependency[Actor], notification_id: PathId
) -> NotificationOut:
    return NotificationOut(**await notifications.mark_read(actor.user_id, notification_id))


# ---------------------------------------------------------------- pages


@get("/")
async def notifications_page(
    actor: NamedDependency[Actor], unread: FromQuery[bool] = False
) -> Template:
    page = await notifications.list_notifications(actor.user_id, unread=unread, limit=100)
    return Template(
        "notifications/list.html", context={"notices": page["items"], "unread_only": unread}
    )


@post("/{notification_id:int}/read")
async def notification_open(actor: NamedDependency[Actor], notification_id: PathId) -> Redirect:
    """Mark read and go to what it is about (a local path only)."""
    row = await notifications.mark_read(actor.user_id, notification_id)
    link = row["link"]
    local = link.startswith("/") and not link.startswith("//")
    return Redirect(link if local else "/notifications", status_code=303)


@post("/read-all")
async def notifications_read_all(actor: NamedDependency[Actor]) -> Redirect:
    await notifications.mark_all_read(actor.user_id)
    return Redirect("/notifications", status_code=303)


@get("/")
async def deliveries_page(actor: NamedDependency[Actor]) -> Template:
    """Failed e-mail and webhook deliveries (admins): what did not reach people, and why."""
    actor.require(Role.admin)
    return Template(
        "notifications/deliveries.html", context={"notices": await notifications.recent_failures()}
    )


api_router = Router(
    path="/api/v1/notifications",
    tags=["notifications"],
    dependencies=ACTOR,
    route_handlers=[list_notifications, read_notification],
)
page_router = Router(
    path="/notifications",
    include_in_schema=False,
    dependencies=ACTOR,
    route_handlers=[notifications_page, notification_open, notifications_read_all],
)
deliveries_router = Router(
    path="/admin/deliveries",
    include_in_schema=False,
    dependencies=ACTOR,
    guards=[ADMIN_ONLY],
    route_handlers=[deliveries_page],
)
ROUTERS = [deliveries_router, api_router, page_router]
