"""What each triage needs, through the API, and that a refused triage changes nothing:
dismiss needs a reason, refer a department of the admin's list (and a note), a duplicate
an already triaged report of the officer's area (it then shares that report's fate)."""

from __future__ import annotations

import pytest

from tests import factories as f
from tests.patrol.helpers import report, triage

REPORTS = "/api/v1/patrol-reports"


@pytest.fixture(scope="module")
async def w():
    return await f.world()


async def _triage(client, officer, report_id: int, body: dict):
    return await client.post(f"{REPORTS}/{report_id}/triage", json=body, headers=f.headers(officer))


async def _still_new(client, w, report_id: int) -> None:
    got = await client.get(f"{REPORTS}/{report_id}", headers=f.headers(w.officer))
    assert got.json()["status"] == "new" and got.json()["triage"] is None


@pytest.mark.parametrize(
    ("body", "keys"),
    [
        ({"action": "dismiss"}, ["reason"]),
        ({"action": "dismiss", "reason": "   "}, ["reason"]),
        ({"action": "refer", "reason": "无照经营"}, ["to"]),
        ({"action": "refer", "to": "不存在的部门", "reason": "无照经营"}, ["to"]),
        ({"action": "refer", "to": "市场监管"}, ["reason"]),
        ({"action": "duplicate"}, ["duplicate_of"]),
        ({"action": "duplicate", "duplicate_of": 987654321}, ["duplicate_of"]),
    ],
)
async def test_a_triage_missing_what_it_needs_is_a_400_naming_it(client, w, body, keys):
    r = await report(w.grid_worker)
    answer = await _triage(client, w.officer, r["id"], body)
    assert answer.status_code == 400, answer.text
    assert [e["key"] for e in answer.json()["extra"]] == keys
    await _still_new(client, w, r["id"])


async def test_a_duplicate_must_name_a_triaged_report_of_the_area(client, w):
    r = await report(w.grid_worker)
    untriaged = await report(w.grid_worker)
    foreign = await report(w.foreign_grid_worker)
    await triage(w.foreign_officer, foreign["id"], action="dismiss", reason="非安全问题")
    for original in (untriaged["id"], r["id"], foreign["id"]):
        answer = await _triage(
            client, w.officer, r["id"], {"action": "duplicate", "duplicate_of": original}
        )
        assert answer.status_code == 400, (original, answer.text)
        assert [e["key"] for e in answer.json()["extra"]] == ["duplicate_of"]
    await _still_new(client, w, r["id"])


@pytest.mark.parametrize(
    ("first", "status", "to"),
    [
        ({"action": "dismiss", "reason": "非安全生产问题"}, "dismissed", None),
        ({"action": "refer", "to": "城管执法", "reason": "占道经营"}, "referred", "城管执法"),
    ],
)
async def test_a_duplicate_shares_its_originals_fate(client, w, first, status, to):
    original = await report(w.grid_worker)
    await triage(w.officer, original["id"], **first)
    again = await report(w.grid_worker)
    answer = await _triage(
        client, w.officer, again["id"], {"action": "duplicate", "duplicate_of": original["id"]}
    )
    assert answer.status_code == 200, answer.text
    done = answer.json()
    assert (done["status"], done["hazard_id"]) == (status, None)
    assert done["triage"]["duplicate_of"] == original["id"]
    assert done["triage"]["to"] == to
    # and the grid worker reads the same fate on their report
    mine = await client.get(f"{REPORTS}/{again['id']}", headers=f.headers(w.grid_worker))
    assert mine.json()["status"] == status
