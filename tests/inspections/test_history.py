"""Records you can find (issue 19 point 4): the inspector's and officer's history
``GET /inspections`` (filters, pager, newest first, documents to reprint), the
enterprise's 检查记录 on its registry page (reports, notices, recheck opinions), and the
links inspection ↔ hazard ↔ enterprise. A fixed, small number of statements whatever
the data."""

from __future__ import annotations

import datetime as dt
import re

from inspections.tables import Inspection
from rectification import services as rect
from rectification.records import queries
from rectification.schemas import VerificationIn
from safety.settings import local_today
from tests import factories as f
from tests.inspections import walkdata
from tests.pages import as_user
from tests.patrollog.counting import count_queries
from tests.rectification import evidence
from tests.rectification.test_rectification_api import _open_hazard


def _records(html: str) -> list[int]:
    return [int(x) for x in re.findall(r'data-record="(\d+)"', html)]


async def _submitted(w, **kw) -> dict:
    return await walkdata.inspection(w, state="submitted", **kw)


async def test_the_inspector_finds_their_submitted_inspection_and_reprints_its_documents(client):
    w = await f.world()
    mine = await _submitted(w)
    other = await _submitted(w, foreign=True)  # another inspector's, another street
    r = await client.get("/inspections", headers=await as_user(w.inspector))
    assert r.status_code == 200, r.text
    assert mine["id"] in _records(r.text) and other["id"] not in _records(r.text)
    assert f'href="/inspections/{mine["id"]}"' in r.text
    assert f'href="/inspections/{mine["id"]}/report.pdf"' in r.text
    assert f'href="/inspections/{mine["id"]}/notice.pdf"' in r.text
    assert "检查报告" in r.text and "自查报告" not in r.text
    # the documents the links name are there for them
    pdf = await client.get(
        f"/inspections/{mine['id']}/report.pdf", headers=await as_user(w.inspector)
    )
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")


async def test_the_officer_sees_their_areas_inspections_and_not_anothers(client):
    w = await f.world()
    mine = await _submitted(w)
    other = await _submitted(w, foreign=True)
    r = await client.get("/inspections", headers=await as_user(w.officer))
    assert r.status_code == 200
    assert mine["id"] in _records(r.text) and other["id"] not in _records(r.text)
    r = await client.get("/inspections", headers=await as_user(w.foreign_officer))
    assert other["id"] in _records(r.text) and mine["id"] not in _records(r.text)


async def test_a_planned_inspection_is_listed_without_documents(client):
    w = await f.world()
    planned = await walkdata.inspection(w, state="planned")
    r = await client.get("/inspections", headers=await as_user(w.inspector))
    assert planned["id"] in _records(r.text)
    assert f"/inspections/{planned['id']}/report.pdf" not in r.text


async def test_a_self_inspection_offers_the_enterprises_own_documents(client):
    w = await f.world()
    own = await _submitted(w)
    await Inspection.update({Inspection.kind: "self"}).where(Inspection.id == own["id"]).run()
    r = await client.get("/inspections", headers=await as_user(w.officer))
    assert own["id"] in _records(r.text)
    assert "自查报告" in r.text and "自查隐患整改单" in r.text and "企业自查" in r.text


async def test_it_filters_by_day_enterprise_name_and_state(client):
    w = await f.world()
    today = local_today()
    old = await _submitted(w, scheduled_on=today - dt.timedelta(days=5))
    new = await _submitted(w)
    going = await walkdata.inspection(w, state="in_progress")
    headers = await as_user(w.inspector)

    async def listed(**params) -> set[int]:
        r = await client.get("/inspections", params=params, headers=headers)
        assert r.status_code == 200, r.text
        return set(_records(r.text))

    ids = {old["id"], new["id"], going["id"]}
    day = (today - dt.timedelta(days=5)).isoformat()
    assert await listed(date_from=day, date_to=day) & ids == {old["id"]}
    assert await listed(date_from=today.isoformat()) & ids == {new["id"], going["id"]}
    assert await listed(state="in_progress") & ids == {going["id"]}
    assert await listed(q=w.enterprise["name"]) & ids == ids
    assert await listed(q="没有这个企业名") == set()


async def test_it_lists_newest_first_and_pages(client):
    w = await f.world()
    today = local_today()
    made = [await _submitted(w, scheduled_on=today - dt.timedelta(days=d)) for d in range(32)]
    headers = await as_user(w.inspector)
    first = await client.get("/inspections", headers=headers)
    listed = _records(first.text)
    assert listed == [i["id"] for i in made[:30]]  # today first, 30 a page
    assert "offset=30" in first.text and "1–30 / 32" in first.text
    second = await client.get("/inspections", params={"offset": "30"}, headers=headers)
    assert _records(second.text) == [i["id"] for i in made[30:]]


async def test_the_records_come_first_newest_first_then_the_planned_visits(client):
    w = await f.world()
    today, day = local_today(), dt.timedelta(days=1)
    later = await walkdata.inspection(w, state="planned", scheduled_on=today + 9 * day)
    soon = await walkdata.inspection(w, state="planned", scheduled_on=today + 2 * day)
    done = await _submitted(w, scheduled_on=today - 3 * day)
    going = await walkdata.inspection(w, state="in_progress")
    cancelled = await walkdata.inspection(w, state="cancelled", scheduled_on=today - day)
    r = await client.get("/inspections", headers=await as_user(w.inspector))
    order = [going["id"], cancelled["id"], done["id"], soon["id"], later["id"]]
    assert [i for i in _records(r.text) if i in order] == order
    # the planned ones under their own heading, after the last record
    split = r.text.index('id="planned"')
    assert r.text.index(f'data-record="{done["id"]}"') < split
    assert split < r.text.index(f'data-record="{soon["id"]}"')
    # the enterprise's page lists in the same order
    records = await queries.enterprise_records(f.actor(w.enterprise_user), w.enterprise["id"])
    assert [x["id"] for x in records["rows"] if x["id"] in order] == order


async def test_it_refuses_a_bad_filter_next_to_its_field_and_lists_nothing(client):
    w = await f.world()
    await _submitted(w)
    headers = await as_user(w.inspector)
    for params, key in (
        ({"date_from": "2026-13-01"}, "date_from"),
        ({"date_from": "2026-03-02", "date_to": "2026-03-01"}, "date_to"),
        ({"state": "done"}, "state"),
        ({"q": "厂" * 101}, "q"),
    ):
        r = await client.get("/inspections", params=params, headers=headers)
        assert r.status_code == 400, (params, r.status_code)
        assert _records(r.text) == []
        message = re.search(
            rf'id="f-{key}"[^>]*>.*?<span class="err" role="alert">([^<]+)</span>', r.text, re.S
        )
        assert message, (params, r.text[:2000])
        assert not re.search(r"[A-Za-z]{3,}", message.group(1)), message.group(1)  # Chinese only


async def test_the_history_runs_the_same_few_statements_at_two_sizes(client):
    w = await f.world()
    ins, off = f.actor(w.inspector), f.actor(w.officer)
    await _submitted(w)
    flt = queries.HistoryFilter(q=w.enterprise["name"])
    with count_queries() as ins_small:
        await queries.history(ins, flt)
    with count_queries() as off_small:
        await queries.history(off, flt)
    with count_queries() as ent_small:
        await queries.enterprise_records(off, w.enterprise["id"])
    for _ in range(6):
        await _submitted(w)
    closed = await _open_hazard(w)
    await evidence.submit(f.actor(w.enterprise_user), closed["id"], "已整改", local_today())
    await rect.verify(off, closed["id"], VerificationIn(result="pass", comment=""))
    with count_queries() as ins_large:
        rows, total = await queries.history(ins, flt)
    assert total == 8 and len(rows) == 8
    with count_queries() as off_large:
        await queries.history(off, flt)
    with count_queries() as ent_large:
        records = await queries.enterprise_records(off, w.enterprise["id"])
    assert any(r["rechecks"] for r in records["rows"])
    assert ins_small.count == ins_large.count <= 3, (ins_small.count, ins_large.count)
    assert off_small.count == off_large.count <= 3, (off_small.count, off_large.count)
    assert ent_small.count <= 3 and ent_large.count <= 3, (ent_small.count, ent_large.count)


async def test_the_enterprise_page_lists_its_inspections_documents_and_rechecks(client):
    w = await f.world()
    closed = await _open_hazard(w)
    iid = closed["inspection_id"]
    await Inspection.update({Inspection.state: "submitted"}).where(Inspection.id == iid).run()
    await evidence.submit(f.actor(w.enterprise_user), closed["id"], "已整改", local_today())
    await rect.verify(f.actor(w.officer), closed["id"], VerificationIn(result="pass", comment=""))
    still_open = await _open_hazard(w)
    for user in (w.enterprise_user, w.officer):
        r = await client.get(f"/enterprises/{w.enterprise['id']}", headers=await as_user(user))
        assert r.status_code == 200, r.text
        assert 'id="records"' in r.text and iid in _records(r.text)
        assert f'href="/inspections/{iid}/report.pdf"' in r.text
        assert f'href="/inspections/{iid}/notice.pdf"' in r.text
        assert f'href="/hazards/{closed["id"]}/recheck.pdf"' in r.text
        assert f"/hazards/{still_open['id']}/recheck.pdf" not in r.text  # not verified
    # the contact's hazards link is their own list; the officer's the enterprise filter
    ent = await client.get(
        f"/enterprises/{w.enterprise['id']}", headers=await as_user(w.enterprise_user)
    )
    assert 'id="hazards-link" href="/hazards"' in ent.text and 'id="history-link"' not in ent.text
    off = await client.get(f"/enterprises/{w.enterprise['id']}", headers=await as_user(w.officer))
    link = re.search(r'id="hazards-link" href="([^"]+)"', off.text).group(1)
    hazards = await client.get(link.replace("&amp;", "&"), headers=await as_user(w.officer))
    assert hazards.status_code == 200 and f'href="/hazards/{closed["id"]}"' in hazards.text
    assert 'id="history-link"' in off.text


async def test_another_enterprises_page_and_records_stay_hidden(client):
    w = await f.world()
    foreign = await _submitted(w, foreign=True)
    theirs = f"/enterprises/{w.foreign_enterprise['id']}"
    r = await client.get(theirs, headers=await as_user(w.enterprise_user))
    assert r.status_code == 404
    r = await client.get(theirs, headers=await as_user(w.officer))
    assert r.status_code == 404
    own = await client.get(f"/enterprises/{w.enterprise['id']}", headers=await as_user(w.officer))
    assert foreign["id"] not in _records(own.text)


async def test_the_grid_worker_reads_the_enterprise_without_its_records(client):
    w = await f.world()
    await _submitted(w)
    r = await client.get(f"/enterprises/{w.enterprise['id']}", headers=await as_user(w.grid_worker))
    assert r.status_code == 200 and 'id="records"' not in r.text


async def test_hazard_inspection_and_enterprise_link_to_each_other(client):
    w = await f.world()
    h = await _open_hazard(w)
    iid, eid = h["inspection_id"], w.enterprise["id"]
    for user in (w.inspector, w.officer, w.enterprise_user):
        page = await client.get(f"/hazards/{h['id']}", headers=await as_user(user))
        assert page.status_code == 200
        assert f'id="enterprise-link" href="/enterprises/{eid}"' in page.text
        assert f'id="inspection-link" href="/inspections/{iid}"' in page.text
    walk = await client.get(f"/inspections/{iid}", headers=await as_user(w.inspector))
    assert f'id="enterprise-link" href="/enterprises/{eid}"' in walk.text
    review = await client.get(f"/inspections/{iid}/review", headers=await as_user(w.officer))
    assert f'href="/enterprises/{eid}"' in review.text
    registry = await client.get(f"/enterprises/{eid}", headers=await as_user(w.inspector))
    assert registry.status_code == 200 and iid in _records(registry.text)


async def test_the_inspector_home_links_the_history(client):
    w = await f.world()
    r = await client.get("/", headers=await as_user(w.inspector))
    # the count beside it is of submitted inspections: the link opens those (what to reprint)
    assert 'href="/inspections?state=submitted" id="history"' in r.text
    listed = await client.get("/inspections?state=submitted", headers=await as_user(w.inspector))
    assert listed.status_code == 200
