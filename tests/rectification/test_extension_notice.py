"""After an extension decision the queue says what was decided and for which hazard (named
and linked), as the verification queue does after a verdict. The notice is read back from
the database: another street's officer, or an undecided request, gets none."""

from __future__ import annotations

import datetime as dt

from inspections.tables import Hazard
from rectification.tables import ExtensionRequest
from tests import factories as f
from tests.pages import as_user
from tests.rectification.test_rectification_api import _open_hazard


async def _requested(client, w) -> tuple[dict, dict, dt.date]:
    h = await _open_hazard(w)
    later = h["effective_deadline"] + dt.timedelta(days=10)
    r = await client.post(
        f"/hazards/{h['id']}/extension",
        data={"new_deadline": str(later), "reason": "等待配件"},
        headers=await as_user(w.enterprise_user),
    )
    assert r.status_code == 303
    req = await ExtensionRequest.select().where(ExtensionRequest.hazard == h["id"]).first().run()
    return h, req, later


async def _description(hazard_id: int) -> str:
    row = await Hazard.select(Hazard.description).where(Hazard.id == hazard_id).first().run()
    return row["description"]


async def test_approving_an_extension_shows_a_notice_naming_and_linking_the_hazard(client):
    w = await f.world()
    h, req, later = await _requested(client, w)
    off = await as_user(w.officer)
    # before any decision, a done= names nothing
    r = await client.get(f"/hazards/extensions?done={h['id']}", headers=off)
    assert 'id="decided"' not in r.text
    r = await client.post(
        f"/hazards/extensions/{req['id']}",
        data={"decision": "approve", "comment": ""},
        headers=off,
        follow_redirects=False,
    )
    assert r.status_code == 303 and r.headers["location"] == f"/hazards/extensions?done={h['id']}"
    page = await client.get(r.headers["location"], headers=off)
    assert page.status_code == 200
    assert f"已批准延期至 {later}" in page.text
    name = await _description(h["id"])
    assert f'<a href="/hazards/{h["id"]}">隐患 #{h["id"]} {name}' in page.text
    # another street's officer: no notice, nothing named
    other = await as_user(w.foreign_officer)
    page = await client.get(f"/hazards/extensions?done={h['id']}", headers=other)
    assert page.status_code == 200 and 'id="decided"' not in page.text


async def test_refusing_an_extension_says_so_and_a_bad_done_is_ignored(client):
    w = await f.world()
    h, req, later = await _requested(client, w)
    off = await as_user(w.officer)
    r = await client.post(
        f"/hazards/extensions/{req['id']}",
        data={"decision": "refuse", "comment": "期限内可完成"},
        headers=off,
    )
    assert r.status_code == 303
    r = await client.get(r.headers["location"], headers=off)
    assert f"已驳回延期至 {later} 的申请" in r.text and f'href="/hazards/{h["id"]}"' in r.text
    for bad in ("abc", "-1", "9" * 30, ""):
        page = await client.get(f"/hazards/extensions?done={bad}", headers=off)
        assert page.status_code == 200 and 'id="decided"' not in page.text
