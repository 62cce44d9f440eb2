"""Property: the SQL figures equal a plain Python reconstruction of the same generated
history (tests/figures/records.py), for every breakdown, as of days before, between and
after the recorded changes (before today: rebuilt from the history; today and later: read
from the current columns), and the lists behind each number have that number as total.
Runs on the engine the suite runs on (SQLite, or PostgreSQL with SAFETY_TEST_DATABASE_URL).
"""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from inspections.services import HazardFilter, list_hazards
from rectification.figures import definitions as d
from rectification.figures import service
from safety.actors import Actor
from safety.errors import NotFound
from safety.settings import local_today
from safety.tables import Role
from tests.figures import records

HAZARD_FIELDS = {
    "hazards_found": "found",
    "hazards_major": "major",
    "hazards_general": "general",
    "hazards_closed": "closed",
    "hazards_major_closed": "major_closed",
    "hazards_general_closed": "general_closed",
    "hazards_closed_on_time": "on_time",
    "hazards_overdue": "overdue",
    "hazards_open": "open",
}


def officer_of(unit: dict) -> Actor:
    return Actor(user_id=0, username="figures", role=Role.officer, org_unit_id=unit["id"])


def _expected_rate(num: int, den: int) -> float | None:
    return None if den == 0 else num / den


def check_figures(out: dict, counts: dict[str, int], with_enterprises: bool) -> None:
    for name, figure in HAZARD_FIELDS.items():
        assert out[name] == counts.get(figure, 0), (name, out, counts)
    assert out["rectification_rate"] == _expected_rate(
        counts.get("closed", 0), counts.get("found", 0)
    )
    assert out["major_rectification_rate"] == _expected_rate(
        counts.get("major_closed", 0), counts.get("major", 0)
    )
    assert out["on_time_rate"] == _expected_rate(counts.get("on_time", 0), counts.get("closed", 0))
    if with_enterprises:
        assert out["enterprises_planned"] == counts.get("planned", 0)
        assert out["enterprises_inspected"] == counts.get("inspected", 0)
        assert out["inspection_completion_rate"] == _expected_rate(
            counts.get("inspected", 0), counts.get("planned", 0)
        )


def _group_filter(group_by: str | None, key) -> dict:
    if group_by in ("batch", "agency"):
        return {f"{group_by}_id": key or 0}
    if group_by == "industry":
        return {"industry": key or "none"}
    if group_by in ("community", "grid"):
        return {"org_unit_id": key}
    return {}


async def _check(spec, offsets, group_by, figure, agency, checklist) -> None:
    made = await records.insert(spec, agency, checklist["id"])
    base_day = records._local_day(records._base())
    street_officer = officer_of(made.street)
    everyone = {e["id"] for e in made.enterprises}
    in_a = {e["id"] for e in made.enterprises[:2]}
    for offset in offsets:
        day = base_day + dt.timedelta(days=offset)
        out = await service.campaign_stats(street_officer, made.campaign_id, day, group_by)
        assert out["as_of"] == day
        check_figures(out, records.reference(made, day, None, everyone).get(None, {}), True)
        if group_by:
            expected = records.reference(made, day, group_by, everyone)
            got = {g["key"]: g for g in out["groups"]}
            assert set(got) == set(expected), (got, expected)
            for key, counts in expected.items():
                check_figures(got[key], counts, True)
        # the records behind a number: the list's total is the number
        key = out["groups"][0]["key"] if group_by and out["groups"] else None
        counts = (
            records.reference(made, day, group_by, everyone).get(key, {})
            if group_by and out["groups"]
            else records.reference(made, day, None, everyone).get(None, {})
        )
        flt = HazardFilter(
            campaign_id=made.campaign_id,
            figure=figure,
            as_of=day,
            **(_group_filter(group_by, key) if group_by and out["groups"] else {}),
        )
        if group_by in ("community", "grid") and key is None:
            flt.org_unit_id = None
            flt = HazardFilter(campaign_id=-1)  # no enterprise sits outside a unit here
            counts = {}
        _, total = await list_hazards(street_officer, flt, limit=1)
        assert total == counts.get(figure, 0), (figure, group_by, key)
        for which in ("planned", "inspected"):
            _, n = await service.campaign_enterprises(
                street_officer,
                made.campaign_id,
                which,
                day,
                group_by if group_by and out["groups"] else None,
                key,
                limit=1,
            )
            assert n == counts.get(which, 0), (which, group_by, key)
        # a community officer counts their community's hazards only, never the other's
        community_a = officer_of(made.communities["A"])
        unit = await service.org_unit_stats(
            community_a, made.communities["A"]["id"], as_of=day, group_by=group_by
        )
        check_figures(unit, records.reference(made, day, None, in_a).get(None, {}), False)
        whole = await service.org_unit_stats(street_officer, made.street["id"], as_of=day)
        check_figures(whole, records.reference(made, day, None, everyone).get(None, {}), False)
    with pytest.raises(NotFound):
        await service.org_unit_stats(officer_of(made.communities["A"]), made.communities["B"]["id"])


def test_sql_figures_equal_the_python_reconstruction(loop, fixed):
    agency, checklist = fixed
    span_days = records.SPAN // records.DAY
    today_offset = (local_today() - records._local_day(records._base())).days

    @settings(
        max_examples=25,
        deadline=None,
        database=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    )
    @given(
        spec=records.worlds(),
        offsets=st.lists(
            st.one_of(st.integers(-2, span_days + 1), st.just(today_offset)),
            min_size=1,
            max_size=3,
        ),
        group_by=st.sampled_from((None, *d.GROUPS)),
        figure=st.sampled_from(d.FIGURES),
    )
    def check(spec, offsets, group_by, figure):
        loop.run_until_complete(_check(spec, offsets, group_by, figure, agency, checklist))

    check()
