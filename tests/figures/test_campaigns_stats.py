"""The dashboard reads the figures of all its campaigns in one statement
(``service.campaigns_stats``): they equal each campaign's own ``campaign_stats``, as of
days before, between and after the recorded changes, for several generated campaigns of
one street; and the dashboard takes as many queries for three campaigns as for one."""

from __future__ import annotations

import datetime as dt

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from rectification.figures import dashboard, service
from safety.actors import SYSTEM
from safety.orgs import OrgUnitIn, create_org_unit
from safety.settings import local_today
from safety.tables import Campaign
from tests import factories as f
from tests.figures import records
from tests.figures.test_figures_property import officer_of
from tests.pages import as_user
from tests.patrollog.counting import count_queries

SPEC = {
    "planned": {0, 1, 2},
    "batches": {0: {0}, 1: {1}, 2: set()},
    "inspections": [(0, 0, 600), (1, 1, None), (2, None, 30 * records.DAY)],
    "hazards": [
        {
            "inspection": k % 3,
            "level": ("general", "major")[k % 2],
            "created": k * records.DAY,
            "backdate": 0,
            "deadline": 3,
            "steps": [("rectifying", k * records.DAY + 60), ("submitted", (k + 2) * records.DAY)],
            "extensions": [((k + 1) * records.DAY, 10, "approved")],
            "rectified": 2,
        }
        for k in range(4)
    ],
}


async def _street() -> dict:
    return await create_org_unit(SYSTEM, OrgUnitIn(name=f"多活动街道{f.n()}", kind="street"))


async def _check(specs, offsets, agency, checklist) -> None:
    street = await _street()
    made = [await records.insert(s, agency, checklist["id"], street) for s in specs]
    officer = officer_of(street)
    ids = [m.campaign_id for m in made]
    base_day = records._local_day(records._base())
    for offset in offsets:
        day = base_day + dt.timedelta(days=offset)
        together = await service.campaigns_stats(officer, ids, day)
        assert together == {i: await service.campaign_stats(officer, i, day) for i in ids}
    today = local_today()
    cards = await dashboard.dashboard_cards(officer, today)
    assert [c["id"] for c in cards] == sorted(ids, reverse=True)
    for card in cards:
        assert card["stats"] == await service.campaign_stats(officer, card["id"], today)
    # a community's officer sees none of the street's campaigns
    community = officer_of(made[0].communities["A"])
    assert await service.campaigns_stats(community, ids, today) == {}


def test_several_campaigns_at_once_equal_each_campaigns_stats(loop, fixed):
    agency, checklist = fixed
    span_days = records.SPAN // records.DAY
    today_offset = (local_today() - records._local_day(records._base())).days

    @settings(
        max_examples=12,
        deadline=None,
        database=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    )
    @given(
        specs=st.lists(records.worlds(), min_size=1, max_size=3),
        offsets=st.lists(
            st.one_of(st.integers(-2, span_days + 1), st.just(today_offset)),
            min_size=1,
            max_size=3,
        ),
    )
    def check(specs, offsets):
        loop.run_until_complete(_check(specs, offsets, agency, checklist))

    check()


async def test_the_dashboard_takes_as_many_queries_for_three_campaigns_as_for_one(client, fixed):
    agency, checklist = fixed
    street = await _street()
    officer = await f.user("officer", org_unit_id=street["id"])
    headers = await as_user(officer)
    counts = []
    for added, running, ended in ((2, 1, 1), (3, 3, 2)):
        for _ in range(added):
            await records.insert(SPEC, agency, checklist["id"], street)
        await _end(street)
        with count_queries() as counted:
            r = await client.get("/dashboard", headers=headers)
        assert r.status_code == 200
        assert r.text.count('id="campaign-') == running
        assert r.text.count('<tr id="ended-') == ended
        counts.append(counted.count)
    assert counts[0] == counts[1], counts


async def _end(street: dict) -> None:
    """The street's first running campaign ended yesterday."""
    today = local_today()
    first = (
        await Campaign.select(Campaign.id)
        .where(Campaign.org_unit == street["id"], Campaign.ends_on >= today)
        .order_by(Campaign.id)
        .first()
        .run()
    )
    await (
        Campaign.update({Campaign.ends_on: today - dt.timedelta(days=1)})
        .where(Campaign.id == first["id"])
        .run()
    )
