"""A campaign of any length keeps its figures: a ten-year campaign (its first hazard from a
paper record nine and a half years back) and a 2026 campaign holding a demo inspection of
2000-01-03 (outside its period, from before the date rule) answer the figures page, the
stats API and the summary PDF with 200 and the right numbers. The weekly series used to
be one SQL term per week and SQLite refused it past ~990 weeks ("Expression tree is too
large"): 500. Run on both engines (SAFETY_TEST_DATABASE_URL for PostgreSQL)."""

from __future__ import annotations

import datetime as dt

from inspections import services
from inspections.schemas import BatchIn, BatchInspectionsIn, HazardIn
from inspections.tables import Inspection, InspectionInspector
from rectification.figures import series
from safety.settings import local_today
from tests import factories as f
from tests.documents.test_documents import flat, pdftotext
from tests.inspections import factories as fi
from tests.pages import as_user

TODAY = local_today()


def _body(**fields) -> HazardIn:
    return HazardIn(
        description=fields.pop("description", f"隐患{f.n()}"),
        level="general",
        category="site",
        subcategory="电气",
        location="车间",
        legal_basis="《安全生产法》第四十一条",
        suggestion="立即整改",
        **fields,
    )


async def _figures_answer(client, w, campaign: dict, found: int, closed: int, weeks: int):
    """The stats API, the series, the figures page and the summary PDF, each 200."""
    campaign_id = campaign["id"]
    officer = f.headers(w.officer)
    r = await client.get(f"/api/v1/campaigns/{campaign_id}/stats", headers=officer)
    assert r.status_code == 200, r.text
    assert (r.json()["hazards_found"], r.json()["hazards_closed"]) == (found, closed)
    series_weeks = await series.campaign_weekly(f.actor(w.officer), campaign_id)
    assert len(series_weeks) >= weeks
    assert sum(x.found for x in series_weeks) == found
    assert sum(x.closed for x in series_weeks) == closed
    page = await client.get(f"/campaigns/{campaign_id}/figures", headers=await as_user(w.officer))
    assert page.status_code == 200, page.text[:400]
    pdf = await client.get(f"/api/v1/campaigns/{campaign_id}/report.pdf", headers=officer)
    assert pdf.status_code == 200, pdf.text[:400]
    assert pdf.content.startswith(b"%PDF")
    assert campaign["name"] in flat(pdftotext(pdf.content))
    return series_weeks


async def test_a_ten_year_campaign_answers_its_figures_page_stats_and_pdf(client):
    w = await f.world()
    ent = await f.enterprise(w.tree["grid1"]["id"])
    start = TODAY - dt.timedelta(days=3652)
    camp = await fi.campaign(w, [ent["id"]], starts_on=start, ends_on=TODAY + dt.timedelta(days=7))
    officer = f.actor(w.officer)
    batch = await services.add_batch(
        officer,
        camp["id"],
        BatchIn(
            name="十年批次",
            agency_id=w.agency["id"],
            enterprise_ids=[ent["id"]],
            inspector_ids=[w.inspector["id"]],
            starts_on=start,
            ends_on=TODAY,
        ),
    )
    tpl = await fi.checklist(sections=1, items=1)
    paper_day = TODAY - dt.timedelta(days=3470)  # a paper record, entered years later
    made = await services.create_batch_inspections(
        officer, batch["id"], BatchInspectionsIn(checklist_id=tpl["id"], scheduled_on=paper_day)
    )
    inspection = made["items"][0]
    assert inspection["scheduled_on"] == paper_day
    await services.start_inspection(f.actor(w.inspector), inspection["id"])
    await services.log_hazard(f.actor(w.inspector), inspection["id"], _body())
    await services.log_hazard(f.actor(w.inspector), inspection["id"], _body(fixed_on_spot=True))
    weeks = await _figures_answer(client, w, camp, found=2, closed=1, weeks=495)
    # Found in the paper day's week; closed (立行立改, now) in this week.
    assert weeks[0].monday <= start < weeks[0].monday + dt.timedelta(days=7)
    assert [x.monday for x in weeks if x.found] == [paper_day - dt.timedelta(paper_day.weekday())]
    assert [x.found for x in weeks if x.found] == [2]
    assert weeks[-1].closed == 1 and weeks[-1].monday <= TODAY <= weeks[-1].sunday


async def test_a_demo_inspection_outside_its_campaign_does_not_break_the_pages(client):
    """Rows from before the rule (demo data: 2000-01-03 in a campaign of this year) stay
    readable: ~1,400 weeks of series."""
    w = await f.world()
    ent = await f.enterprise(w.tree["grid1"]["id"])
    camp = await fi.campaign(w, [ent["id"]])
    tpl = await fi.checklist(sections=1, items=1)
    old = Inspection(
        kind="campaign",
        campaign=camp["id"],
        enterprise=ent["id"],
        checklist=tpl["id"],
        state="in_progress",
        scheduled_on=dt.date(2000, 1, 3),
        started_at=dt.datetime.now(dt.UTC),
    )
    await old.save().run()
    await InspectionInspector(inspection=old.id, user=w.inspector["id"], is_lead=True).save().run()
    await services.log_hazard(f.actor(w.inspector), old.id, _body())
    weeks = await _figures_answer(client, w, camp, found=1, closed=0, weeks=990)
    assert weeks[0].monday == dt.date(2000, 1, 3) and weeks[0].found == 1
    page = await client.get(f"/campaigns/{camp['id']}", headers=await as_user(w.officer))
    assert page.status_code == 200
