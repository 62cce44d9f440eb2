"""``/hazards?enterprise_id=``: the hazard list page filtered to one enterprise, its name
shown as a chip (× clears it), linked from the enterprise page and the inspection
records. The name is shown only to a reader who may see the enterprise: an officer of
another area, or a bad id, gets no list (404 / 400 naming the field), never a 500."""

from __future__ import annotations

import re

from inspections import services as insp
from inspections.schemas import HazardIn
from tests import factories as f
from tests.inspections import factories as fi
from tests.inspections import walkdata
from tests.pages import as_user
from tests.rectification.test_rectification_api import _open_hazard


def _listed(html: str) -> set[int]:
    body = html.split("<tbody>", 1)[1]
    return {int(x) for x in re.findall(r'<a href="/hazards/(\d+)">', body)}


async def _hazard_elsewhere(w) -> tuple[dict, dict]:
    """A hazard of another enterprise of the World's street (same officer)."""
    other = await f.enterprise(w.tree["grid1"]["id"])
    v = await fi.visit(w, enterprise=other)
    await insp.start_inspection(f.actor(w.inspector), v.inspection["id"])
    data = HazardIn(
        description=f"消防通道堵塞{f.n()}",
        location="仓库",
        level="general",
        category="site",
        subcategory="消防",
        legal_basis="GB 50016-2014",
        suggestion="清理通道",
    )
    return other, await insp.log_hazard(f.actor(w.inspector), v.inspection["id"], data)


async def test_the_officer_lists_one_enterprises_hazards_under_its_name(client):
    w = await f.world()
    mine = await _open_hazard(w)
    other, theirs = await _hazard_elsewhere(w)
    headers = await as_user(w.officer)
    everything = await client.get("/hazards", headers=headers)
    assert {mine["id"], theirs["id"]} <= _listed(everything.text)

    url = f"/hazards?enterprise_id={w.enterprise['id']}"
    r = await client.get(url, headers=headers)
    assert r.status_code == 200, r.text
    assert _listed(r.text) == {mine["id"]}
    chip = re.search(r'id="enterprise-chip">([^<]+)<a href="([^"]+)"', r.text)
    assert chip and chip.group(1).strip() == f"企业：{w.enterprise['name']}"
    assert chip.group(2) == "/hazards"  # × clears the filter
    # filtering again keeps it; the ledger export carries it
    assert f'<input type="hidden" name="enterprise_id" value="{w.enterprise["id"]}">' in r.text
    assert f"/hazards/export.xlsx?enterprise_id={w.enterprise['id']}" in r.text
    # with another filter the chip's × keeps that one
    r = await client.get(url + "&status=pending", headers=headers)
    assert 'id="enterprise-chip"' in r.text and 'href="/hazards?status=pending"' in r.text
    r = await client.get(f"/hazards?enterprise_id={other['id']}", headers=headers)
    assert _listed(r.text) == {theirs["id"]}


async def test_an_officer_of_another_area_gets_nothing(client):
    w = await f.world()
    await _open_hazard(w)
    r = await client.get(
        f"/hazards?enterprise_id={w.enterprise['id']}", headers=await as_user(w.foreign_officer)
    )
    assert r.status_code == 404
    assert w.enterprise["name"] not in r.text
    # an enterprise that does not exist reads the same
    r = await client.get("/hazards?enterprise_id=999999", headers=await as_user(w.officer))
    assert r.status_code == 404


async def test_a_bad_enterprise_id_is_a_field_error(client):
    w = await f.world()
    headers = await as_user(w.officer)
    for bad in ("abc", "0", "-3", "99999999999"):
        r = await client.get(f"/hazards?enterprise_id={bad}", headers=headers)
        assert r.status_code == 400, (bad, r.status_code)
        assert "enterprise_id" in r.text and "<tbody>\n  \n  </tbody>" in r.text


async def test_the_inspector_filters_an_enterprise_they_inspect(client):
    w = await f.world()
    mine = await _open_hazard(w)
    r = await client.get(
        f"/hazards?enterprise_id={w.enterprise['id']}", headers=await as_user(w.inspector)
    )
    assert r.status_code == 200 and _listed(r.text) == {mine["id"]}
    assert f"企业：{w.enterprise['name']}" in r.text


async def test_the_enterprise_page_and_the_records_link_the_filter(client):
    w = await f.world()
    done = await walkdata.inspection(w, state="submitted")
    link = f'href="/hazards?enterprise_id={w.enterprise["id"]}"'
    for user in (w.officer, w.inspector):
        page = await client.get(f"/enterprises/{w.enterprise['id']}", headers=await as_user(user))
        assert page.status_code == 200 and f'id="hazards-link" {link}' in page.text
        history = await client.get("/inspections", headers=await as_user(user))
        record = history.text.split(f'data-record="{done["id"]}"', 1)[1].split('class="record ')[0]
        assert link in record
    # the contact's link is its own list
    own = await client.get(
        f"/enterprises/{w.enterprise['id']}", headers=await as_user(w.enterprise_user)
    )
    assert 'id="hazards-link" href="/hazards"' in own.text
