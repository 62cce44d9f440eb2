"""The settings reach the server: bands moved by SAFETY_RISK_LEC_BANDS / SAFETY_RISK_LS_BANDS
grade a point written through the API, and SAFETY_RISK_INSPECT_MONTHS sets each colour's
frequency in the due list. And the picker presets, each on its own edge: red_orange_stale
(never inspected counts, 90 days on the day, other colours and closed enterprises left
out), open_hazards (pending, rectifying, waiting for verification — not closed or voided)
and due (exactly the due list)."""

from __future__ import annotations

import datetime as dt

from inspections.risk.rules import add_months
from inspections.tables import Hazard
from safety.settings import get_settings, local_today
from tests import factories as f
from tests.risk.test_planning import inspected
from tests.risk.test_risk_api import body, url

DUE = "/api/v1/planning/due"
PICKS = "/api/v1/planning/picks"


async def test_moved_bands_grade_points_written_through_the_api(client, monkeypatch):
    w = await f.world()
    h = f.headers(w.officer)
    monkeypatch.setattr(get_settings(), "risk_ls_bands", "red>20,orange>9,yellow>4")
    monkeypatch.setattr(get_settings(), "risk_lec_bands", "red>320,orange>=160,yellow>70")
    got = {}
    for lk, s in ((4, 5), (3, 3), (2, 2), (5, 5)):
        r = await client.post(
            url(w.enterprise),
            json=body(method="LS", likelihood=lk, severity=s, exposure=None, consequence=None,
                      control_tier="company"),
            headers=h,
        )  # fmt: skip
        assert r.status_code == 201, r.text
        got[lk * s] = (r.json()["colour"], r.json()["level"])
    assert got == {
        20: ("orange", "significant"),  # exactly on a ">" boundary: the band below
        9: ("yellow", "general"),
        4: ("blue", "low"),
        25: ("red", "major"),
    }
    r = await client.post(url(w.enterprise), json=body(likelihood=10, exposure=1, consequence=7),
                          headers=h)  # fmt: skip
    assert (r.json()["score"], r.json()["colour"]) == (70, "blue")
    monkeypatch.setattr(get_settings(), "risk_lec_bands", "red>320,orange>=160,yellow>=70")
    r = await client.post(url(w.enterprise), json=body(likelihood=1, exposure=10, consequence=7),
                          headers=h)  # fmt: skip
    assert (r.json()["score"], r.json()["colour"]) == (70, "yellow")


async def test_each_colours_frequency_comes_from_the_setting(client, monkeypatch):
    monkeypatch.setattr(
        get_settings(), "risk_inspect_months", "red=2,orange=4,yellow=5,blue=7,none=9"
    )
    w = await f.world()
    g = w.tree["grid1"]["id"]
    last = 20
    made = {}
    for colour in ("red", "orange", "yellow", "blue", None):
        e = await f.enterprise(g, risk_colour=colour)
        await inspected(e, last)
        made[colour or "none"] = e
    r = await client.get(DUE, params={"due_only": "false"}, headers=f.headers(w.officer))
    assert r.status_code == 200, r.text
    rows = {row["enterprise_id"]: row for row in r.json()["items"]}
    day = local_today() - dt.timedelta(days=last)
    months = {"red": 2, "orange": 4, "yellow": 5, "blue": 7, "none": 9}
    for key, e in made.items():
        row = rows[e["id"]]
        assert row["frequency_months"] == months[key], key
        assert row["due_on"] == add_months(day, months[key]).isoformat(), key
    # A monthly red inspected 20 days ago is due within 30 days; with 2 months it is not.
    due = await client.get(DUE, headers=f.headers(w.officer))
    assert made["red"]["id"] not in {row["enterprise_id"] for row in due.json()["items"]}


async def _picks(client, officer, preset: str) -> set[int]:
    r = await client.get(PICKS, params={"preset": preset}, headers=f.headers(officer))
    assert r.status_code == 200, r.text
    return set(r.json()["enterprise_ids"])


async def test_red_orange_stale_takes_the_never_inspected_and_the_ninetieth_day(client):
    w = await f.world()
    g = w.tree["grid2"]["id"]
    e = {
        "red_never": await f.enterprise(g, risk_colour="red"),
        "orange_never": await f.enterprise(g, risk_colour="orange"),
        "red_90": await f.enterprise(g, risk_colour="red"),
        "orange_89": await f.enterprise(g, risk_colour="orange"),
        "yellow_stale": await f.enterprise(g, risk_colour="yellow"),
        "unrated_stale": await f.enterprise(g),
        "red_closed": await f.enterprise(g, risk_colour="red", active=False),
    }
    await inspected(e["red_90"], 90)  # the product's rule: 90 days
    await inspected(e["orange_89"], 89)
    await inspected(e["yellow_stale"], 400)
    await inspected(e["unrated_stale"], 400)
    picked = await _picks(client, w.officer, "red_orange_stale")
    assert picked == {e["red_never"]["id"], e["orange_never"]["id"], e["red_90"]["id"]}
    assert not picked & await _picks(client, w.foreign_officer, "red_orange_stale")


async def test_open_hazards_are_pending_rectifying_or_waiting_for_verification(client):
    w = await f.world()
    g = w.tree["grid2"]["id"]
    by_status = {}
    for status in ("pending", "rectifying", "submitted", "closed", "voided"):
        e = await f.enterprise(g)
        await (
            Hazard(
                enterprise=e["id"],
                description=f"配电箱未接地{f.n()}",
                category="site",
                level="general",
                found_on=local_today(),
                deadline=local_today() - dt.timedelta(days=3),  # the overdue are among them
                status=status,
            )
            .save()
            .run()
        )
        by_status[status] = e["id"]
    picked = await _picks(client, w.officer, "open_hazards")
    want = {by_status[s] for s in ("pending", "rectifying", "submitted")}
    assert picked & set(by_status.values()) == want


async def test_the_due_preset_is_the_due_list(client):
    w = await f.world()
    g = w.tree["grid2"]["id"]
    overdue = await f.enterprise(g, risk_colour="red")
    await inspected(overdue, 45)
    fresh = await f.enterprise(g, risk_colour="blue")
    await inspected(fresh, 5)
    listed = await client.get(DUE, headers=f.headers(w.officer))
    due = {row["enterprise_id"] for row in listed.json()["items"]}
    assert overdue["id"] in due and fresh["id"] not in due
    assert await _picks(client, w.officer, "due") == due
