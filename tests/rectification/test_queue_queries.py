"""The officer's verification and extension queues: a fixed number of queries whatever the
number of hazards, showing what the whole hazard (``hazard_detail`` / ``get_hazard``)
shows, in the queue's order."""

from __future__ import annotations

import datetime as dt

from inspections import services as insp
from rectification import queue_pages, services
from rectification.schemas import ExtensionIn
from rectification.tables import EvidenceSubmission
from safety.settings import local_today
from tests import factories as f
from tests.inspections import factories as fi
from tests.pages import as_user
from tests.patrollog.counting import count_queries
from tests.rectification.test_rectification_api import _open_hazard
from tests.rectification.test_rectification_pages import _submitted


async def _submitted_with_photo(client, w) -> dict:
    """A submitted hazard with a before-photo (the inspector's) and an after-photo."""
    h = await _open_hazard(w)
    await insp.add_hazard_photo(f.actor(w.inspector), h["id"], content=fi.jpeg(), filename="p.jpg")
    ent = await as_user(w.enterprise_user)
    r = await client.post(
        f"/hazards/{h['id']}/evidence",
        data={"description": "已整改", "completed_on": str(local_today()), "action": "submit"},
        files={"photos": ("after.jpg", fi.jpeg(), "image/jpeg")},
        headers=ent,
    )
    assert r.status_code == 303, r.text
    return h


async def _move_submission(hazard_id: int, by: dt.timedelta) -> None:
    row = (
        await EvidenceSubmission.select()
        .where(EvidenceSubmission.hazard == hazard_id)
        .first()
        .run()
    )
    await (
        EvidenceSubmission.update({EvidenceSubmission.submitted_at: row["submitted_at"] + by})
        .where(EvidenceSubmission.id == row["id"])
        .run()
    )


async def _expected_item(w, hazard_id: int) -> dict:
    d = await services.hazard_detail(f.actor(w.officer), hazard_id)
    return {
        "id": d["id"],
        "description": d["description"],
        "level": d["level"],
        "location": d["location"],
        "enterprise_name": d["enterprise_name"],
        "submission": d["submissions"][-1],
        "before": [p for p in d["photos"] if p["kind"] == "problem"],
        "community": w.tree["community"]["name"],
    }


def _shown(item: dict) -> dict:
    return {
        **{k: item["h"][k] for k in ("id", "description", "level", "location")},
        "enterprise_name": item["h"]["enterprise_name"],
        "submission": item["submission"],
        "before": item["before"],
        "community": item["community"],
    }


async def test_the_verification_queue_is_ordered_by_latest_submission_in_fixed_queries(
    client, monkeypatch
):
    w = await f.world()
    officer = f.actor(w.officer)
    first = [await _submitted_with_photo(client, w) for _ in range(2)]
    with count_queries() as small:
        data = await queue_pages.verify_queue_data(officer)
    assert [i["h"]["id"] for i in data["queue"]] == [h["id"] for h in first]
    assert data["total"] == 2
    off = await as_user(w.officer)
    with count_queries() as small_page:
        page = await client.get("/hazards/verify", headers=off)
    assert page.status_code == 200 and page.text.count("/thumbnail") >= 4

    more = [await _submitted_with_photo(client, w) for _ in range(3)]
    more.append(await _submitted(client, w))  # no before-photo
    await _open_hazard(w)  # pending: not in the queue
    # the first hazard's evidence came last; the second has an older submission too
    # (its latest is still the one shown and counted)
    await _move_submission(first[0]["id"], dt.timedelta(hours=2))
    b = first[1]
    older = await EvidenceSubmission.select().where(EvidenceSubmission.hazard == b["id"]).run()
    await (
        EvidenceSubmission(
            hazard=b["id"],
            description="更早的反馈",
            completed_on=local_today(),
            submitted_by=w.enterprise_user["id"],
            submitted_at=older[0]["submitted_at"] - dt.timedelta(days=1),
        )
        .save()
        .run()
    )
    with count_queries() as large:
        data = await queue_pages.verify_queue_data(officer)
    order = [first[1], *more, first[0]]
    assert [i["h"]["id"] for i in data["queue"]] == [h["id"] for h in order]
    assert data["total"] == 6
    for item, h in zip(data["queue"], order, strict=True):
        assert _shown(item) == await _expected_item(w, h["id"])
    assert data["queue"][0]["submission"]["description"] == "更早的反馈"
    with count_queries() as large_page:
        page = await client.get("/hazards/verify", headers=off)
    assert page.status_code == 200 and "更早的反馈" in page.text
    assert small.count == large.count, (small.count, large.count)
    assert small_page.count == large_page.count, (small_page.count, large_page.count)

    monkeypatch.setattr(queue_pages, "QUEUE_SIZE", 3)
    data = await queue_pages.verify_queue_data(officer)
    assert [i["h"]["id"] for i in data["queue"]] == [h["id"] for h in order[:3]]
    assert data["total"] == 6
    other = await queue_pages.verify_queue_data(f.actor(w.foreign_officer))
    assert other == {"queue": [], "total": 0}


async def _requested(w, days: int) -> dict:
    h = await _open_hazard(w)
    await services.request_extension(
        f.actor(w.enterprise_user),
        h["id"],
        ExtensionIn(new_deadline=h["effective_deadline"] + dt.timedelta(days=days), reason="等待"),
    )
    return h


async def test_the_extension_queue_reads_its_hazards_in_fixed_queries(client):
    w = await f.world()
    officer = f.actor(w.officer)
    hazards = [await _requested(w, 5)]
    with count_queries() as small:
        data = await queue_pages.extension_queue_data(officer)
    off = await as_user(w.officer)
    with count_queries() as small_page:
        page = await client.get("/hazards/extensions", headers=off)
    assert page.status_code == 200 and hazards[0]["description"] in page.text
    hazards += [await _requested(w, 10 + i) for i in range(4)]
    with count_queries() as large:
        data = await queue_pages.extension_queue_data(officer)
    with count_queries() as large_page:
        page = await client.get("/hazards/extensions", headers=off)
    assert page.status_code == 200
    assert small.count == large.count, (small.count, large.count)
    assert small_page.count == large_page.count, (small_page.count, large_page.count)
    assert data["total"] == 5
    assert [x["hazard_id"] for x in data["requests"]] == [h["id"] for h in hazards]
    for x in data["requests"]:
        whole = await insp.get_hazard(officer, x["hazard_id"])
        for key in ("description", "level", "status", "enterprise_name", "effective_deadline"):
            assert x["h"][key] == whole[key], key
        assert str(whole["effective_deadline"]) in page.text
    other = await queue_pages.extension_queue_data(f.actor(w.foreign_officer))
    assert other == {"requests": [], "total": 0}
