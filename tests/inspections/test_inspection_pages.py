"""The inspector's pages over the real services: the walk saves each answer (a reload
shows it), the hazard form puts errors next to its fields, the outbox's retried hazard or
photo is stored once, submit names what is missing, and scope: another inspector's
inspection is 404, an enterprise user only reads."""

from __future__ import annotations

import re

from inspections.tables import Hazard, Inspection, ItemResult
from safety.tables import Attachment
from tests import factories as f
from tests.imagegen import jpeg, png
from tests.inspections import walkdata
from tests.pages import as_user

JSON = {"Accept": "application/json"}
CONFIRMED = {"confirmed": "1"}  # sent by the confirmation page


def _on(html: str, item_id: int) -> str | None:
    """The answer the page shows as chosen for an item (None: unanswered)."""
    block = html.split(f'id="item-{item_id}"', 1)[1].split("</form>", 1)[0]
    found = re.search(r'class="choice (pass|fail|na) on"', block)
    return found.group(1) if found else None


async def test_the_walk_saves_each_answer_and_a_reload_shows_it(client):
    w = await f.world()
    insp = await walkdata.inspection(w, state="planned")
    h = await as_user(w.inspector)
    url = f"/inspections/{insp['id']}"
    r = await client.get(url, headers=h)
    assert r.status_code == 200 and "开始检查" in r.text and "data-autosave" not in r.text
    r = await client.post(url + "/start", headers=h, follow_redirects=False)
    assert r.status_code == 303
    first, second = insp["items"][0]["id"], insp["items"][1]["id"]
    # Without JavaScript: a form post per item, back to the item's anchor.
    form = {"item_id": str(first), "result": "fail", "note": "无责任制文件"}
    r = await client.post(url + "/results", data=form, headers=h, follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == f"{url}#item-{first}"
    # With JavaScript (the outbox): JSON back, with the progress.
    form = {"item_id": str(second), "result": "na", "note": ""}
    r = await client.post(url + "/results", data=form, headers={**h, **JSON})
    assert r.status_code == 200, r.text
    assert r.json()["items_answered"] == 2 and r.json()["items_total"] == 3
    page = (await client.get(url, headers=h)).text
    assert _on(page, first) == "fail" and _on(page, second) == "na"
    assert _on(page, insp["items"][2]["id"]) is None
    assert "无责任制文件" in page
    assert f'/hazards/new?item_id={first}"' in page  # the failed item offers "log hazard"
    assert "<b data-answered>2</b>" in page


async def test_an_unknown_item_is_a_json_400_naming_it(client):
    w = await f.world()
    insp = await walkdata.inspection(w)
    h = await as_user(w.inspector)
    form = {"item_id": "999999", "result": "pass"}
    r = await client.post(f"/inspections/{insp['id']}/results", data=form, headers={**h, **JSON})
    assert r.status_code == 400
    assert any("999999" in e["key"] for e in r.json()["extra"])
    assert not await ItemResult.exists().where(ItemResult.inspection == insp["id"]).run()


async def test_the_hazard_form_is_prefilled_from_the_item_and_shows_errors_next_to_fields(client):
    w = await f.world()
    insp = await walkdata.inspection(w)
    h = await as_user(w.inspector)
    major = insp["items"][2]
    r = await client.get(
        f"/inspections/{insp['id']}/hazards/new", params={"item_id": major["id"]}, headers=h
    )
    assert r.status_code == 200
    assert major["text"] in r.text and "GB 15577-2018" in r.text
    assert '<option value="major" selected>' in r.text
    assert '<option value="粉尘" selected>' in r.text
    form = {
        "item_id": str(major["id"]),
        "description": "除尘器旁使用普通照明灯具",
        "level": "major",
        "category": "site",
        "subcategory": "粉尘",
        "major_basis": "",
        "deadline": "",
    }
    r = await client.post(f"/inspections/{insp['id']}/hazards", data=form, headers=h)
    assert r.status_code == 400
    field = r.text.split('data-field="major_basis"', 1)[1].split("</div>", 1)[0]
    assert 'role="alert"' in field and "判定依据" in field
    assert "除尘器旁使用普通照明灯具" in r.text  # what was typed is kept
    assert not await Hazard.exists().where(Hazard.inspection == insp["id"]).run()
    form["major_basis"] = "《工贸企业重大事故隐患判定标准》第十三条"
    r = await client.post(
        f"/inspections/{insp['id']}/hazards",
        data=form,
        files={"photos": ("scene.jpg", jpeg(), "image/jpeg")},
        headers=h,
        follow_redirects=False,
    )
    assert r.status_code == 303, r.text
    hazard = await Hazard.objects().where(Hazard.inspection == insp["id"]).first().run()
    assert hazard.level == "major" and hazard.item == major["id"]
    # Back to the failed item (its section opened by ``item=``), not the page bottom.
    assert r.headers["location"].endswith(f"?item={major['id']}#item-{major['id']}")
    photos = await Attachment.count().where(
        Attachment.owner_type == "hazard", Attachment.owner_id == hazard.id
    )
    assert photos == 1
    page = (await client.get(f"/inspections/{insp['id']}", headers=h)).text
    assert f'id="hazard-{hazard.id}"' in page and "/files/" in page


async def test_a_retried_hazard_and_photo_from_the_outbox_are_stored_once(client):
    w = await f.world()
    insp = await walkdata.inspection(w)
    h = await as_user(w.inspector)
    form = {
        "description": "灭火器压力不足",
        "location": "仓库",
        "level": "general",
        "category": "site",
        "subcategory": "消防",
    }
    key = {"Idempotency-Key": f"hazard-{f.n()}"}
    url = f"/inspections/{insp['id']}/hazards"
    first = await client.post(url, data=form, headers={**h, **JSON, **key})
    again = await client.post(url, data=form, headers={**h, **JSON, **key})
    assert first.status_code == 201 and again.status_code == 201, first.text
    assert first.json()["id"] == again.json()["id"]
    assert await Hazard.count().where(Hazard.inspection == insp["id"]) == 1
    hazard_id = first.json()["id"]
    photo = {"file": ("p.jpg", jpeg(), "image/jpeg")}
    key = {"Idempotency-Key": f"photo-{f.n()}"}
    purl = f"{url}/{hazard_id}/photos"
    a = await client.post(purl, data={"kind": "problem"}, files=photo, headers={**h, **JSON, **key})
    b = await client.post(purl, data={"kind": "problem"}, files=photo, headers={**h, **JSON, **key})
    assert a.status_code == 201 and b.status_code == 201, a.text
    assert a.json()["id"] == b.json()["id"]
    assert a.json()["page_thumbnail_url"] == f"/files/{a.json()['id']}/thumbnail"
    count = await Attachment.count().where(
        Attachment.owner_type == "hazard", Attachment.owner_id == hazard_id
    )
    assert count == 1
    r = await client.get(a.json()["page_thumbnail_url"], headers=h)
    assert r.status_code == 200 and r.headers["content-type"].startswith("image/")


async def test_submit_shows_what_is_missing_then_the_page_is_read_only(client):
    w = await f.world()
    insp = await walkdata.inspection(w)
    h = await as_user(w.inspector)
    url = f"/inspections/{insp['id']}"
    first, rest = insp["items"][0]["id"], insp["items"][1:]
    await client.post(url + "/results", data={"item_id": str(first), "result": "pass"}, headers=h)
    r = await client.post(url + "/submit", data=CONFIRMED, headers=h, follow_redirects=False)
    assert r.status_code == 409
    missing = r.text.split('id="missing"', 1)[1].split("</div>", 1)[0]
    for it in rest:
        assert f'href="#item-{it["id"]}"' in missing
    assert f'href="#item-{first}"' not in missing
    assert "#signature-inspector" in missing and "#signature-enterprise" in missing
    assert f'class="item missing" id="item-{rest[0]["id"]}"' in r.text
    for it in rest:
        form = {"item_id": str(it["id"]), "result": "pass"}
        await client.post(url + "/results", data=form, headers=h)
    sig = {"signer": "inspector", "signer_name": "李工"}
    r = await client.post(
        url + "/signatures",
        data=sig,
        files={"file": ("inspector.png", png(), "image/png")},
        headers={**h, **JSON, "Idempotency-Key": f"sig-{f.n()}"},
    )
    assert r.status_code == 201, r.text
    # Without JavaScript: the refusal, with its reason.
    refusal = {
        "signer": "enterprise",
        "signer_name": "",
        "refused": "1",
        "refused_reason": "负责人不在",
    }
    r = await client.post(url + "/signatures", data=refusal, headers=h, follow_redirects=False)
    assert r.status_code == 303, r.text
    r = await client.post(url + "/submit", data=CONFIRMED, headers=h, follow_redirects=False)
    assert r.status_code == 303
    row = await Inspection.select(Inspection.state).where(Inspection.id == insp["id"]).first().run()
    assert row["state"] == "submitted"
    page = (await client.get(url, headers=h)).text
    assert "data-autosave" not in page and "/submit" not in page and "已提交" in page
    assert "负责人不在" in page and "李工" in page
    r = await client.post(
        url + "/results", data={"item_id": str(first), "result": "fail"}, headers=h
    )
    assert r.status_code == 409


async def test_a_signature_without_a_drawing_or_reason_is_an_error_next_to_the_pad(client):
    w = await f.world()
    insp = await walkdata.inspection(w)
    h = await as_user(w.inspector)
    r = await client.post(
        f"/inspections/{insp['id']}/signatures",
        data={"signer": "enterprise", "signer_name": "王经理"},
        headers=h,
    )
    assert r.status_code == 400
    section = r.text.split('id="sign-enterprise"', 1)[1].split("</section>", 1)[0]
    field = section.split('data-field="file"', 1)[1].split("</div>", 1)[0]
    assert 'role="alert"' in field
    assert 'value="王经理"' in section


async def test_another_inspectors_inspection_is_not_found(client):
    w = await f.world()
    other = await f.user("inspector", agency_id=w.agency["id"])
    insp = await walkdata.inspection(w, inspector=other)
    h = await as_user(w.inspector)
    url = f"/inspections/{insp['id']}"
    assert (await client.get(url, headers=h)).status_code == 404
    form = {"item_id": str(insp["items"][0]["id"]), "result": "pass"}
    assert (await client.post(url + "/results", data=form, headers=h)).status_code == 404
    assert (await client.get(url + "/hazards/new", headers=h)).status_code == 404


async def test_an_enterprise_user_reads_the_inspection_but_cannot_walk_it(client):
    w = await f.world()
    insp = await walkdata.inspection(w)
    h = await as_user(w.enterprise_user)
    url = f"/inspections/{insp['id']}"
    r = await client.get(url, headers=h)
    assert r.status_code == 200 and "data-autosave" not in r.text
    form = {"item_id": str(insp["items"][0]["id"]), "result": "pass"}
    assert (await client.post(url + "/results", data=form, headers=h)).status_code == 403
    assert (await client.get(url + "/sign", headers=h)).status_code == 403
    assert (await client.get("/inspections/today", headers=h)).status_code == 403


async def test_today_lists_due_visits_first_then_in_progress_then_the_rest(client):
    import datetime as dt

    from safety.settings import local_today

    w = await f.world()
    today = local_today()
    overdue = await walkdata.inspection(
        w, state="planned", scheduled_on=today - dt.timedelta(days=2)
    )
    due = await walkdata.inspection(w, state="planned")
    going = await walkdata.inspection(w, state="in_progress")
    later = await walkdata.inspection(w, state="planned", scheduled_on=today + dt.timedelta(days=3))
    r = await client.get("/inspections/today", headers=await as_user(w.inspector))
    assert r.status_code == 200
    order = [int(m) for m in re.findall(r'data-visit="(\d+)"', r.text)]
    ours = [i for i in order if i in {overdue["id"], due["id"], going["id"], later["id"]}]
    assert ours.index(overdue["id"]) < ours.index(going["id"])
    assert ours.index(due["id"]) < ours.index(going["id"]) < ours.index(later["id"])
    assert "已逾期" in r.text and w.enterprise["name"] in r.text
