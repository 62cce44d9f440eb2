"""The enterprise's hazard list groups (rectification/page_views.grouped), pure: the
life-cycle order of the groups, the nearest deadline first among open hazards, the latest
first among closed ones."""

from __future__ import annotations

import datetime as dt

from rectification.page_views import grouped

TODAY = dt.date(2026, 11, 27)


def _h(i: int, status: str, deadline: str, found: str = "2026-01-05", rectified=None) -> dict:
    return {
        "id": i,
        "status": status,
        "deadline": dt.date.fromisoformat(deadline),
        "effective_deadline": dt.date.fromisoformat(deadline),
        "found_on": dt.date.fromisoformat(found),
        "rectified_on": dt.date.fromisoformat(rectified) if rectified else None,
    }


def test_groups_follow_the_life_cycle_and_open_ones_the_nearest_deadline():
    out = grouped(
        [
            _h(1, "closed", "2026-02-01", rectified="2026-01-20"),
            _h(2, "rectifying", "2026-12-10"),
            _h(3, "pending", "2026-12-20"),
            _h(4, "pending", "2026-12-01"),
        ],
        TODAY,
    )
    assert [g["status"] for g in out] == ["pending", "rectifying", "closed"]
    assert [h["id"] for h in out[0]["hazards"]] == [4, 3]


def test_the_hazard_closed_last_heads_the_closed_group():
    out = grouped(
        [
            _h(1, "closed", "2025-03-01", found="2025-02-01", rectified="2025-02-20"),
            _h(2, "closed", "2026-12-13", found="2026-11-20", rectified="2026-11-27"),
            _h(3, "closed", "2026-01-10", found="2026-01-01", rectified="2026-01-08"),
        ],
        TODAY,
    )
    assert [h["id"] for h in out[0]["hazards"]] == [2, 3, 1]
