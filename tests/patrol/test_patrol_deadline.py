"""A patrol report's hazard shows its effective deadline: once an officer approves an
extension, the grid worker's report pages and the patrol figures' hazard list give the new
date, not the original one (and a row from before the column was filled falls back to
the original deadline)."""

from __future__ import annotations

import datetime as dt

from inspections.patrol import views
from inspections.patrol.figure_records import figure_records
from inspections.tables import Hazard
from rectification import services as rect
from rectification.schemas import DecisionIn, ExtensionIn
from rectification.tables import ExtensionRequest
from safety.settings import local_today
from tests import factories as f
from tests.pages import as_user
from tests.patrol.helpers import HAZARD, report, triage


async def _extended(w: f.World) -> tuple[dict, dt.date, dt.date]:
    """A report become a hazard whose deadline an officer extended by 20 days."""
    r = await report(w.grid_worker, enterprise_id=w.enterprise["id"])
    done = await triage(w.officer, r["id"], **HAZARD)
    hazard = await Hazard.select().where(Hazard.id == done["hazard_id"]).first().run()
    original = hazard["deadline"]
    new = original + dt.timedelta(days=20)
    await rect.request_extension(
        f.actor(w.enterprise_user), hazard["id"], ExtensionIn(new_deadline=new, reason="等配件")
    )
    request = await ExtensionRequest.select().where(ExtensionRequest.hazard == hazard["id"]).first()
    await rect.decide_extension(f.actor(w.officer), request["id"], DecisionIn(approved=True))
    return done, original, new


async def test_the_report_shows_the_extended_deadline(client):
    w = await f.world()
    done, original, new = await _extended(w)
    worker = f.actor(w.grid_worker)
    assert (await views.get_report(worker, done["id"]))["hazard_deadline"] == new
    rows, _ = await views.list_reports(worker, views.ReportFilter())
    assert [r["hazard_deadline"] for r in rows if r["id"] == done["id"]] == [new]
    h = await as_user(w.grid_worker)
    for path in ("/patrol", f"/patrol/reports/{done['id']}"):
        page = await client.get(path, headers=h)
        assert page.status_code == 200, page.text
        assert new.isoformat() in page.text and original.isoformat() not in page.text, path
    # a row the backfill never reached (effective deadline null): the original deadline
    await (
        Hazard.update({Hazard.effective_deadline: None}).where(Hazard.id == done["hazard_id"]).run()
    )
    assert (await views.get_report(worker, done["id"]))["hazard_deadline"] == original


async def test_the_figures_hazard_list_shows_the_extended_deadline():
    w = await f.world()
    done, original, new = await _extended(w)
    got = await figure_records(
        f.actor(w.officer), "hazards", w.tree["street"]["id"], local_today(), local_today()
    )
    assert [(h["hazard_id"], h["deadline"]) for h in got["items"]] == [(done["hazard_id"], new)]
    await (
        Hazard.update({Hazard.effective_deadline: None}).where(Hazard.id == done["hazard_id"]).run()
    )
    got = await figure_records(
        f.actor(w.officer), "hazards", w.tree["street"]["id"], local_today(), local_today()
    )
    assert [h["deadline"] for h in got["items"]] == [original]
