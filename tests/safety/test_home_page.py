"""The home page: each role opens on its work (rectification.home). The enterprise contact
and the officer see their queue as count tiles — each count the number of rows of the list
its tile opens, within their own scope — then the role's menu as tiles, grouped under
headings when the role has many entries (the officer), a plain set when it has few (the
enterprise contact). A fixed, small number of statements whatever the data."""

import datetime as dt
import re

from inspections.patrol import logs
from inspections.patrol.log_schemas import PatrolLogIn
from inspections.patrol.rules import GRID_OUTCOMES
from inspections.tables import Hazard, Inspection
from rectification import services as rect
from rectification.figures.service import campaigns_stats
from rectification.home import queries
from rectification.schemas import DecisionIn, ExtensionIn, VerificationIn
from safety import charts
from safety.settings import get_settings, local_today
from tests import factories as f
from tests.inspections import factories as fi
from tests.pages import as_user
from tests.patrol.helpers import HAZARD, report, triage
from tests.patrollog.counting import count_queries
from tests.rectification import evidence
from tests.rectification.test_rectification_api import _open_hazard

ROWS = {  # what one row of each list a tile opens looks like
    "/hazards?show=": r'class="card hz-card',
    "/hazards/verify": r'<section class="card vq" id="h\d+"',
    "/hazards/extensions": r'<section class="card" id="x\d+"',
    "/hazards/overdue": r'<tr><td><a href="/hazards/\d+"',
    "/patrol/triage": r'<section class="card patrol-item" id="r\d+"',
    "/patrol?status=": r'<li class="card patrol-item" id="r\d+"',
    "/patrol/logs?": r'<li class="card">',
}


def _sections(html: str) -> list[tuple[str, list[str]]]:
    out = []
    for body in re.findall(r'<section class="home-group">(.*?)</section>', html, re.S):
        heading = re.search(r"<h2>(.*?)</h2>", body)
        tiles = re.findall(r'<a class="card" href="([^"]+)"', body)
        out.append((heading.group(1) if heading else "", tiles))
    return out


def _tiles(html: str) -> dict[str, tuple[int, str]]:
    """The count tiles: key → (number, link)."""
    found = re.findall(
        r'<a class="q-tile[^"]*" href="([^"]+)" id="tile-(\w+)">\s*<span class="q-n">(\d+)</span>',
        html,
    )
    return {key: (int(n), href.replace("&amp;", "&")) for href, key, n in found}


def _rows(html: str, href: str) -> int:
    pattern = next(p for prefix, p in ROWS.items() if href.startswith(prefix))
    return len(re.findall(pattern, html))


async def _deadline(hazard_id: int, day: dt.date) -> None:
    await (
        Hazard.update({Hazard.deadline: day, Hazard.effective_deadline: day})
        .where(Hazard.id == hazard_id)
        .run()
    )


async def _enterprise_world(w: f.World) -> dict[str, dict]:
    """The World's enterprise with a hazard in each queue (and a foreign one overdue)."""
    today = local_today()
    ent, off = f.actor(w.enterprise_user), f.actor(w.officer)
    made = {k: await _open_hazard(w) for k in ("due", "overdue", "later", "returned", "ext")}
    await _deadline(made["due"]["id"], today + dt.timedelta(days=1))
    await _deadline(made["overdue"]["id"], today - dt.timedelta(days=2))
    for k in ("later", "returned", "ext"):
        await _deadline(made[k]["id"], today + dt.timedelta(days=20))
    await evidence.submit(ent, made["returned"]["id"], "已更换", today)
    await rect.verify(
        off, made["returned"]["id"], VerificationIn(result="fail", comment="灭火器压力不足")
    )
    later = ExtensionIn(new_deadline=today + dt.timedelta(days=40), reason="停产")
    x = await rect.request_extension(ent, made["ext"]["id"], later)
    await rect.decide_extension(off, x["id"], DecisionIn(approved=True, comment="同意延期"))
    closed = await _open_hazard(w)
    await evidence.submit(ent, closed["id"], "已整改", today)
    await rect.verify(off, closed["id"], VerificationIn(result="pass", comment=""))
    foreign = await fi.visit(w, foreign=True, enterprise=w.foreign_enterprise)
    return made | {"closed": closed, "foreign_visit": foreign.inspection}


async def test_the_enterprise_home_counts_its_queues_and_each_tile_opens_as_many_rows(client):
    w = await f.world()
    await _enterprise_world(w)
    headers = await as_user(w.enterprise_user)
    r = await client.get("/", headers=headers)
    assert r.status_code == 200, r.text
    tiles = _tiles(r.text)
    counts = {k: n for k, (n, _) in tiles.items()}
    # todo: due, overdue, later, returned, ext (not the closed one); due within 3 days: 1
    assert counts == {
        "todo": 5,
        "due": 1,
        "overdue": 1,
        "returned": 1,
        "decided": 1,
        "self": 0,
    }, counts
    assert get_settings().remind_due_days == 3
    for key in ("todo", "due", "overdue", "returned"):
        n, href = tiles[key]
        page = await client.get(href, headers=headers)
        assert page.status_code == 200, (href, page.text)
        assert _rows(page.text, href) == n, href
    # 被退回 with the reason, one tap from the evidence form; 延期结果 with the decision
    assert "灭火器压力不足" in r.text and '#evidence"' in r.text
    assert "已批准，新期限" in r.text and "同意延期" in r.text
    # the latest documents: each inspection's report, the notice when it has hazards
    assert "/report.pdf" not in r.text  # no inspection submitted yet


async def test_the_enterprise_list_refuses_an_unknown_queue(client):
    w = await f.world()
    r = await client.get("/hazards?show=all", headers=await as_user(w.enterprise_user))
    assert r.status_code == 400
    assert "show" in r.text


async def test_the_officer_home_counts_match_the_queues_they_open(client):
    w = await f.world()
    made = await _enterprise_world(w)
    today = local_today()
    ent, off = f.actor(w.enterprise_user), f.actor(w.officer)
    await evidence.submit(ent, made["later"]["id"], "已清理", today)  # 待验收
    await rect.request_extension(  # 延期待批
        ent, made["due"]["id"], ExtensionIn(new_deadline=today + dt.timedelta(days=9), reason="x")
    )
    await report(w.grid_worker, org_unit_id=w.tree["grid1"]["id"])  # 待研判
    await report(w.foreign_grid_worker, org_unit_id=w.foreign_tree["grid1"]["id"])
    headers = await as_user(w.officer)
    r = await client.get("/", headers=headers)
    assert r.status_code == 200, r.text
    tiles = _tiles(r.text)
    counts = {k: n for k, (n, _) in tiles.items()}
    # each _open_hazard is a visit of today (6 of them); the foreign street's is not ours
    assert counts == {"verify": 1, "extensions": 1, "overdue": 1, "triage": 1, "today": 6}, counts
    for key in ("verify", "extensions", "overdue", "triage"):
        n, href = tiles[key]
        page = await client.get(href, headers=headers)
        assert page.status_code == 200, (href, page.text)
        assert _rows(page.text, href) == n, href
    today_list = r.text.split('id="today"')[1].split("</section>")[0]
    assert today_list.count('class="q-item"') == 6
    assert f'/inspections/{made["foreign_visit"]["id"]}"' not in r.text
    # the live campaigns' rates are the figures' own (exact definitions)
    data = await queries.officer_home(off, today)
    assert len(data["campaigns"]) == 6
    stats = await campaigns_stats(off, [c["id"] for c in data["campaigns"]], today)
    for c in data["campaigns"]:
        s = stats[c["id"]]
        card = r.text.split(f'id="campaign-{c["id"]}"')[1].split("</dl>")[0]
        closed = charts.percent(s["hazards_closed"], s["hazards_found"])
        assert closed in card
        assert charts.percent(s["enterprises_inspected"], s["enterprises_planned"]) in card
    # the foreign officer sees none of it
    other = _tiles((await client.get("/", headers=await as_user(w.foreign_officer))).text)
    assert {k: n for k, (n, _) in other.items()} == {
        "verify": 0,
        "extensions": 0,
        "overdue": 0,
        "triage": 1,
        "today": 1,
    }


async def test_each_home_runs_the_same_few_statements_at_two_sizes(client):
    w = await f.world()
    ent, off = f.actor(w.enterprise_user), f.actor(w.officer)
    today = local_today()
    await _enterprise_world(w)
    with count_queries() as ent_small:
        await queries.enterprise_home(ent, today)
    with count_queries() as off_small:
        await queries.officer_home(off, today)
    with count_queries() as page_small:
        assert (await client.get("/", headers=await as_user(w.officer))).status_code == 200
    for _ in range(3):
        await _enterprise_world(w)
        await report(w.grid_worker, org_unit_id=w.tree["grid1"]["id"])
    with count_queries() as ent_large:
        data = await queries.enterprise_home(ent, today)
    assert data["counts"]["returned"] == 4
    with count_queries() as off_large:
        data = await queries.officer_home(off, today)
    assert data["counts"]["today"] == 24 and len(data["campaigns"]) == 20  # ACTIVE_LIMIT
    with count_queries() as page_large:
        assert (await client.get("/", headers=await as_user(w.officer))).status_code == 200
    assert ent_small.count == ent_large.count <= 5, (ent_small.count, ent_large.count)
    assert off_small.count == off_large.count <= 5, (off_small.count, off_large.count)
    assert page_small.count == page_large.count, (page_small.count, page_large.count)


async def test_each_role_sees_only_its_own_home(client):
    w = await f.world()
    ent = _tiles((await client.get("/", headers=await as_user(w.enterprise_user))).text)
    off = _tiles((await client.get("/", headers=await as_user(w.officer))).text)
    assert set(ent) == {"todo", "due", "overdue", "returned", "decided", "self"}
    assert set(off) == {"verify", "extensions", "overdue", "triage", "today"}
    ins = _tiles((await client.get("/", headers=await as_user(w.inspector))).text)
    assert set(ins) == {"today", "overdue", "in_progress", "recheck"}
    admin = await client.get("/", headers=await as_user(w.admin))
    assert admin.status_code == 200 and _tiles(admin.text) == {}
    r = await client.get("/", headers=await as_user(w.grid_worker), follow_redirects=False)
    assert r.status_code == 200, r.text
    assert set(_tiles(r.text)) == {*GRID_OUTCOMES, "log", "unvisited"}


async def test_the_enterprise_sees_its_latest_reports_and_notices(client):
    w = await f.world()
    h = await _open_hazard(w)
    await (
        Inspection.update({Inspection.state: "submitted"})
        .where(Inspection.id == h["inspection_id"])
        .run()
    )
    r = await client.get("/", headers=await as_user(w.enterprise_user))
    iid = h["inspection_id"]
    assert f'href="/inspections/{iid}/report.pdf"' in r.text
    assert f'href="/inspections/{iid}/notice.pdf"' in r.text
    assert "整改通知书" in r.text and "自查隐患整改单" not in r.text
    # a self-inspection's documents are named as the enterprise's own (issue 18)
    await Inspection.update({Inspection.kind: "self"}).where(Inspection.id == iid).run()
    own = await client.get("/", headers=await as_user(w.enterprise_user))
    assert "自查报告" in own.text and "自查隐患整改单" in own.text
    assert "整改通知书" not in own.text
    other = await client.get("/", headers=await as_user(w.foreign_enterprise_user))
    assert f"/inspections/{iid}/" not in other.text


async def test_the_inspector_home_counts_their_visits_and_hazards_to_recheck(client):
    w = await f.world()
    made = await _enterprise_world(w)  # 6 visits of today, started; one hazard submitted
    today = local_today()
    await evidence.submit(f.actor(w.enterprise_user), made["later"]["id"], "已清理", today)
    await fi.visit(w)  # planned today
    late = await fi.visit(w, scheduled_on=today - dt.timedelta(days=3))  # planned, overdue
    await fi.visit(w, scheduled_on=today + dt.timedelta(days=3))  # later: not counted
    other = await f.user("inspector", agency_id=w.agency["id"])
    await fi.visit(w, inspectors=[other])  # not theirs
    headers = await as_user(w.inspector)
    with count_queries() as small:
        await queries.inspector_home(f.actor(w.inspector), today)
    r = await client.get("/", headers=headers)
    assert r.status_code == 200, r.text
    tiles = _tiles(r.text)
    counts = {k: n for k, (n, _) in tiles.items()}
    assert counts == {"today": 1, "overdue": 1, "in_progress": 6, "recheck": 1}, counts
    page = await client.get("/inspections/today", headers=headers)
    for key, group in (("today", "due"), ("in_progress", "in_progress")):
        assert tiles[key][1].endswith(f"#group-{group}")
        body = page.text.split(f'id="group-{group}"')[1].split("</section>")[0]
        expected = counts["today"] + counts["overdue"] if group == "due" else counts[key]
        assert body.count("data-visit=") == expected, group
    n, href = tiles["recheck"]
    assert _rows((await client.get(href, headers=headers)).text, "/hazards/overdue") == n
    # the visits to do now, one tap from the walk
    assert f'data-visit="{late.inspection["id"]}"' in r.text
    assert r.text.count('class="q-item"') == 8
    for _ in range(2):
        await fi.visit(w)
        await _enterprise_world(w)
    with count_queries() as large:
        data = await queries.inspector_home(f.actor(w.inspector), today)
    assert data["counts"]["in_progress"] == 18
    assert small.count == large.count <= 5, (small.count, large.count)


async def test_the_officer_sees_the_daily_work_first_and_the_reference_data_last(client):
    w = await f.world()
    r = await client.get("/", headers=await as_user(w.officer))
    assert r.status_code == 200
    sections = _sections(r.text)
    assert [s[0] for s in sections] == ["日常工作", "检查与巡查", "统计分析", "基础数据"]
    assert sections[0][1][0] == "/dashboard"
    assert "/enterprises" in sections[-1][1] and "/admin/checklists" in sections[-1][1]
    tiles = [t for _, ts in sections for t in ts]
    assert len(tiles) == len(set(tiles)) and "/" not in tiles
    # the top menu lists the same entries in the same order, after 首页
    nav = re.search(r'<nav class="mainnav"[^>]*>(.*?)</nav>', r.text, re.S).group(1)
    assert re.findall(r'href="([^"]+)"', nav) == ["/", *tiles]


async def test_the_enterprise_contact_gets_tiles_without_headings(client):
    w = await f.world()
    r = await client.get("/", headers=await as_user(w.enterprise_user))
    assert r.status_code == 200
    sections = _sections(r.text)
    assert len(sections) == 1 and sections[0][0] == ""  # one plain set: no headings
    tiles = [t for _, ts in sections for t in ts]
    assert "/hazards" in tiles and "/admin/users" not in tiles


# ---------------------------------------------------------------- the grid worker


async def _grid_worker_world(w: f.World) -> dict[str, dict]:
    """The grid worker's reports, one per outcome (two waiting), a duplicate of the
    dismissed one, and a foreign worker's report."""
    gw, grid1 = w.grid_worker, w.tree["grid1"]["id"]
    made = {k: await report(gw, org_unit_id=grid1) for k in ("new", "new2", "ref", "dis", "dup")}
    made["hz"] = await report(gw, org_unit_id=grid1, enterprise_id=w.enterprise["id"])
    await triage(w.officer, made["hz"]["id"], enterprise_id=w.enterprise["id"], **HAZARD)
    await triage(w.officer, made["ref"]["id"], action="refer", to="市场监管", reason="无照经营")
    await triage(w.officer, made["dis"]["id"], action="dismiss", reason="已自行整改")
    await triage(w.officer, made["dup"]["id"], action="duplicate", duplicate_of=made["dis"]["id"])
    await report(w.foreign_grid_worker, org_unit_id=w.foreign_tree["grid1"]["id"])
    return made


async def _log(worker: dict, grid: int, ids: list[int], day: dt.date) -> dict:
    data = PatrolLogIn(org_unit_id=grid, date=day, visited_enterprise_ids=ids)
    return await logs.save_log(f.actor(worker), data)


async def test_the_grid_worker_home_counts_their_reports_by_outcome_as_the_lists_they_open(
    client,
):
    w = await f.world()
    await _grid_worker_world(w)
    headers = await as_user(w.grid_worker)
    r = await client.get("/", headers=headers)
    assert r.status_code == 200, r.text
    tiles = _tiles(r.text)
    counts = {k: n for k, (n, _) in tiles.items() if k in GRID_OUTCOMES}
    # the duplicate takes its original's status (dismissed) but counts as 重复 only
    assert counts == {"new": 2, "hazard": 1, "referred": 1, "dismissed": 1, "duplicate": 1}
    for key in GRID_OUTCOMES:
        n, href = tiles[key]
        assert href == f"/patrol?status={key}"
        page = await client.get(href, headers=headers)
        assert page.status_code == 200, (href, page.text)
        assert _rows(page.text, href) == n, href
    everything = await client.get("/patrol", headers=headers)
    assert _rows(everything.text, "/patrol?status=") == sum(counts.values())
    # 首页 is in the grid worker's menu now
    nav = re.search(r'<nav class="mainnav"[^>]*>(.*?)</nav>', r.text, re.S).group(1)
    assert 'href="/"' in nav


async def test_my_reports_refuse_an_unknown_outcome(client):
    w = await f.world()
    headers = await as_user(w.grid_worker)
    r = await client.get("/patrol?status=closed", headers=headers)
    assert r.status_code == 400
    assert "status" in r.text
    assert (await client.get("/patrol?status=dismissed", headers=headers)).status_code == 200
    # who may not read the list is refused before the filter is looked at
    for other in (w.officer, w.enterprise_user, w.inspector):
        refused = await client.get("/patrol?status=closed", headers=await as_user(other))
        assert refused.status_code == 403, other["role"]


async def test_the_grid_worker_home_shows_todays_log_and_the_enterprises_not_visited_this_month(
    client,
):
    w = await f.world()
    today = local_today()
    grid1, grid2 = w.tree["grid1"]["id"], w.tree["grid2"]["id"]
    seen = w.enterprise  # in grid1
    last_month = await f.enterprise(grid1)  # visited only before the 1st
    by_other = await f.enterprise(grid1)  # visited this month, by another worker
    never = await f.enterprise(grid1)
    elsewhere = await f.enterprise(grid2)  # not the worker's grid
    other = await f.user("grid_worker", org_unit_id=grid1)
    await _log(w.grid_worker, grid1, [last_month["id"]], today.replace(day=1) - dt.timedelta(1))
    await _log(other, grid1, [by_other["id"]], today)
    headers = await as_user(w.grid_worker)

    before = await client.get("/", headers=headers)
    assert _tiles(before.text)["log"][0] == 0
    assert f'data-write="{grid1}"' in before.text

    await _log(w.grid_worker, grid1, [seen["id"]], today)
    r = await client.get("/", headers=headers)
    assert r.status_code == 200, r.text
    tiles = _tiles(r.text)
    n, href = tiles["log"]
    assert n == 1 and href == f"/patrol/logs?date={today.isoformat()}"
    assert _rows((await client.get(href, headers=headers)).text, href) == n
    assert f'data-write="{grid1}"' not in r.text and "data-log=" in r.text
    listed = r.text.split('id="unvisited"')[1].split("</section>")[0]
    ids = {int(i) for i in re.findall(r'data-enterprise="(\d+)"', listed)}
    assert ids == {last_month["id"], by_other["id"], never["id"]}
    assert tiles["unvisited"][0] == len(ids)
    assert seen["id"] not in ids and elsewhere["id"] not in ids


async def test_the_grid_worker_home_runs_the_same_few_statements_at_two_sizes(client):
    w = await f.world()
    gw, today = f.actor(w.grid_worker), local_today()
    grid1 = w.tree["grid1"]["id"]
    await _grid_worker_world(w)
    await _log(w.grid_worker, grid1, [w.enterprise["id"]], today)
    with count_queries() as small:
        await queries.grid_worker_home(gw, today)
    with count_queries() as page_small:
        assert (await client.get("/", headers=await as_user(w.grid_worker))).status_code == 200
    for _ in range(3):
        await _grid_worker_world(w)
        await f.enterprise(grid1)
    with count_queries() as large:
        data = await queries.grid_worker_home(gw, today)
    assert data["counts"]["new"] == 8 and data["counts"]["unvisited"] == 3
    with count_queries() as page_large:
        assert (await client.get("/", headers=await as_user(w.grid_worker))).status_code == 200
    assert small.count == large.count <= 5, (small.count, large.count)
    assert page_small.count == page_large.count, (page_small.count, page_large.count)
