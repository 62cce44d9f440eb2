"""``safety remind``: one digest per person and day, in-app, by e-mail through a real local
SMTP server (aiosmtpd) and to a real local HTTP server standing in for the group robot;
a failing or hanging webhook is recorded and never blocks the rest."""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import socket
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from aiosmtpd.controller import Controller
from pydantic import SecretStr

from inspections.tables import Hazard
from rectification.reminders import dedupe_key, run_reminders
from rectification.tables import EvidenceSubmission, ExtensionRequest
from safety.settings import get_settings
from safety.tables import Notification, NotificationDelivery, User
from tests import factories as f

TODAY = dt.date(2031, 6, 10)  # a day of its own, so other tests' digests never collide


class Inbox:
    def __init__(self) -> None:
        self.messages: list[bytes] = []

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's name
        self.messages.append(envelope.content)
        return "250 OK"


@pytest.fixture
def smtp(monkeypatch):
    inbox = Inbox()
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    s = get_settings()
    monkeypatch.setattr(s, "smtp_host", "127.0.0.1")
    monkeypatch.setattr(s, "smtp_port", port)
    yield inbox
    controller.stop()


class Robot:
    """A local HTTP server standing in for the WeCom/DingTalk robot."""

    def __init__(self, delay: float = 0.0, status: int = 200) -> None:
        self.posts: list[dict] = []
        robot = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers["Content-Length"]))
                robot.posts.append(json.loads(body))
                time.sleep(delay)
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.end_headers()
                try:
                    self.wfile.write(b'{"errcode": 0, "errmsg": "ok"}')
                except OSError:
                    pass

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_port}/cgi-bin/webhook/send?key=secret"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def robot(monkeypatch):
    r = Robot()
    monkeypatch.setattr(get_settings(), "webhook_url", SecretStr(r.url))
    yield r
    r.close()


async def _hazard(ent: dict, *, deadline: dt.date, status: str = "pending", **kw) -> dict:
    row = Hazard(
        enterprise=ent["id"],
        description=kw.pop("description", "配电箱前堆放杂物"),
        category="site",
        level=kw.pop("level", "general"),
        found_on=deadline - dt.timedelta(days=15),
        deadline=deadline,
        effective_deadline=deadline,
        status=status,
        **kw,
    )
    await row.save().run()
    return {"id": row.id}


async def _people():
    tree = await f.org_tree()
    ent = await f.enterprise(tree["grid1"]["id"])
    contact = await f.user("enterprise", enterprise_id=ent["id"])
    officer = await f.user("officer", org_unit_id=tree["street"]["id"])
    for u, mail in ((contact, "contact@example.test"), (officer, "officer@example.test")):
        await User.update({User.email: mail}).where(User.id == u["id"]).run()
    return tree, ent, contact, officer


async def _digest(user_id: int, day: dt.date = TODAY) -> dict | None:
    return (
        await Notification.select()
        .where(Notification.dedupe_key == dedupe_key(day, user_id))
        .first()
        .run()
    )


async def test_each_person_gets_one_digest_a_day_even_when_run_twice(smtp, robot):
    day = TODAY
    _, ent, contact, officer = await _people()
    await _hazard(ent, deadline=day + dt.timedelta(days=2), description="灭火器过期")
    await _hazard(ent, deadline=day - dt.timedelta(days=3), description="疏散通道堵塞")

    first = await run_reminders(day)
    assert first.hazards_due >= 1 and first.hazards_overdue >= 1
    contact_digest = await _digest(contact["id"])
    officer_digest = await _digest(officer["id"])
    assert "即将到期" in contact_digest["body"] and "灭火器过期" in contact_digest["body"]
    assert "已逾期" in contact_digest["body"] and "疏散通道堵塞" in contact_digest["body"]
    assert "已逾期 3 天" in contact_digest["body"]
    # the officer hears of the overdue one, not of what is merely due
    assert "疏散通道堵塞" in officer_digest["body"] and "灭火器过期" not in officer_digest["body"]
    mails = [m for m in smtp.messages if b"contact@example.test" in m or b"officer@" in m]
    assert len(mails) == 2
    hooks = [p for p in robot.posts if "疏散通道堵塞" in p["text"]["content"]]
    assert len(hooks) == 2

    second = await run_reminders(day)
    assert second.digests_created == 0 and second.digests_existing >= 2
    assert second.deliveries == {"sent": 0, "failed": 0}
    assert len([m for m in smtp.messages if b"contact@example.test" in m]) == 1
    assert len([p for p in robot.posts if "疏散通道堵塞" in p["text"]["content"]]) == 2
    assert (
        await Notification.count()
        .where(Notification.dedupe_key == dedupe_key(day, contact["id"]))
        .run()
        == 1
    )


async def test_waiting_submissions_and_pending_extensions_reach_the_officer():
    day = TODAY + dt.timedelta(days=1)
    _, ent, contact, officer = await _people()
    waiting = await _hazard(
        ent, deadline=day + dt.timedelta(days=20), status="submitted", description="电线私拉乱接"
    )
    await (
        EvidenceSubmission(
            hazard=waiting["id"],
            description="已重新布线",
            completed_on=day - dt.timedelta(days=5),
            submitted_at=dt.datetime.now(dt.UTC) - dt.timedelta(days=5),
        )
        .save()
        .run()
    )
    fresh = await _hazard(
        ent, deadline=day + dt.timedelta(days=20), status="submitted", description="刚提交的"
    )
    await (
        EvidenceSubmission(hazard=fresh["id"], description="已整改", completed_on=day).save().run()
    )
    asking = await _hazard(
        ent, deadline=day + dt.timedelta(days=20), status="rectifying", description="防爆电机"
    )
    await (
        ExtensionRequest(
            hazard=asking["id"], new_deadline=day + dt.timedelta(days=40), reason="设备到货延迟"
        )
        .save()
        .run()
    )

    await run_reminders(day)
    body = (await _digest(officer["id"], day))["body"]
    assert "待验收超过" in body and "电线私拉乱接" in body and "刚提交的" not in body
    assert "待审批延期" in body and "防爆电机" in body
    assert await _digest(contact["id"], day) is None  # nothing due or overdue for them


async def test_an_approved_extension_moves_the_deadline():
    day = TODAY + dt.timedelta(days=2)
    _, ent, contact, _ = await _people()
    h = await _hazard(ent, deadline=day - dt.timedelta(days=1), status="rectifying")
    await (
        ExtensionRequest(
            hazard=h["id"],
            new_deadline=day + dt.timedelta(days=30),
            reason="停产检修",
            status="approved",
            decided_at=dt.datetime.now(dt.UTC),
        )
        .save()
        .run()
    )
    # what rectification.services.decide_extension leaves on the hazard
    await (
        Hazard.update({Hazard.effective_deadline: day + dt.timedelta(days=30)})
        .where(Hazard.id == h["id"])
        .run()
    )
    await run_reminders(day)
    assert await _digest(contact["id"], day) is None  # not overdue, not due within 3 days


async def test_a_hanging_webhook_is_recorded_and_does_not_hold_the_run(smtp, monkeypatch):
    day = TODAY + dt.timedelta(days=3)
    _, ent, contact, _ = await _people()
    await _hazard(ent, deadline=day, description="气瓶未固定")
    slow = Robot(delay=3.0)
    s = get_settings()
    monkeypatch.setattr(s, "webhook_url", SecretStr(slow.url))
    monkeypatch.setattr(s, "webhook_timeout_seconds", 0.3)
    monkeypatch.setattr(s, "webhook_retries", 1)
    try:
        started = time.perf_counter()
        report = await run_reminders(day)
        elapsed = time.perf_counter() - started
    finally:
        slow.close()
    assert report.deliveries["failed"] >= 1
    # bounded by timeout × attempts + backoff per failing message, not the server's delay
    assert elapsed < 3.0 * report.deliveries["failed"]
    digest = await _digest(contact["id"], day)
    rows = (
        await NotificationDelivery.select()
        .where(NotificationDelivery.notification == digest["id"])
        .run()
    )
    by_channel = {r["channel"]: r for r in rows}
    assert by_channel["email"]["status"] == "sent"  # the mail went out regardless
    assert by_channel["webhook"]["status"] == "failed" and by_channel["webhook"]["attempts"] == 2
    assert "Timeout" in by_channel["webhook"]["error"]
    assert "secret" not in by_channel["webhook"]["target"]  # the robot's key stays out of logs

    # the next run retries only what failed
    good = Robot()
    monkeypatch.setattr(s, "webhook_url", SecretStr(good.url))
    try:
        again = await run_reminders(day)
    finally:
        good.close()
    assert again.digests_created == 0
    assert any("气瓶未固定" in p["text"]["content"] for p in good.posts)
    assert len([m for m in smtp.messages if b"contact@example.test" in m and b"Subject" in m]) >= 1


async def test_the_cli_runs_and_reports(tmp_path):
    proc = await asyncio.create_subprocess_exec(
        *_cli(),
        "remind",
        "--day",
        "2031-07-01",
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    out, err = await proc.communicate()
    assert proc.returncode == 0, err.decode()
    assert out.decode().startswith("2031-07-01: new hazards ")
    assert ", due " in out.decode()


def _cli() -> list[str]:
    import sys
    from pathlib import Path

    return [str(Path(sys.executable).parent / "safety")]
