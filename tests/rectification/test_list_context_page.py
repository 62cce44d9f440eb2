"""The hazard list opened from a figure says which: the campaign's name, the figure and the
day, with a link back to the campaign's figures; another street's campaign is not named."""

from __future__ import annotations

from safety.settings import local_today
from tests import factories as f
from tests.inspections import factories as fi
from tests.pages import as_user


async def test_the_drill_down_list_names_the_campaign_the_figure_and_the_day(client):
    w = await f.world()
    name = f"2026年冬季安全生产大检查{f.n()}"
    campaign = await fi.campaign(w, name=name)
    h = await as_user(w.officer)
    cid = campaign["id"]
    r = await client.get(f"/hazards?figure=found&as_of=2026-12-01&campaign_id={cid}", headers=h)
    assert r.status_code == 200
    assert f"{name} · 发现隐患 · 截至 2026-12-01" in r.text
    assert f'href="/campaigns/{cid}/figures?as_of=2026-12-01"' in r.text
    # without a day: today's date, named
    r = await client.get(f"/hazards?figure=overdue&campaign_id={cid}", headers=h)
    assert f"{name} · 逾期未整改 · 截至 {local_today()}" in r.text
    # English: one language
    h_en = {**h, "Cookie": h["Cookie"] + "; lang=en"}
    r = await client.get(f"/hazards?figure=found&as_of=2026-12-01&campaign_id={cid}", headers=h_en)
    assert f"{name} · hazards found · as of 2026-12-01" in r.text
    # a plain search has no heading
    r = await client.get("/hazards?status=pending", headers=h)
    assert r.status_code == 200 and 'id="list-context"' not in r.text


async def test_it_does_not_name_another_street_s_campaign(client):
    w = await f.world()
    name = f"外街道活动{f.n()}"
    foreign = await fi.campaign(
        w, [w.foreign_enterprise["id"]], officer=w.foreign_officer,
        org_unit_id=w.foreign_tree["street"]["id"], name=name,
    )  # fmt: skip
    h = await as_user(w.officer)
    r = await client.get(f"/hazards?figure=found&campaign_id={foreign['id']}", headers=h)
    assert r.status_code == 200
    assert name not in r.text and f"检查活动 #{foreign['id']}" in r.text
