"""An evidence submission's ``photo_ids`` past PostgreSQL's ``integer`` (or no number at
all) is a 400 naming the field, from the API and from the page alike; nothing is stored,
not even the photo the same page post uploaded."""

from __future__ import annotations

import pytest

from inspections.tables import Hazard
from rectification.tables import EvidenceSubmission
from safety.schemas import MAX_DB_INT
from safety.settings import local_today
from safety.tables import Attachment
from tests import factories as f
from tests.inspections import factories as fi
from tests.pages import as_user
from tests.rectification.test_rectification_api import _keys, _open_hazard


async def _unchanged(hazard_id: int) -> None:
    row = await Hazard.select(Hazard.status).where(Hazard.id == hazard_id).first().run()
    assert row["status"] == "pending"
    assert not await EvidenceSubmission.exists().where(EvidenceSubmission.hazard == hazard_id).run()


@pytest.mark.parametrize("photo", [MAX_DB_INT + 1, 3000000000, 2**63])
async def test_the_api_refuses_a_photo_id_out_of_range(client, photo):
    w = await f.world()
    h = await _open_hazard(w)
    r = await client.post(
        f"/api/v1/hazards/{h['id']}/submissions",
        json={"description": "已整改", "completed_on": str(local_today()), "photo_ids": [photo]},
        headers=f.headers(w.enterprise_user),
    )
    assert r.status_code == 400, r.text
    assert _keys(r) == ["photo_ids.0"]  # the request body's own refusal, as for any list
    await _unchanged(h["id"])


@pytest.mark.parametrize("photo", [str(MAX_DB_INT + 1), "3000000000", "99999999999", "²"])
async def test_the_page_refuses_a_ticked_photo_id_out_of_range(client, photo):
    w = await f.world()
    h = await _open_hazard(w)
    before = await Attachment.count().run()
    r = await client.post(
        f"/hazards/{h['id']}/evidence",
        data={
            "description": "已整改",
            "completed_on": str(local_today()),
            "action": "submit",
            "photo_ids": photo,
        },
        files={"photos": ("after.jpg", fi.jpeg(), "image/jpeg")},
        headers=await as_user(w.enterprise_user),
    )
    assert r.status_code == 400, r.text
    assert 'class="field invalid"' in r.text and "已整改" in r.text  # the input kept
    await _unchanged(h["id"])
    assert await Attachment.count().run() == before  # the upload waited for the ids
