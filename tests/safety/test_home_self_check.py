"""The enterprise home's 自查 tile (rectification.home): when the next self-inspection is
due (SAFETY_SELF_INSPECT_DAYS after the last submitted one's day, or now when there is
none), and one tap to start one or to continue the one in progress."""

from __future__ import annotations

import datetime as dt
import re

from inspections.tables import Inspection
from safety.settings import get_settings, local_today
from tests import factories as f
from tests.inspections import walkdata
from tests.pages import as_user


async def _self(w, state: str, days_ago: int) -> int:
    day = local_today() - dt.timedelta(days=days_ago)
    made = await walkdata.inspection(w, state=state, scheduled_on=day)
    await (
        Inspection.update({Inspection.kind: "self", Inspection.campaign: None})
        .where(Inspection.id == made["id"])
        .run()
    )
    return made["id"]


async def _tile(client, user: dict) -> dict:
    r = await client.get("/", headers=await as_user(user))
    assert r.status_code == 200, r.text
    found = re.search(
        r'<a class="q-tile q-state([^"]*)" href="([^"]+)" id="tile-self_due">\s*'
        r'<span class="q-text">(.*?)</span>\s*<span class="q-label">([^<]+)</span>',
        r.text,
    )
    assert found, r.text
    tone, href, text, label = found.groups()
    # the day sits in a span of its own (it never breaks inside)
    text = re.sub(r'<span class="date">([^<]+)</span>', r"\1", text)
    return {"due": "is-bad" in tone, "href": href, "text": text, "label": label}


async def test_an_enterprise_that_never_self_inspected_is_asked_to_start(client):
    w = await f.world()
    tile = await _tile(client, w.enterprise_user)
    assert tile == {
        "due": True,
        "href": "/self-inspections#start",
        "text": "尚未自查，请开始自查",
        "label": "开始自查",
    }
    start = await client.get("/self-inspections", headers=await as_user(w.enterprise_user))
    assert start.status_code == 200 and 'id="start"' in start.text


async def test_the_tile_names_the_next_day_then_the_days_overdue(client, monkeypatch):
    w = await f.world()
    await _self(w, "submitted", 40)
    assert get_settings().self_inspect_days == 30
    tile = await _tile(client, w.enterprise_user)
    assert tile["due"] and tile["text"] == "自查已到期 10 天"
    monkeypatch.setattr(get_settings(), "self_inspect_days", 60)
    tile = await _tile(client, w.enterprise_user)
    next_on = local_today() - dt.timedelta(days=40) + dt.timedelta(days=60)
    assert not tile["due"] and tile["text"] == f"下次自查 {next_on.isoformat()}"
    monkeypatch.setattr(get_settings(), "self_inspect_days", 30)
    # a newer submitted one counts; planned, in-progress and cancelled ones do not
    await _self(w, "submitted", 5)
    await _self(w, "cancelled", 0)
    tile = await _tile(client, w.enterprise_user)
    next_on = local_today() + dt.timedelta(days=25)
    assert not tile["due"] and tile["text"] == f"下次自查 {next_on.isoformat()}"
    assert tile["href"] == "/self-inspections#start"


async def test_the_tile_opens_the_self_inspection_in_progress(client):
    w = await f.world()
    await _self(w, "submitted", 31)
    going = await _self(w, "in_progress", 0)
    tile = await _tile(client, w.enterprise_user)
    assert tile["due"] and tile["text"] == "自查已到期 1 天"
    assert tile["href"] == f"/inspections/{going}" and tile["label"] == "继续进行中的自查"
    walk = await client.get(tile["href"], headers=await as_user(w.enterprise_user))
    assert walk.status_code == 200
    # another enterprise's self-inspections do not count for this one
    other = await _tile(client, w.foreign_enterprise_user)
    assert other["text"] == "尚未自查，请开始自查"
