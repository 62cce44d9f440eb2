"""The end of a report's road: when the hazard made from it is verified and closed
(验收销号), the grid worker who reported it is told, and their report reads 已销号."""

from __future__ import annotations

from safety.settings import local_today
from safety.tables import Notification
from tests import factories as f
from tests.patrol.helpers import HAZARD, report, triage
from tests.rectification import evidence


async def test_the_reporter_hears_that_their_hazard_was_closed(client):
    w = await f.world()
    made = await report(w.grid_worker, enterprise_id=w.enterprise["id"])
    hazard_id = (await triage(w.officer, made["id"], **HAZARD))["hazard_id"]
    r = await client.post(
        f"/api/v1/hazards/{hazard_id}/submissions",
        json={
            "description": "已清理",
            "completed_on": local_today().isoformat(),
            "photo_ids": [await evidence.after_photo(f.actor(w.enterprise_user), hazard_id)],
        },
        headers=f.headers(w.enterprise_user),
    )
    assert r.status_code == 201, r.text

    async def told() -> list[str]:
        rows = await Notification.select(Notification.kind).where(
            Notification.user == w.grid_worker["id"],
            Notification.object_type == "hazard",
            Notification.object_id == hazard_id,
        )
        return [x["kind"] for x in rows]

    assert "patrol.hazard_closed" not in await told()
    r = await client.post(
        f"/api/v1/hazards/{hazard_id}/verifications",
        json={"result": "pass"},
        headers=f.headers(w.officer),
    )
    assert r.status_code == 201 and r.json()["status"] == "closed", r.text
    assert await told() == ["patrol.hazard_closed"]
    mine = await client.get(
        f"/api/v1/patrol-reports/{made['id']}", headers=f.headers(w.grid_worker)
    )
    assert mine.json()["hazard_status"] == "closed"
