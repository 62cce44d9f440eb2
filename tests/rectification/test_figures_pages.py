"""The officer's figures pages on the engine under test, over a campaign with six weeks of
back-dated history (tests/rectification/figures_seed.py): every number on the campaign's
figures page links to a list whose count is that number (today and a past day, every
grouping, the community chart's bars too); the chart series add up to the figures; the
breakdown sorts on the server; bad input is a 400 naming the field; the dashboard shows
the campaigns running today."""

from __future__ import annotations

import datetime as dt
import html
import re

from rectification.figures import series
from rectification.figures.definitions import GROUPS
from rectification.figures.service import campaign_stats, group_label
from safety.actors import SYSTEM
from safety.orgs import OrgUnitIn, create_org_unit
from safety.settings import local_today
from tests import factories as f
from tests.inspections import factories as fi
from tests.pages import as_user
from tests.rectification.figures_seed import seed_campaign

_SEEDED: dict = {}
NUMBER = re.compile(r'<a class="fig-num[^"]*" href="([^"]+)">(\d+)</a>')
BAR = re.compile(r'<a href="([^"]+)"><g class="row"><title>[^<]*: (\d+)/(\d+)</title>')


async def seeded() -> dict:
    """One World and its seeded campaign, made once for the module (rows are never wiped;
    each test reads, none writes)."""
    if not _SEEDED:
        w = await f.world()
        street = w.tree["street"]["id"]
        grids = [w.tree["grid1"]["id"], w.tree["grid2"]["id"]]
        for k in range(2):
            community = await create_org_unit(
                SYSTEM, OrgUnitIn(name=f"第{k + 2}社区{f.n()}", kind="community", parent_id=street)
            )
            grid = await create_org_unit(
                SYSTEM,
                OrgUnitIn(name=f"网格{f.n()}", kind="grid", parent_id=community["id"]),
            )
            grids.append(grid["id"])
        ents = [await f.enterprise(grids[i % len(grids)], industry="CGF"[i % 3]) for i in range(14)]
        tpl = await fi.checklist()
        made = await seed_campaign(
            officer=w.officer,
            street_id=street,
            agency_id=w.agency["id"],
            inspector_ids=[w.inspector["id"]],
            enterprise_ids=[e["id"] for e in ents],
            checklist_id=tpl["id"],
        )
        _SEEDED.update(w=w, campaign=made["campaign"])
    return _SEEDED


def _total(page: str) -> int:
    """The count a list page states: the hazard list's "共 N 条", the enterprise list's
    data-total."""
    m = re.search(r'data-total="(\d+)"', page) or re.search(r"共 (\d+) 条", page)
    assert m, page[:2000]
    return int(m.group(1))


async def test_every_number_on_the_figures_page_opens_a_list_of_that_many_records(client):
    s = await seeded()
    officer = await as_user(s["w"].officer)
    today = local_today()
    past = today - dt.timedelta(days=20)
    checked: dict[str, int] = {}
    pages = [(today, g) for g in GROUPS] + [(past, "community"), (past, "batch")]
    nonzero = 0
    for day, group_by in pages:
        url = f"/campaigns/{s['campaign']}/figures?as_of={day}&group_by={group_by}"
        r = await client.get(url, headers=officer)
        assert r.status_code == 200, r.text
        links = [(html.unescape(h), int(n)) for h, n in NUMBER.findall(r.text)]
        links += [(html.unescape(h), int(found)) for h, _, found in BAR.findall(r.text)]
        assert len(links) > 20, url
        for href, number in links:
            assert f"as_of={day}" in href, href
            if href in checked:
                assert checked[href] == number, href
                continue
            listed = await client.get(href, headers=officer)
            assert listed.status_code == 200, (href, listed.text[:500])
            checked[href] = _total(listed.text)
            assert checked[href] == number, (url, href)
            nonzero += number > 0
    assert nonzero > 30  # the comparison is not 0 == 0 everywhere


async def test_a_past_day_shows_the_figures_as_they_stood_then(client):
    s = await seeded()
    officer = await as_user(s["w"].officer)
    actor = f.actor(s["w"].officer)
    today = local_today()
    before = await campaign_stats(actor, s["campaign"], today - dt.timedelta(days=20))
    now = await campaign_stats(actor, s["campaign"], today)
    assert before["hazards_found"] < now["hazards_found"]
    assert before["hazards_closed"] < now["hazards_closed"]
    assert before["enterprises_inspected"] < now["enterprises_inspected"]
    r = await client.get(
        f"/campaigns/{s['campaign']}/figures?as_of={today - dt.timedelta(days=20)}",
        headers=officer,
    )
    tile = re.search(r'data-figure="hazards_found">.*?>(\d+)</a>', r.text, re.S)
    assert tile and int(tile.group(1)) == before["hazards_found"]


async def test_the_chart_series_add_up_to_the_figures():
    s = await seeded()
    actor = f.actor(s["w"].officer)
    today = local_today()
    for day in (today, today - dt.timedelta(days=20), today - dt.timedelta(days=38)):
        stats = await campaign_stats(actor, s["campaign"], day)
        weeks = await series.campaign_weekly(actor, s["campaign"], day)
        subs = await series.campaign_by_subcategory(actor, s["campaign"], day)
        places = await series.campaign_by_community(actor, s["campaign"], day)
        for rows in (weeks, subs, places):
            assert sum(x.found for x in rows) == stats["hazards_found"], day
            assert sum(x.closed for x in rows) == stats["hazards_closed"], day
        assert all(w.monday.weekday() == 0 for w in weeks)
        assert weeks[-1].monday <= day < weeks[-1].monday + dt.timedelta(days=7)
        assert [x.label for x in subs] == sorted(
            (x.label for x in subs), key=series.SUBCATEGORIES.index
        )
    assert stats["hazards_found"] > 0  # the first day of findings is in the past


def _rows(page: str) -> list[list[str]]:
    """The breakdown table's body as cell texts (the row's label first)."""
    body = page.split("<tbody>")[1].split("</tbody>")[0]
    return [
        [
            re.sub(r"<[^>]+>", "", c).strip()
            for c in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", tr, re.S)
        ]
        for tr in body.split("<tr>")[1:]
    ]


async def test_the_breakdown_sorts_on_the_server(client):
    s = await seeded()
    officer = await as_user(s["w"].officer)
    base = f"/campaigns/{s['campaign']}/figures?group_by=community"
    r = await client.get(base + "&sort=hazards_found&dir=desc", headers=officer)
    found = [int(row[4]) for row in _rows(r.text)]
    assert len(found) >= 3 and found == sorted(found, reverse=True)
    assert 'aria-sort="descending"' in r.text
    # The header link flips the direction.
    assert "sort=hazards_found&amp;dir=asc" in r.text
    r = await client.get(base + "&sort=on_time_rate&dir=asc", headers=officer)
    rates = [row[-1] for row in _rows(r.text)]
    shown = [c for c in rates if c != "—"]
    assert [float(c.rstrip("%")) for c in shown] == sorted(float(c.rstrip("%")) for c in shown)
    assert rates[len(shown) :] == ["—"] * (len(rates) - len(shown))  # no rate: always last


async def test_bad_input_is_a_400_naming_the_field(client):
    s = await seeded()
    officer = await as_user(s["w"].officer)
    base = f"/campaigns/{s['campaign']}/figures"
    r = await client.get(base + "?as_of=2026-13-45", headers=officer)
    assert r.status_code == 400 and "日期格式应为" in r.text and 'class="field invalid"' in r.text
    r = await client.get(base + "?as_of=9999-12-31", headers=officer)  # shows today
    assert r.status_code == 200 and f'value="{local_today()}"' in r.text
    r = await client.get(base + "/enterprises?as_of=9999-12-31", headers=officer)
    assert r.status_code == 200 and f"统计截至 {local_today()}" in r.text
    r = await client.get(base + "?as_of=1800-01-01", headers=officer)  # before the records
    assert r.status_code == 400 and "as_of" in r.text
    r = await client.get(base + "/enterprises?as_of=1800-01-01", headers=officer)
    assert r.status_code == 400
    r = await client.get(base + "?group_by=colour", headers=officer)
    assert r.status_code == 400 and "group_by" in r.text
    r = await client.get(base + "/enterprises?figure=everything", headers=officer)
    assert r.status_code == 400 and "figure" in r.text
    r = await client.get(base + "/enterprises?group_by=batch&key=abc", headers=officer)
    assert r.status_code == 400 and "key" in r.text


async def test_the_dashboard_shows_the_campaigns_running_today_with_linked_numbers(client):
    s = await seeded()
    w = s["w"]
    today = local_today()
    ended = await fi.campaign(
        w,
        name=f"已结束活动{f.n()}",
        starts_on=today - dt.timedelta(days=40),
        ends_on=today - dt.timedelta(days=1),
    )
    r = await client.get("/dashboard", headers=await as_user(w.officer))
    assert r.status_code == 200
    assert "秋季安全生产专项整治" in r.text
    # A campaign that has ended is no card, but a row of the ended table with its figures.
    assert f'id="campaign-{ended["id"]}"' not in r.text
    row = r.text.split(f'id="ended-{ended["id"]}"')[1].split("</tr>")[0]
    assert ended["name"] in row
    past = await campaign_stats(f.actor(w.officer), ended["id"], today)
    linked = {html.unescape(h): int(n) for h, n in NUMBER.findall(row)}
    assert linked[next(h for h in linked if "figure=found&" in h)] == past["hazards_found"]
    assert (
        linked[next(h for h in linked if "figure=inspected" in h)]
        == (past["enterprises_inspected"])
    )
    card = r.text.split(f'id="campaign-{s["campaign"]}"')[1].split("</section>")[0]
    stats = await campaign_stats(f.actor(w.officer), s["campaign"], today)
    numbers = {html.unescape(h): int(n) for h, n in NUMBER.findall(card)}
    assert numbers[next(h for h in numbers if "figure=overdue" in h)] == stats["hazards_overdue"]
    assert numbers[next(h for h in numbers if "figure=major&" in h)] == stats["hazards_major"]
    assert stats["enterprises_inspected"] in numbers.values()
    assert card.count("<svg") == 2 and 'role="img"' in card


async def test_the_dashboard_speaks_english_and_is_in_the_officer_nav(client):
    s = await seeded()
    headers = await as_user(s["w"].officer)
    headers["Cookie"] += "; lang=en"
    r = await client.get("/dashboard", headers=headers)
    assert r.status_code == 200
    assert "<h1>Dashboard</h1>" in r.text and "Rectification rate" in r.text
    assert 'href="/dashboard"' in r.text
    r = await client.get(f"/campaigns/{s['campaign']}/figures", headers=headers)
    assert "Hazards found and closed per week" in r.text and "By community" in r.text


async def test_the_hazard_list_takes_the_figure_filters_and_refuses_bad_ones(client):
    s = await seeded()
    officer = await as_user(s["w"].officer)
    base = f"/hazards?campaign_id={s['campaign']}"
    r = await client.get(base + "&figure=overdue", headers=officer)
    assert r.status_code == 200
    # the heading states the figure and the day, once (no second line repeating them)
    heading = r.text.split('id="list-context"', 1)[1].split("</p>", 1)[0]
    assert "逾期未整改" in heading and f"截至 {local_today().isoformat()}" in heading
    assert r.text.count("截至") == 1
    # Filtering again keeps the figure (hidden fields of the GET form).
    assert '<input type="hidden" name="figure" value="overdue">' in r.text
    r = await client.get(base + "&figure=everything", headers=officer)
    assert r.status_code == 400 and "figure" in r.text
    r = await client.get(base + "&figure=found&as_of=2026-02-30", headers=officer)
    assert r.status_code == 400


async def test_the_enterprise_list_names_its_group_as_the_breakdown_does(client):
    s = await seeded()
    officer = f.actor(s["w"].officer)
    today = local_today()
    headers = await as_user(s["w"].officer)
    for group_by in ("batch", "community", "grid", "industry", "agency"):
        stats = await campaign_stats(officer, s["campaign"], today, group_by)
        assert stats["groups"], group_by
        for g in stats["groups"]:
            label = await group_label(officer, s["campaign"], group_by, g["key"])
            assert label == g["label"], (group_by, g)
        key = stats["groups"][0]["key"]
        r = await client.get(
            f"/campaigns/{s['campaign']}/figures/enterprises?group_by={group_by}"
            f"&key={'none' if key is None else key}",
            headers=headers,
        )
        assert r.status_code == 200 and html.escape(stats["groups"][0]["label"]) in r.text
    # no group of the campaign (a unit outside the officer's subtree, no such batch): the
    # key stands for itself
    foreign = s["w"].foreign_tree["community"]["id"]
    assert await group_label(officer, s["campaign"], "community", foreign) == str(foreign)
    assert await group_label(officer, s["campaign"], "batch", 2**31 - 1) == str(2**31 - 1)
