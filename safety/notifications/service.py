"""Notifications (站内消息 and beyond): in-app rows every domain writes, and delivery of a
digest by e-mail (SMTP) and to a group-robot webhook (WeCom/DingTalk-style JSON).

- ``notify`` is called by a service inside its write transaction, so a state change and
  the notice of it land together. It never sends anything itself.
- ``deliver`` runs after the commit (``safety remind`` calls it): each channel is tried
  with a timeout and a few retries; the outcome of each is a ``NotificationDelivery`` row,
  so a failing webhook is logged, visible to admins (/admin/deliveries), retried by the
  next run, and never blocks the other channels or the other people.

Channels are configured in settings (``SAFETY_SMTP_*``, ``SAFETY_WEBHOOK_*``); without them
only the in-app bell is used.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
import smtplib
import ssl
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass
from email.message import EmailMessage
from typing import Any

import anyio.to_thread
import httpx
from piccolo.custom_types import Combinable

from safety.errors import NotFound
from safety.settings import get_settings
from safety.tables import Notification, NotificationDelivery

log = logging.getLogger(__name__)

DELIVERY_CONCURRENCY = 8


INSERT_CHUNK = 500  # rows per INSERT statement (11 columns: well under SQLite's 32766 variables)


@dataclass(frozen=True)
class Message:
    """One notification to several people (``notify_each`` writes many in one go)."""

    user_ids: tuple[int, ...]
    kind: str
    title: str
    body: str = ""
    link: str = ""
    object_type: str = ""
    object_id: int | None = None
    dedupe_key: str | None = None


async def notify(
    user_ids: Iterable[int],
    *,
    kind: str,
    title: str,
    body: str = "",
    link: str = "",
    object_type: str = "",
    object_id: int | None = None,
    dedupe_key: str | None = None,
) -> list[int]:
    """One in-app notification per user (duplicates in ``user_ids`` collapse). Call inside
    the use case's transaction. Returns the new rows' ids."""
    message = Message(tuple(user_ids), kind, title, body, link, object_type, object_id, dedupe_key)
    return await notify_each([message])


async def notify_each(messages: Iterable[Message]) -> list[int]:
    """Several messages (one per hazard of a submitted inspection, say) in one INSERT per
    ``INSERT_CHUNK`` rows, whatever the number of messages and people: the same rows as
    ``notify`` called for each. Call inside the use case's transaction."""
    rows = [
        Notification(
            user=uid,
            kind=m.kind,
            title=m.title[:200],
            body=m.body,
            link=m.link[:255],
            object_type=m.object_type,
            object_id=m.object_id,
            dedupe_key=m.dedupe_key,
        )
        for m in messages
        for uid in dict.fromkeys(m.user_ids)
    ]
    ids: list[int] = []
    for start in range(0, len(rows), INSERT_CHUNK):
        done = (
            await Notification.insert(*rows[start : start + INSERT_CHUNK])
            .returning(Notification.id)
            .run()
        )
        ids.extend(r["id"] for r in done)
    return ids


def _out(row: dict[str, Any]) -> dict[str, Any]:
    return {
        "id": row["id"],
        "kind": row["kind"],
        "title": row["title"],
        "body": row["body"],
        "link": row["link"],
        "object_type": row["object_type"],
        "object_id": row["object_id"],
        "created_at": row["created_at"],
        "read": row["read_at"] is not None,
        "read_at": row["read_at"],
    }


async def list_notifications(
    user_id: int, *, unread: bool = False, limit: int = 50, offset: int = 0
) -> dict[str, Any]:
    """The user's own notifications, newest first."""
    where: Combinable = Notification.user == user_id
    if unread:
        where &= Notification.read_at.is_null()
    rows = (
        await Notification.select()
        .where(where)
        .order_by(Notification.id, ascending=False)
        .limit(limit)
        .offset(offset)
        .run()
    )
    total = await Notification.count().where(where).run()
    return {"items": [_out(r) for r in rows], "total": total}


async def mark_read(user_id: int, notification_id: int) -> dict[str, Any]:
    """Mark one of one's own notifications read (idempotent); another's is 404."""
    row = (
        await Notification.select()
        .where((Notification.id == notification_id) & (Notification.user == user_id))
        .first()
        .run()
    )
    if row is None:
        raise NotFound("没有这条消息")
    if row["read_at"] is None:
        now = dt.datetime.now(dt.UTC)
        await (
            Notification.update({Notification.read_at: now})
            .where(Notification.id == notification_id)
            .run()
        )
        row["read_at"] = now
    return _out(row)


async def mark_all_read(user_id: int) -> int:
    where = (Notification.user == user_id) & Notification.read_at.is_null()
    count = await Notification.count().where(where).run()
    await Notification.update({Notification.read_at: dt.datetime.now(dt.UTC)}).where(where).run()
    return count


# ---------------------------------------------------------------- delivery


def smtp_tls_context() -> ssl.SSLContext:
    """Certificate and host name verified (Python's defaults), against the system's CAs
    or only those of ``SAFETY_SMTP_CA_FILE``."""
    return ssl.create_default_context(cafile=get_settings().smtp_ca_file or None)


def _send_mail_sync(to: str, subject: str, body: str) -> None:
    s = get_settings()
    msg = EmailMessage()
    msg["From"] = s.smtp_from
    msg["To"] = to
    msg["Subject"] = subject
    msg.set_content(body)
    mode, port, timeout = s.smtp_mode, s.smtp_resolved_port, s.smtp_timeout_seconds
    smtp = (
        smtplib.SMTP_SSL(s.smtp_host, port, timeout=timeout, context=smtp_tls_context())
        if mode == "tls"
        else smtplib.SMTP(s.smtp_host, port, timeout=timeout)
    )
    with smtp:
        if mode == "starttls":
            smtp.starttls(context=smtp_tls_context())
        if s.smtp_user:
            smtp.login(s.smtp_user, s.smtp_password.get_secret_value())
        smtp.send_message(msg)


def webhook_payload(title: str, body: str, mobile: str | None) -> dict[str, Any]:
    """WeCom group-robot ``text`` message (DingTalk accepts the same ``msgtype``/``text``
    shape); the person is @-mentioned by mobile where known."""
    payload: dict[str, Any] = {"msgtype": "text", "text": {"content": f"{title}\n{body}"}}
    if mobile:
        payload["text"]["mentioned_mobile_list"] = [mobile]
        payload["at"] = {"atMobiles": [mobile]}  # DingTalk's spelling
    return payload


async def _post_webhook(client: httpx.AsyncClient, payload: dict[str, Any]) -> None:
    s = get_settings()
    response = await client.post(
        s.webhook_url.get_secret_value(), json=payload, timeout=s.webhook_timeout_seconds
    )
    response.raise_for_status()
    # WeCom and DingTalk answer 200 with {"errcode": N} on a refused message.
    try:
        errcode = response.json().get("errcode", 0)
    except ValueError:
        errcode = 0
    if errcode:
        raise RuntimeError(f"webhook refused the message: {response.text[:200]}")


async def _with_retries(attempt: Callable[[], Awaitable[None]], retries: int) -> tuple[int, str]:
    """Run ``attempt`` up to 1 + ``retries`` times (0.5 s, 1 s … between); returns
    (attempts made, last error or "")."""
    error = ""
    for n in range(1, retries + 2):
        try:
            await attempt()
            return n, ""
        except Exception as exc:  # noqa: BLE001 - every failure is recorded, none raised
            error = f"{type(exc).__name__}: {exc}"[:1000]
            if n <= retries:
                await asyncio.sleep(0.5 * 2 ** (n - 1))
    return retries + 1, error


async def deliver(notification_ids: Iterable[int]) -> dict[str, int]:
    """Send these notifications by e-mail (to the user's ``email`` where set) and to the
    webhook, where configured, skipping a channel already ``sent`` for a notification.
    Each outcome is a ``NotificationDelivery`` row. Returns counts by outcome."""
    s = get_settings()
    ids = list(notification_ids)
    counts = {"sent": 0, "failed": 0}
    if not ids or not (s.smtp_host or s.webhook_url.get_secret_value()):
        return counts
    rows = (
        await Notification.select(
            Notification.id,
            Notification.title,
            Notification.body,
            Notification.user.email,
            Notification.user.phone,
        )
        .where(Notification.id.is_in(ids))
        .run()
    )
    sent = {
        (d["notification"], d["channel"])
        for d in await NotificationDelivery.select(
            NotificationDelivery.notification, NotificationDelivery.channel
        )
        .where(
            NotificationDelivery.notification.is_in(ids) & (NotificationDelivery.status == "sent")
        )
        .run()
    }
    results: list[NotificationDelivery] = []
    # A few deliveries at a time: a slow robot or mail server costs its timeout once per
    # wave, not once per person.
    gate = asyncio.Semaphore(DELIVERY_CONCURRENCY)

    async def attempt(
        nid: int, channel: str, target: str, send: Callable[[], Awaitable[None]], retries: int
    ) -> None:
        async with gate:
            attempts, error = await _with_retries(send, retries)
        results.append(_delivery(nid, channel, target, attempts, error))

    jobs = []
    async with httpx.AsyncClient() as client:
        for row in rows:
            nid, title, body = row["id"], row["title"], row["body"]
            email, mobile = row["user.email"], row["user.phone"]
            if s.smtp_host and email and (nid, "email") not in sent:

                async def mail(email: str = email, title: str = title, body: str = body) -> None:
                    await anyio.to_thread.run_sync(_send_mail_sync, email, title, body)

                jobs.append(attempt(nid, "email", email, mail, s.smtp_retries))
            if s.webhook_url.get_secret_value() and (nid, "webhook") not in sent:

                async def hook(
                    title: str = title, body: str = body, mobile: str | None = mobile
                ) -> None:
                    await _post_webhook(client, webhook_payload(title, body, mobile))

                jobs.append(
                    attempt(
                        nid,
                        "webhook",
                        _host(s.webhook_url.get_secret_value()),
                        hook,
                        s.webhook_retries,
                    )
                )
        await asyncio.gather(*jobs)
    if results:
        await NotificationDelivery.insert(*results).run()
    for r in results:
        counts[r.status] += 1
        if r.status == "failed":
            log.warning("delivery failed: %s to %s: %s", r.channel, r.target, r.error)
    return counts


def _host(url: str) -> str:
    """The webhook's host only: its URL carries the robot's key, which is a secret."""
    return httpx.URL(url).host


def _delivery(
    nid: int, channel: str, target: str, attempts: int, error: str
) -> NotificationDelivery:
    return NotificationDelivery(
        notification=nid,
        channel=channel,
        target=target[:255],
        status="failed" if error else "sent",
        attempts=attempts,
        error=error,
    )


async def recent_failures(limit: int = 100) -> list[dict[str, Any]]:
    """Failed deliveries, newest first, for the admins' page."""
    return (
        await NotificationDelivery.select(
            *NotificationDelivery.all_columns(),
            NotificationDelivery.notification.title,
            NotificationDelivery.notification.user.username,
        )
        .where(NotificationDelivery.status == "failed")
        .order_by(NotificationDelivery.id, ascending=False)
        .limit(limit)
        .run()
    )
