"""The photos one hazard may hold (SAFETY_MAX_PHOTOS_PER_HAZARD; issue 20, point 7), on every
path that adds one: the inspector's API upload and hazard form, the enterprise's
after-photos, a grid worker's scene photos, and a patrol report's photos (which the hazard
takes at triage). Past the limit: 409 naming ``file``, nothing kept."""

from __future__ import annotations

import pytest

from safety.files import store as files
from safety.settings import get_settings
from safety.tables import Attachment
from tests import factories as f
from tests.imagegen import jpeg
from tests.pages import as_user
from tests.patrol.helpers import HAZARD
from tests.rectification.test_rectification_api import _open_hazard

LIMIT = 2


@pytest.fixture(autouse=True)
def small_limit(monkeypatch):
    monkeypatch.setattr(get_settings(), "max_photos_per_hazard", LIMIT)


async def _count(owner_type: str, owner_id: int) -> int:
    return await Attachment.count().where(
        Attachment.owner_type == owner_type, Attachment.owner_id == owner_id
    )


async def _post_photo(client, url: str, user, n: int, **form):
    photo = {"file": (f"p{n}.jpg", jpeg((100 + n, 80)), "image/jpeg")}
    return await client.post(url, files=photo, data=form or None, headers=f.headers(user))


def _refused(r) -> None:
    assert r.status_code == 409, r.text
    assert [e["key"] for e in r.json()["extra"]] == ["file"]
    assert f"{LIMIT} 张照片" in r.json()["extra"][0]["message"]
    assert f"{LIMIT} photos" in r.json()["extra"][0]["message_en"]


async def test_the_api_refuses_a_photo_past_the_limit_for_inspector_and_enterprise(client):
    w = await f.world()
    h = await _open_hazard(w)
    url = f"/api/v1/hazards/{h['id']}/photos"
    assert (await _post_photo(client, url, w.inspector, 1)).status_code == 201
    assert (await _post_photo(client, url, w.enterprise_user, 2)).status_code == 201
    _refused(await _post_photo(client, url, w.inspector, 3))
    _refused(await _post_photo(client, url, w.enterprise_user, 4))  # an after-photo too
    assert await _count("hazard", h["id"]) == LIMIT


async def test_the_hazard_form_counts_a_photo_past_the_limit_as_not_kept(client):
    w = await f.world()
    h = await _open_hazard(w)
    url = f"/inspections/{h['inspection_id']}/hazards/{h['id']}/photos"
    uploads = [("file", (f"p{i}.jpg", jpeg((90 + i, 60)), "image/jpeg")) for i in range(3)]
    r = await client.post(
        url,
        data={"kind": "problem"},
        files=uploads,
        headers=await as_user(w.inspector),
        follow_redirects=False,
    )
    assert r.status_code == 303, r.text
    assert "photos_failed=1" in r.headers["location"]
    assert await _count("hazard", h["id"]) == LIMIT
    page = await client.get(r.headers["location"], headers=await as_user(w.inspector))
    assert f"每个隐患最多 {LIMIT} 张" in page.text


async def test_a_report_holds_the_limit_and_its_hazard_takes_them_all(client):
    w = await f.world()
    body = {"description": "楼道堆放杂物", "enterprise_id": w.enterprise["id"]}
    r = await client.post("/api/v1/patrol-reports", json=body, headers=f.headers(w.grid_worker))
    report = r.json()
    url = f"/api/v1/patrol-reports/{report['id']}/photos"
    for n in range(LIMIT):
        assert (await _post_photo(client, url, w.grid_worker, n)).status_code == 201
    _refused(await _post_photo(client, url, w.grid_worker, 9))
    assert await _count("patrol_report", report["id"]) == LIMIT
    r = await client.post(
        f"/api/v1/patrol-reports/{report['id']}/triage", json=HAZARD, headers=f.headers(w.officer)
    )
    assert r.status_code == 200, r.text
    hazard_id = r.json()["hazard_id"]
    assert await _count("hazard", hazard_id) == LIMIT
    # the grid worker's scene photo of that hazard finds it full
    _refused(await _post_photo(client, f"/api/v1/hazards/{hazard_id}/photos", w.grid_worker, 5))


async def test_the_limit_is_checked_again_inside_the_insert(client, monkeypatch):
    """An upload that lands between another's early look and its insert takes the last
    place: the later insert is refused, so the hazard never holds more."""
    w = await f.world()
    h = await _open_hazard(w)
    url = f"/api/v1/hazards/{h['id']}/photos"
    assert (await _post_photo(client, url, w.inspector, 1)).status_code == 201
    real = files.save_bytes

    async def raced(*args, **kwargs):
        await real(
            jpeg((55, 55)),
            filename="meanwhile.jpg",
            owner_type="hazard",
            owner_id=h["id"],
            kind="problem",
            actor=f.actor(w.inspector),
        )
        return await real(*args, **kwargs)

    monkeypatch.setattr(files, "save_bytes", raced)
    _refused(await _post_photo(client, url, w.inspector, 2))
    assert await _count("hazard", h["id"]) == LIMIT


def test_the_setting_is_bounded():
    from pydantic import ValidationError

    from safety.settings import Settings

    for bad in (0, 51):
        with pytest.raises(ValidationError):
            Settings(max_photos_per_hazard=bad)
    assert Settings().max_photos_per_hazard == 12
