"""A signer's name too long for its column (Varchar(50): a 500 on PostgreSQL) or a name or
refusal reason with a control character is a 400 naming the field — from the API and from
the page (shown next to the field, status 400) alike — and nothing is stored."""

from __future__ import annotations

import pytest

from inspections.tables import Inspection
from tests import factories as f
from tests.inspections import factories as fi
from tests.inspections.test_submit import keys, sign, started
from tests.pages import as_user

LONGEST = Inspection.inspector_signer_name.length
BAD_NAMES = ["王" * (LONGEST + 1), "王\x00工", "王\x1b工", "王\u202e工"]


async def _nothing_stored(inspection_id: int) -> None:
    row = await Inspection.select().where(Inspection.id == inspection_id).first().run()
    assert row["inspector_signature"] is None and row["inspector_signer_name"] == ""
    assert row["enterprise_signature"] is None and row["enterprise_signer_name"] == ""
    assert row["enterprise_refused_reason"] == ""


@pytest.mark.parametrize("name", BAD_NAMES)
async def test_the_api_refuses_a_bad_signer_name(client, name):
    w = await f.world()
    v = await started(client, w)
    r = await sign(client, w, v, name=name)
    assert r.status_code == 400, r.text
    assert keys(r) == ["signer_name"]
    await _nothing_stored(v.inspection["id"])


async def test_the_api_refuses_a_refusal_reason_with_a_control_character(client):
    w = await f.world()
    v = await started(client, w)
    r = await sign(client, w, v, signer="enterprise", name="", file=False, reason="不在\x07现场")
    assert r.status_code == 400, r.text
    assert keys(r) == ["refused_reason"]
    await _nothing_stored(v.inspection["id"])


@pytest.mark.parametrize("name", BAD_NAMES)
async def test_the_page_shows_a_bad_signer_name_next_to_the_field(client, name):
    w = await f.world()
    v = await started(client, w)
    r = await client.post(
        f"/inspections/{v.inspection['id']}/signatures",
        data={"signer": "inspector", "signer_name": name},
        files={"file": ("inspector.png", fi.png(), "image/png")},
        headers=await as_user(w.inspector),
    )
    assert r.status_code == 400, r.text
    section = r.text.split('id="sign-inspector"', 1)[1].split("</section>", 1)[0]
    assert 'role="alert"' in section.split('data-field="signer_name"', 1)[1].split("</div>", 1)[0]
    await _nothing_stored(v.inspection["id"])
