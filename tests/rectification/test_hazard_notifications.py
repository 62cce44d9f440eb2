"""Everyone concerned is told (issue 18, point 4): every hazard that reaches an enterprise,
whatever its source, is ONE in-app notification of kind ``hazard.new`` to the enterprise's
contacts, linking the hazard, and a line of that day's digest (``safety remind``).

The matrix iterates over ``HazardSource``: a source added without a case here fails."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from inspections import services as insp
from inspections.services.hazard_news import HAZARD_NEW
from inspections.tables import HazardSource
from rectification.reminders import collect, dedupe_key, run_reminders
from safety.settings import local_today
from safety.tables import Notification
from tests import factories as f
from tests.inspections import factories as fi
from tests.inspections.test_submit import sign, started, url
from tests.patrol.helpers import HAZARD as TRIAGE_HAZARD
from tests.patrol.helpers import report
from tests.patrollog.counting import count_queries
from tests.selfcheck.test_self_inspection_api import _log as log_self
from tests.selfcheck.test_self_inspection_api import _start as start_self


def _hazard_body(description: str, **extra) -> dict:
    return {
        "description": description,
        "location": "仓库",
        "level": "general",
        "category": "site",
        "subcategory": "消防",
        **extra,
    }


async def _finish(client, w, v) -> None:
    """Answer every item, sign (the enterprise's refusal recorded) and submit, by the API."""
    me = f.headers(w.inspector)
    for item in v.checklist["items"]:
        r = await client.put(
            url(v, "/results"), json=[{"item_id": item["id"], "result": "fail"}], headers=me
        )
        assert r.status_code == 200, r.text
    assert (await sign(client, w, v)).status_code == 201
    r = await sign(client, w, v, signer="enterprise", name="", file=False, reason="负责人不在")
    assert r.status_code == 201, r.text
    r = await client.post(url(v, "/submit"), headers=me)
    assert r.status_code == 200, r.text


async def _told(user_id: int) -> list[dict]:
    return (
        await Notification.select()
        .where(Notification.user == user_id, Notification.kind == HAZARD_NEW)
        .order_by(Notification.id)
        .run()
    )


# ------------------------------------------------------------ one case per source


async def _from_inspection(client, w) -> tuple[int, dict, str]:
    """An inspector logs a hazard during a campaign visit and submits the visit."""
    v = await started(client, w)
    description = f"配电箱前堆放杂物{f.n()}"
    r = await client.post(
        url(v, "/hazards"), json=_hazard_body(description), headers=f.headers(w.inspector)
    )
    assert r.status_code == 201, r.text
    contact = await f.user("enterprise", enterprise_id=v.inspection["enterprise_id"])
    assert await _told(contact["id"]) == []  # not before the visit ends
    await _finish(client, w, v)
    return r.json()["id"], contact, description


async def _from_self_inspection(client, w) -> tuple[int, dict, str]:
    """The enterprise's contact logs a MAJOR hazard in its self-inspection: escalated to the
    officers, and told to the enterprise's other contacts (not to the one who logged it)."""
    colleague = await f.user("enterprise", enterprise_id=w.enterprise["id"])
    i = await start_self(client, w)
    description = f"涉爆粉尘除尘系统未设泄爆装置{f.n()}"
    r = await log_self(client, w, i["id"], level="major", description=description)
    assert r.status_code == 201, r.text
    assert await _told(w.enterprise_user["id"]) == []  # not told of one's own act
    return r.json()["id"], colleague, description


async def _from_patrol(client, w) -> tuple[int, dict, str]:
    """A grid worker reports; the officer triages the report into a hazard (the API)."""
    description = f"消防通道被货物堵塞{f.n()}"
    made = await report(w.grid_worker, description=description, enterprise_id=w.enterprise["id"])
    r = await client.post(
        f"/api/v1/patrol-reports/{made['id']}/triage",
        json=TRIAGE_HAZARD,
        headers=f.headers(w.officer),
    )
    assert r.status_code == 200, r.text
    return r.json()["hazard_id"], w.enterprise_user, description


CASES = {
    HazardSource.inspection: _from_inspection,
    HazardSource.self_report: _from_self_inspection,
    HazardSource.patrol: _from_patrol,
}


@pytest.mark.parametrize("source", list(HazardSource), ids=lambda s: s.value)
async def test_every_hazard_source_tells_the_enterprise_once_and_puts_it_in_the_digest(
    client, source
):
    make = CASES.get(source)
    assert make is not None, f"hazard source {source.value!r} has no case: is it told?"
    w = await f.world()
    hazard_id, contact, description = await make(client, w)

    told = await _told(contact["id"])
    assert len(told) == 1, told
    notice = told[0]
    assert notice["link"] == f"/hazards/{hazard_id}"
    assert (notice["object_type"], notice["object_id"]) == ("hazard", hazard_id)
    assert description in notice["body"]
    # one language: Chinese only, no "(english)" tail
    assert not re.search(r"[A-Za-z]", notice["title"] + notice["body"]), notice["title"]
    assert "整改" in notice["title"]
    # the link opens the hazard for the contact
    from tests.pages import as_user

    page = await client.get(notice["link"], headers=await as_user(contact))
    assert page.status_code == 200 and description in page.text

    day = local_today()
    result = await run_reminders(day)
    assert result.hazards_new >= 1
    digest = (
        await Notification.select()
        .where(Notification.dedupe_key == dedupe_key(day, contact["id"]))
        .first()
        .run()
    )
    assert digest is not None
    assert "新发现隐患" in digest["title"] and description in digest["body"]


# ------------------------------------------------------------ the inspection's own cases


async def test_a_fixed_on_spot_hazard_is_told_as_closed_not_as_work_to_do(client):
    w = await f.world()
    v = await started(client, w)
    me = f.headers(w.inspector)
    open_one, fixed_one = f"安全出口指示灯不亮{f.n()}", f"灭火器被遮挡{f.n()}"
    for body in (_hazard_body(open_one), _hazard_body(fixed_one, fixed_on_spot=True)):
        r = await client.post(url(v, "/hazards"), json=body, headers=me)
        assert r.status_code == 201, r.text
    contact = await f.user("enterprise", enterprise_id=v.inspection["enterprise_id"])
    await _finish(client, w, v)

    told = {n["body"]: n["title"] for n in await _told(contact["id"])}
    assert set(told) == {open_one, fixed_one}
    assert "请于" in told[open_one] and "前整改" in told[open_one]
    assert "已立行立改销号" in told[fixed_one] and "请" not in told[fixed_one]

    digests, _ = await collect(local_today())
    body = digests[contact["id"]].render()[1]
    new_part, _, closed_part = body.partition("【立行立改已销号】")
    assert open_one in new_part and fixed_one not in new_part
    assert fixed_one in closed_part and open_one not in closed_part


async def test_the_inspectors_and_officers_are_not_told_the_enterprises_notice(client):
    w = await f.world()
    hazard_id, contact, _ = await _from_inspection(client, w)
    rows = (
        await Notification.select(Notification.user)
        .where(Notification.kind == HAZARD_NEW, Notification.object_id == hazard_id)
        .run()
    )
    assert [r["user"] for r in rows] == [contact["id"]]


async def test_every_contact_of_the_enterprise_is_told_and_no_other(client):
    w = await f.world()
    v = await started(client, w)
    ent = v.inspection["enterprise_id"]
    contacts = [await f.user("enterprise", enterprise_id=ent) for _ in range(3)]
    r = await client.post(
        url(v, "/hazards"), json=_hazard_body(f"气瓶未固定{f.n()}"), headers=f.headers(w.inspector)
    )
    await _finish(client, w, v)
    rows = (
        await Notification.select(Notification.user)
        .where(Notification.kind == HAZARD_NEW, Notification.object_id == r.json()["id"])
        .run()
    )
    assert sorted(r["user"] for r in rows) == sorted(c["id"] for c in contacts)
    assert await _told(w.enterprise_user["id"]) == []  # another enterprise's contact


async def test_a_general_self_found_hazard_tells_nobody(client):
    w = await f.world()
    colleague = await f.user("enterprise", enterprise_id=w.enterprise["id"])
    i = await start_self(client, w)
    r = await log_self(client, w, i["id"], level="general")
    assert r.status_code == 201, r.text
    assert await _told(colleague["id"]) == [] and await _told(w.enterprise_user["id"]) == []


async def test_telling_many_hazards_costs_no_more_queries_than_one():
    w = await f.world()

    async def visit_with(hazards: int, contacts: int):
        v = await fi.visit(w)
        actor = f.actor(w.inspector)
        await insp.start_inspection(actor, v.inspection["id"])
        from inspections.schemas import HazardIn, ResultIn

        for k in range(hazards):
            body = _hazard_body(f"隐患{k}号{f.n()}", fixed_on_spot=k % 2 == 1)
            await insp.log_hazard(actor, v.inspection["id"], HazardIn(**body))
        await insp.save_results(
            actor,
            v.inspection["id"],
            [ResultIn(item_id=i["id"], result="fail") for i in v.checklist["items"]],
        )
        for _ in range(contacts):
            await f.user("enterprise", enterprise_id=v.inspection["enterprise_id"])
        await insp.add_signature(
            actor, v.inspection["id"], "inspector", signer_name="王工", content=fi.png()
        )
        await insp.add_signature(
            actor, v.inspection["id"], "enterprise", signer_name="", refused_reason="不在"
        )
        return v

    small, large = await visit_with(1, 1), await visit_with(6, 4)
    actor = f.actor(w.inspector)
    with count_queries() as one:
        await insp.submit_inspection(actor, small.inspection["id"])
    with count_queries() as many:
        await insp.submit_inspection(actor, large.inspection["id"])
    told = await Notification.count().where(
        Notification.kind == HAZARD_NEW,
        Notification.object_id.is_in(
            [h["id"] for h in (await insp.get_inspection(actor, large.inspection["id"]))["hazards"]]
        ),
    )
    assert told == 6 * 4
    assert many.count == one.count, (one.count, many.count)


async def test_the_digest_lists_a_notice_of_the_last_day_only():
    w = await f.world()
    _, contact, description = await _from_patrol_service(w)
    today = local_today()

    def body(digests) -> str:
        return digests[contact["id"]].render()[1] if contact["id"] in digests else ""

    assert description in body((await collect(today))[0])
    # a digest of a day to come lists nothing new yet
    later, later_report = await collect(today + dt.timedelta(days=3))
    assert contact["id"] not in later and later_report.hazards_new == 0
    # a notice older than a day was in an earlier digest: not again
    aged = dt.datetime.now(dt.UTC) - dt.timedelta(hours=30)
    await (
        Notification.update({Notification.created_at: aged})
        .where(Notification.user == contact["id"], Notification.kind == HAZARD_NEW)
        .run()
    )
    assert description not in body((await collect(today))[0])


async def _from_patrol_service(w) -> tuple[int, dict, str]:
    from tests.patrol.helpers import triage

    description = f"楼道堆放电瓶车{f.n()}"
    made = await report(w.grid_worker, description=description, enterprise_id=w.enterprise["id"])
    done = await triage(w.officer, made["id"], **TRIAGE_HAZARD)
    return done["hazard_id"], w.enterprise_user, description
