"""Which menu entry a page belongs to (safety.pages.nav_items_for): exactly one, the
longest path the page lies under."""

from __future__ import annotations

from safety.pages import NAV, nav_items_for
from safety.tables import Role

PATHS = {path for _, path, _, _ in NAV}


def _active(role: Role, current: str) -> list[str]:
    return [i["path"] for i in nav_items_for(role, PATHS, current) if i["active"]]


def test_a_page_under_two_entries_belongs_to_the_longer_one():
    assert _active(Role.grid_worker, "/patrol/new") == ["/patrol/new"]
    assert _active(Role.grid_worker, "/patrol/logs/new") == ["/patrol/logs"]
    assert _active(Role.grid_worker, "/patrol") == ["/patrol"]
    assert _active(Role.grid_worker, "/patrol/reports/7") == ["/patrol"]


def test_at_most_one_entry_is_current_on_any_page():
    for role in Role:
        for _, path, _, _ in NAV:
            for current in (path, path + "/1", path + "/x/y"):
                assert len(_active(role, current)) <= 1, (role, current)
    assert _active(Role.officer, "/patrol/triage") == ["/patrol/triage"]
