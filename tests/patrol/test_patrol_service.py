"""Patrol reports and their triage through the services: scope, transitions, the hazard
a report becomes (with its photos), and the fate the grid worker sees."""

from __future__ import annotations

import pytest

from inspections.patrol import views
from inspections.services.scope import hazard_row
from safety.errors import Conflict, Forbidden, NotFound, ValidationFailed
from safety.files.store import list_for
from safety.tables import Attachment, Notification
from tests import factories as f
from tests.patrol.helpers import HAZARD, report, report_with_photo, triage


@pytest.fixture(scope="module")
async def w():
    return await f.world()


async def test_a_report_defaults_to_the_grid_workers_grid(w):
    r = await report(w.grid_worker, enterprise_id=w.enterprise["id"])
    assert r["status"] == "new"
    assert r["org_unit_id"] == w.tree["grid1"]["id"]
    assert r["enterprise_id"] == w.enterprise["id"]
    assert r["reported_by"] == w.grid_worker["id"]
    assert r["triage"] is None and r["hazard_id"] is None


async def test_it_refuses_a_grid_or_enterprise_outside_the_workers_grids(w):
    with pytest.raises(ValidationFailed) as e:
        await report(w.grid_worker, org_unit_id=w.foreign_tree["grid1"]["id"])
    assert [x["key"] for x in e.value.extra] == ["org_unit_id"]
    with pytest.raises(ValidationFailed) as e:
        await report(w.grid_worker, enterprise_id=w.foreign_enterprise["id"])
    assert [x["key"] for x in e.value.extra] == ["enterprise_id"]
    with pytest.raises(ValidationFailed) as e:
        await report(w.grid_worker, description=" ", address="")
    assert {x["key"] for x in e.value.extra} == {"description", "address"}


async def test_only_grid_workers_report(w):
    with pytest.raises(Forbidden):
        await report(w.officer)


async def test_a_grid_worker_sees_only_their_own_reports(w):
    mine = await report(w.grid_worker)
    theirs = await report(w.foreign_grid_worker)
    assert (await views.get_report(f.actor(w.grid_worker), mine["id"]))["id"] == mine["id"]
    with pytest.raises(NotFound):
        await views.get_report(f.actor(w.grid_worker), theirs["id"])
    with pytest.raises(NotFound):
        await views.get_report(f.actor(w.officer), theirs["id"])
    rows, total = await views.list_reports(f.actor(w.grid_worker), views.ReportFilter())
    assert {r["reported_by"] for r in rows} == {w.grid_worker["id"]}
    assert total == len(rows)


async def test_a_report_becomes_a_hazard_with_its_photos(w):
    r = await report_with_photo(w.grid_worker, enterprise_id=w.enterprise["id"])
    done = await triage(w.officer, r["id"], **HAZARD)
    assert done["status"] == "hazard" and done["hazard_status"] == "pending"
    assert done["triage"]["action"] == "hazard"
    hazard = await hazard_row(f.actor(w.officer), done["hazard_id"])
    assert hazard["source"] == "patrol" and hazard["enterprise"] == w.enterprise["id"]
    assert hazard["description"] == r["description"]
    photos = (await list_for("hazard", [hazard["id"]]))[hazard["id"]]
    assert [p["kind"] for p in photos] == ["problem"]
    # The grid worker may now see that hazard (read only); the enterprise was told.
    assert (await hazard_row(f.actor(w.grid_worker), hazard["id"]))["id"] == hazard["id"]
    told = (
        await Notification.exists()
        .where(Notification.user == w.enterprise_user["id"], Notification.object_id == hazard["id"])
        .run()
    )
    assert told


async def test_a_triaged_report_cannot_be_triaged_again(w):
    r = await report(w.grid_worker)
    await triage(w.officer, r["id"], action="dismiss", reason="已现场整改完毕")
    with pytest.raises(Conflict):
        await triage(w.officer, r["id"], action="refer", to="城管执法", reason="占道")


async def test_a_report_without_enterprise_needs_one_to_become_a_hazard(w):
    r = await report(w.grid_worker)
    with pytest.raises(ValidationFailed) as e:
        await triage(w.officer, r["id"], **HAZARD)
    assert [x["key"] for x in e.value.extra] == ["enterprise_id"]
    with pytest.raises(ValidationFailed):
        await triage(w.officer, r["id"], **HAZARD, enterprise_id=w.foreign_enterprise["id"])
    done = await triage(w.officer, r["id"], **HAZARD, enterprise_id=w.enterprise["id"])
    assert done["enterprise_id"] == w.enterprise["id"] and done["status"] == "hazard"


async def test_a_major_hazard_needs_its_basis_and_refer_needs_a_known_department(w):
    r = await report(w.grid_worker, enterprise_id=w.enterprise["id"])
    with pytest.raises(ValidationFailed) as e:
        await triage(w.officer, r["id"], **{**HAZARD, "level": "major"})
    assert [x["key"] for x in e.value.extra] == ["major_basis"]
    with pytest.raises(ValidationFailed) as e:
        await triage(w.officer, r["id"], action="refer", to="不存在的部门", reason="x")
    assert [x["key"] for x in e.value.extra] == ["to"]
    done = await triage(w.officer, r["id"], action="refer", to="市场监管", reason="无照经营")
    assert done["status"] == "referred" and done["triage"]["to"] == "市场监管"


async def test_a_duplicate_shares_the_fate_of_its_original(w):
    first = await report(w.grid_worker, enterprise_id=w.enterprise["id"])
    first = await triage(w.officer, first["id"], **HAZARD)
    second = await report(w.grid_worker, enterprise_id=w.enterprise["id"])
    untriaged = await report(w.grid_worker)
    with pytest.raises(ValidationFailed):
        await triage(w.officer, second["id"], action="duplicate", duplicate_of=untriaged["id"])
    done = await triage(w.officer, second["id"], action="duplicate", duplicate_of=first["id"])
    assert done["status"] == "hazard" and done["hazard_id"] == first["hazard_id"]
    assert done["triage"]["duplicate_of"] == first["id"]


async def test_an_officer_of_another_street_cannot_triage(w):
    r = await report(w.grid_worker)
    with pytest.raises(NotFound):
        await triage(w.foreign_officer, r["id"], action="dismiss", reason="x")
    with pytest.raises(Forbidden):
        await triage(w.grid_worker, r["id"], action="dismiss", reason="x")


async def _hazard_photos(hazard_id: int) -> list[dict]:
    return (
        await Attachment.select(Attachment.sha256, Attachment.kind)
        .where(Attachment.owner_type == "hazard", Attachment.owner_id == hazard_id)
        .run()
    )


async def test_a_photo_racing_the_triage_reaches_the_hazard_once(w, monkeypatch):
    """The triage commits between the photo's row and the upload's look at the report: the
    triage copied that photo already, so the upload does not copy it again."""
    from inspections.patrol import service
    from safety.files import store as files
    from tests.imagegen import jpeg

    r = await report(w.grid_worker, enterprise_id=w.enterprise["id"])
    save_bytes = files.save_bytes
    made = {}

    async def triaged_meanwhile(*args, **kwargs):
        row = await save_bytes(*args, **kwargs)
        made.update(await triage(w.officer, r["id"], **HAZARD))
        return row

    monkeypatch.setattr(files, "save_bytes", triaged_meanwhile)
    await service.add_report_photo(f.actor(w.grid_worker), r["id"], jpeg(), "scene.jpg")
    monkeypatch.undo()
    assert len(await _hazard_photos(made["hazard_id"])) == 1
    # a photo arriving after the triage still reaches the hazard, once; the same bytes
    # again add nothing the hazard already has
    late = jpeg(size=(480, 640))
    await service.add_report_photo(f.actor(w.grid_worker), r["id"], late, "late.jpg")
    await service.add_report_photo(f.actor(w.grid_worker), r["id"], late, "late.jpg")
    photos = await _hazard_photos(made["hazard_id"])
    assert len(photos) == 2 and len({p["sha256"] for p in photos}) == 2
    assert {p["kind"] for p in photos} == {"problem"}
