"""Who is told of a new hazard and how (inspections/services/hazard_news.announcement),
pure: every source has a wording; the enterprise's own general finding tells nobody; a
hazard fixed on the spot (立行立改) is told as closed, never as work to do; Chinese only."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from inspections.services.hazard_news import FOUND_BY, announcement
from inspections.tables import HazardSource

DUE = dt.date(2026, 7, 1)


@pytest.mark.parametrize("source", list(HazardSource), ids=lambda s: s.value)
def test_every_source_has_its_own_wording(source):
    assert source.value in FOUND_BY
    title = announcement(source.value, "major", False, DUE)
    assert title is not None and title.startswith(FOUND_BY[source.value])
    assert "重大隐患" in title and "请于 2026-07-01 前整改" in title
    assert not re.search(r"[A-Za-z]", title)


def test_it_tells_nobody_of_the_enterprises_own_general_finding():
    assert announcement("self_report", "general", False, DUE) is None
    assert announcement("self_report", "major", False, DUE) is not None


def test_a_fixed_on_spot_hazard_is_told_as_closed_not_as_work_to_do():
    title = announcement("inspection", "general", True, DUE)
    assert title == "检查发现一般隐患，已立行立改销号"
    assert "请" not in title and str(DUE) not in title


def test_it_asks_for_rectification_without_a_date_when_none_is_known():
    assert announcement("patrol", "general", False, None) == "网格巡查发现一般隐患，请整改"
