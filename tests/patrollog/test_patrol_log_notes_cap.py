"""A day's patrol log (网格日志) grows by merges, within a cap: an entry that would pass
``DAY_NOTES_MAX`` is a 400 naming ``notes`` that changes nothing, and each merge's audit
event records what the entry added, never the whole notes again (issue 20, point 7)."""

from __future__ import annotations

import json

from inspections.patrol.log_rules import DAY_NOTES_MAX, NOTES_MAX
from inspections.patrol.log_tables import PatrolLog
from safety.settings import local_today
from safety.tables import AuditEvent
from tests import factories as f

API = "/api/v1/patrol-logs"


def _body(grid: int, notes: str) -> dict:
    return {
        "org_unit_id": grid,
        "date": local_today().isoformat(),
        "visited_enterprise_ids": [],
        "notes": notes,
    }


async def test_merges_stop_at_the_day_cap_with_a_400_naming_notes(client):
    w = await f.world()
    grid = w.tree["grid1"]["id"]
    auth = f.headers(w.grid_worker)
    entry = "巡" * (NOTES_MAX - 10)
    fitting = DAY_NOTES_MAX // (NOTES_MAX - 10 + 1)
    for i in range(fitting):
        r = await client.post(API, json=_body(grid, f"{i:02d}{entry}"), headers=auth)
        assert r.status_code in (200, 201), r.text
    before = await PatrolLog.select().where(PatrolLog.worker == w.grid_worker["id"]).first().run()
    r = await client.post(API, json=_body(grid, f"xx{entry}"), headers=auth)
    assert r.status_code == 400, r.text
    assert [e["key"] for e in r.json()["extra"]] == ["notes"]
    assert str(DAY_NOTES_MAX) in r.json()["extra"][0]["message"]
    after = await PatrolLog.select().where(PatrolLog.id == before["id"]).first().run()
    assert after == before
    # a retry of an entry already in the log adds nothing and is still accepted
    r = await client.post(API, json=_body(grid, f"00{entry}"), headers=auth)
    assert r.status_code == 200, r.text
    assert len(r.json()["notes"]) <= DAY_NOTES_MAX


async def test_a_merge_audits_only_what_it_added(client):
    w = await f.world()
    grid = w.tree["grid1"]["id"]
    auth = f.headers(w.grid_worker)
    for i in range(40):
        r = await client.post(API, json=_body(grid, f"第{i}轮：" + "查" * 100), headers=auth)
        assert r.status_code in (200, 201), r.text
    log = await PatrolLog.select().where(PatrolLog.worker == w.grid_worker["id"]).first().run()
    assert len(log["notes"]) > 4000
    events = (
        await AuditEvent.select(AuditEvent.before, AuditEvent.after)
        .where(AuditEvent.object_type == "patrol_log", AuditEvent.object_id == log["id"])
        .order_by(AuditEvent.id)
        .run()
    )
    assert len(events) == 40
    last = events[-1]
    after = last["after"] if isinstance(last["after"], dict) else json.loads(last["after"])
    assert after["added_notes"] == "第39轮：" + "查" * 100
    # 40 entries of ~105 characters: the events hold each entry once, not the square
    total = sum(len(str(e["before"])) + len(str(e["after"])) for e in events)
    assert total < 40 * 400, total
