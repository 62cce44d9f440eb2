"""The batch form's risk-plan picks (按风险计划选择): each free enterprise shows its risk
colour and last inspection, and a pick is a button of the form, so what the officer typed
(name, dates, agency, lead) stays while the pick ticks its enterprises; a bad pick is a
400 that creates nothing."""

from __future__ import annotations

import datetime as dt

from safety.settings import local_today
from safety.tables import Batch
from tests import factories as f
from tests.inspections import factories as fi
from tests.pages import as_user


def _ticked(html: str, enterprise_id: int) -> bool:
    return f'name="enterprise_id" value="{enterprise_id}" checked' in html


async def test_a_preset_ticks_its_enterprises_and_keeps_what_was_typed(client):
    w = await f.world()
    red = await f.enterprise(w.tree["grid1"]["id"], risk_colour="red")
    yellow = await f.enterprise(w.tree["grid2"]["id"], risk_colour="yellow")
    campaign = await fi.campaign(w, [red["id"], yellow["id"]])
    h = await as_user(w.officer)
    url = f"/campaigns/{campaign['id']}/batches/new"

    page = await client.get(url, headers=h)
    assert page.status_code == 200
    assert _ticked(page.text, red["id"]) and _ticked(page.text, yellow["id"])
    assert 'data-colour="red"' in page.text and 'data-colour="yellow"' in page.text
    assert "重大风险" in page.text and "从未检查" in page.text  # colour and last inspection

    today = local_today()
    form = {
        "name": "红橙专项批次",
        "starts_on": today.isoformat(),
        "ends_on": (today + dt.timedelta(days=7)).isoformat(),
        "agency_id": str(w.agency["id"]),
        "lead": str(w.inspector["id"]),
        "enterprise_id": [str(red["id"]), str(yellow["id"])],
        "preset": "red_orange_stale",
    }
    page = await client.post(url, data=form, headers=h)
    assert page.status_code == 200, page.text[:400]
    assert _ticked(page.text, red["id"]) and not _ticked(page.text, yellow["id"])
    assert 'value="红橙专项批次"' in page.text  # the typed name is kept
    assert f'name="lead" value="{w.inspector["id"]}" checked' in page.text
    assert 'value="red_orange_stale" class="secondary" formnovalidate aria-pressed="true"' in (
        page.text
    )
    assert "勾选 1 家" in page.text
    assert await Batch.count().where(Batch.campaign == campaign["id"]).run() == 0

    page = await client.post(url, data={**form, "preset": "pink"}, headers=h)
    assert page.status_code == 400 and "没有这种风险计划选择" in page.text
    assert 'value="红橙专项批次"' in page.text
    assert await Batch.count().where(Batch.campaign == campaign["id"]).run() == 0

    # Without a pick the button creates the batch with the ticked enterprises.
    del form["preset"]
    form["enterprise_id"] = [str(red["id"])]
    r = await client.post(url, data=form, headers=h, follow_redirects=False)
    assert r.status_code == 303, r.text[:400]
    assert await Batch.count().where(Batch.campaign == campaign["id"]).run() == 1
