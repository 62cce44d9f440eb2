"""The patrol pages: the grid worker's form and "my reports", the officer's triage queue
and report page, the admin's departments; the queue and "my reports" in ≤ 3 queries."""

from __future__ import annotations

import pytest

from inspections.patrol import pages
from inspections.patrol.tables import PatrolReport
from safety.db import engine
from tests import factories as f
from tests.imagegen import jpeg
from tests.pages import as_user
from tests.patrol.helpers import HAZARD, report, report_with_photo, triage


@pytest.fixture(scope="module")
async def w():
    return await f.world()


class QueryCounter:
    """Counts the statements the engine runs while active."""

    def __init__(self) -> None:
        self.n = 0
        self.patched: list = []

    def __enter__(self):
        cls = type(engine())
        for name in ("run_querystring", "run_ddl"):
            original = getattr(cls, name)

            async def counted(this, *args, _original=original, **kwargs):
                self.n += 1
                return await _original(this, *args, **kwargs)

            self.patched.append((cls, name, original))
            setattr(cls, name, counted)
        return self

    def __exit__(self, *exc):
        for cls, name, original in self.patched:
            setattr(cls, name, original)


async def test_the_grid_worker_lands_on_their_queue_one_tap_from_reporting(client, w):
    r = await client.get("/", headers=await as_user(w.grid_worker), follow_redirects=False)
    assert r.status_code == 200 and 'href="/patrol/new"' in r.text
    form = await client.get("/patrol/new", headers=await as_user(w.grid_worker))
    assert form.status_code == 200
    assert w.enterprise["name"] in form.text
    assert w.foreign_enterprise["name"] not in form.text


async def test_a_form_post_without_javascript_makes_a_report_with_photos(client, w):
    headers = await as_user(w.grid_worker)
    r = await client.post(
        "/patrol/reports",
        data={"description": "配电箱门敞开", "address": "菜市场北侧"},
        files=[("photos", ("a.jpg", jpeg(), "image/jpeg"))],
        headers=headers,
        follow_redirects=False,
    )
    assert r.status_code == 303, r.text
    mine = await client.get("/patrol", headers=headers)
    assert "配电箱门敞开" in mine.text and "/files/" in mine.text
    bad = await client.post("/patrol/reports", data={"description": ""}, headers=headers)
    assert bad.status_code == 400 and 'class="err"' in bad.text


async def test_the_outbox_post_is_idempotent(client, w):
    headers = {
        **await as_user(w.grid_worker),
        "Accept": "application/json",
        "Idempotency-Key": f"page-{f.n()}",
    }
    body = {"description": "灭火器过期", "address": "2号楼"}
    first = await client.post("/patrol/reports", data=body, headers=headers)
    second = await client.post("/patrol/reports", data=body, headers=headers)
    assert first.status_code == second.status_code == 201
    assert first.json()["id"] == second.json()["id"]
    photo_headers = {**headers, "Idempotency-Key": f"photo-{f.n()}"}
    url = f"/patrol/reports/{first.json()['id']}/photos"
    for _ in range(2):
        p = await client.post(
            url, files={"file": ("p.jpg", jpeg(), "image/jpeg")}, headers=photo_headers
        )
        assert p.status_code == 201
    got = await client.get(
        f"/api/v1/patrol-reports/{first.json()['id']}", headers=f.headers(w.grid_worker)
    )
    assert len(got.json()["photos"]) == 1


async def test_the_officer_triages_from_the_queue_and_the_report_page(client, w):
    headers = await as_user(w.officer)
    waiting = await report_with_photo(w.grid_worker, enterprise_id=w.enterprise["id"])
    queue = await client.get("/patrol/triage", headers=headers)
    assert queue.status_code == 200 and f'id="r{waiting["id"]}"' in queue.text
    new = await PatrolReport.count().where(
        PatrolReport.status == "new",
        PatrolReport.org_unit.is_in([w.tree["grid1"]["id"], w.tree["grid2"]["id"]]),
    )
    assert f'data-count="{new}"' in queue.text  # how many wait, on the tab
    r = await client.post(
        f"/patrol/reports/{waiting['id']}/triage",
        data={"action": "refer", "to": "消防救援", "reason": "消防设施问题", "back": "queue"},
        headers=headers,
        follow_redirects=False,
    )
    assert r.status_code == 303
    other = await report(w.grid_worker)
    page = await client.get(f"/patrol/reports/{other['id']}", headers=headers)
    assert 'name="level"' in page.text
    bad = await client.post(
        f"/patrol/reports/{other['id']}/triage",
        data={"action": "hazard", "level": "general", "category": "site"},
        headers=headers,
    )
    assert bad.status_code == 400 and "立案为隐患须指定企业" in bad.text
    done = await client.post(
        f"/patrol/reports/{other['id']}/triage",
        data={**HAZARD, "enterprise_id": str(w.enterprise["id"])},
        headers=headers,
        follow_redirects=False,
    )
    assert done.status_code == 303
    mine = await client.get("/patrol", headers=await as_user(w.grid_worker))
    assert "已转办" in mine.text and "已转为隐患" in mine.text


async def test_the_queue_and_my_reports_take_at_most_three_queries(w):
    async def counted() -> tuple[int, int, dict, dict]:
        with QueryCounter() as queue_count:
            queue = await pages.queue_data(f.actor(w.officer), "new", 0)
        with QueryCounter() as mine_count:
            mine = await pages.mine_data(f.actor(w.grid_worker), 0)
        return queue_count.n, mine_count.n, queue, mine

    await report_with_photo(w.grid_worker, enterprise_id=w.enterprise["id"])
    small = await counted()
    for _ in range(5):
        await report_with_photo(w.grid_worker, enterprise_id=w.enterprise["id"])
    done = await report(w.grid_worker, enterprise_id=w.enterprise["id"])
    await triage(w.officer, done["id"], **HAZARD)
    queue_n, mine_n, data, mine = await counted()
    assert len(data["reports"]) >= 6 and data["departments"]
    assert len(data["reports"]) > len(small[2]["reports"])
    assert any(r["hazard_status"] == "pending" for r in mine["reports"])
    assert all(r["photos"] for r in mine["reports"] if r["status"] == "new")
    assert queue_n <= 3 and mine_n <= 3, (queue_n, mine_n)
    assert (queue_n, mine_n) == small[:2]  # whatever the size
    # the waiting count comes with the rows: the officer's street's new reports, all of them
    waiting = (
        await PatrolReport.count()
        .where(
            PatrolReport.status == "new",
            PatrolReport.org_unit.is_in([w.tree["grid1"]["id"], w.tree["grid2"]["id"]]),
        )
        .run()
    )
    assert data["total"] == waiting == small[2]["total"] + 5


async def test_the_admin_keeps_the_departments(client, w):
    headers = await as_user(w.admin)
    name = f"供电公司{f.n()}"
    r = await client.post(
        "/admin/referral-departments",
        data={"name": name, "position": "9"},
        headers=headers,
        follow_redirects=False,
    )
    assert r.status_code == 303
    page = await client.get("/admin/referral-departments", headers=headers)
    assert name in page.text and "市场监管" in page.text
    dup = await client.post("/admin/referral-departments", data={"name": name}, headers=headers)
    assert dup.status_code == 409


async def test_the_hazard_page_names_the_report_it_came_from(client, w):
    made = await report_with_photo(w.grid_worker, enterprise_id=w.enterprise["id"])
    done = await triage(w.officer, made["id"], **HAZARD)
    hazard_id = done["hazard_id"]
    link = f'<a href="/patrol/reports/{made["id"]}">上报 #{made["id"]}</a>'
    for user in (w.officer, w.grid_worker):
        page = await client.get(f"/hazards/{hazard_id}", headers=await as_user(user))
        assert page.status_code == 200, page.text
        assert "网格巡查" in page.text and link in page.text
        assert "上报照片" in page.text and "检查照片" not in page.text
    # the enterprise reads where it came from but may not open the grid worker's report
    page = await client.get(f"/hazards/{hazard_id}", headers=await as_user(w.enterprise_user))
    assert page.status_code == 200
    assert f"上报 #{made['id']}" in page.text and link not in page.text
