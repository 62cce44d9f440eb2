"""Overdue turns at midnight in Asia/Shanghai, not at the server's (UTC) midnight: a
hazard due on 15 March is not overdue at 23:59 Shanghai (15:59 UTC) and is at 00:01 on
16 March (16:01 UTC of the 15th), in the rules and in what the API answers."""

from __future__ import annotations

import datetime as dt

import pytest

from inspections.services import hazards as hazard_service
from rectification import rules
from safety.settings import get_settings, local_today
from tests import factories as f
from tests.rectification.test_rectification_api import _open_hazard

BEFORE = dt.datetime(2026, 3, 15, 15, 59, tzinfo=dt.UTC)  # 23:59 in Shanghai
AFTER = dt.datetime(2026, 3, 15, 16, 1, tzinfo=dt.UTC)  # 00:01 on the 16th in Shanghai


@pytest.fixture(autouse=True)
def shanghai(monkeypatch):
    monkeypatch.setattr(get_settings(), "timezone", "Asia/Shanghai")


def test_the_day_turns_at_shanghai_midnight():
    assert local_today(BEFORE) == dt.date(2026, 3, 15)
    assert local_today(AFTER) == dt.date(2026, 3, 16)
    due = dt.date(2026, 3, 15)
    assert not rules.is_overdue("pending", due, local_today(BEFORE))
    assert rules.is_overdue("pending", due, local_today(AFTER))


def _around_midnight(day: dt.date, after: bool) -> dt.datetime:
    """16:00 UTC on ``day`` is midnight in Shanghai: a minute before or after it."""
    return dt.datetime.combine(day, dt.time(16), tzinfo=dt.UTC) + dt.timedelta(
        minutes=1 if after else -1
    )


@pytest.mark.parametrize("after", [False, True])
async def test_the_api_says_overdue_from_shanghai_midnight(client, monkeypatch, after):
    w = await f.world()
    h = await _open_hazard(w)
    deadline = dt.date.fromisoformat(str(h["effective_deadline"]))
    instant = _around_midnight(deadline, after)
    monkeypatch.setattr(hazard_service, "local_today", lambda: local_today(instant))
    r = await client.get(f"/api/v1/hazards/{h['id']}", headers=f.headers(w.officer))
    assert r.status_code == 200 and r.json()["overdue"] is after
    listed = await client.get(
        "/api/v1/hazards",
        params={"overdue": "true", "enterprise_id": w.enterprise["id"]},
        headers=f.headers(w.officer),
    )
    assert (h["id"] in [x["id"] for x in listed.json()["items"]]) is after
