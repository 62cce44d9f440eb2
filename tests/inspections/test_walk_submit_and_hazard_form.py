"""Issue 19, points 3 and 5 on the inspector's pages: the submit goes through a
confirmation that lists what will be locked (also from the signature page), the primary
button follows the state (签字 → 提交); the hazard form shows the failed item's requirement
as a reference with an empty description, returns to that item, and a free-text hazard
gets the 3 closest library items."""

from __future__ import annotations

import re

from inspections.checklists import service as checklists
from inspections.checklists import suggest
from inspections.tables import Hazard, Inspection
from safety.actors import SYSTEM
from tests import factories as f
from tests.imagegen import png
from tests.inspections import walkdata
from tests.pages import as_user

JSON = {"Accept": "application/json"}


async def _answer_all(client, h, insp, result: str = "pass") -> None:
    for it in insp["items"]:
        form = {"item_id": str(it["id"]), "result": result}
        r = await client.post(f"/inspections/{insp['id']}/results", data=form, headers=h)
        assert r.status_code == 303, r.text


async def _sign_inspector(client, h, insp) -> None:
    r = await client.post(
        f"/inspections/{insp['id']}/signatures",
        data={"signer": "inspector", "signer_name": "李工"},
        files={"file": ("inspector.png", png(), "image/png")},
        headers={**h, **JSON, "Idempotency-Key": f"sig-{f.n()}"},
    )
    assert r.status_code == 201, r.text


async def _refuse(client, h, insp) -> None:
    refusal = {"signer": "enterprise", "refused": "1", "refused_reason": "负责人外出"}
    r = await client.post(
        f"/inspections/{insp['id']}/signatures", data=refusal, headers=h, follow_redirects=False
    )
    assert r.status_code == 303, r.text


async def _hazard(client, h, insp, item, level: str, text: str) -> None:
    form = {
        "item_id": str(item["id"]),
        "description": text,
        "level": level,
        "category": "site",
        "subcategory": "粉尘" if level == "major" else "电气",
        "major_basis": "《工贸企业重大事故隐患判定标准》第十三条" if level == "major" else "",
    }
    r = await client.post(
        f"/inspections/{insp['id']}/hazards", data=form, headers=h, follow_redirects=False
    )
    assert r.status_code == 303, r.text


def _classes(html: str, marker: str) -> str:
    """The class attribute of the first element carrying ``marker``."""
    tag = re.search(r"<(?:a|button)[^>]*" + re.escape(marker) + r"[^>]*>", html)
    assert tag, marker
    return re.search(r'class="([^"]*)"', tag.group(0)).group(1)


def _submit_button(html: str) -> str:
    form = html.split("data-submit>", 1)[1].split("</form>", 1)[0]
    return re.search(r'<button type="submit" class="([^"]*)"', form).group(1)


# ---------------------------------------------------------------- submit with care


async def test_a_submit_without_confirmation_changes_nothing_and_shows_the_confirmation(client):
    w = await f.world()
    insp = await walkdata.inspection(w)
    h = await as_user(w.inspector)
    await _answer_all(client, h, insp)
    await _sign_inspector(client, h, insp)
    await _refuse(client, h, insp)
    url = f"/inspections/{insp['id']}/submit"
    r = await client.post(url, headers=h, follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == url
    row = await Inspection.select(Inspection.state).where(Inspection.id == insp["id"]).first()
    assert row["state"] == "in_progress"
    r = await client.post(url, data={"confirmed": "1"}, headers=h, follow_redirects=False)
    assert r.status_code == 303
    row = await Inspection.select(Inspection.state).where(Inspection.id == insp["id"]).first()
    assert row["state"] == "submitted"


async def test_the_confirmation_lists_what_will_be_locked(client):
    w = await f.world()
    insp = await walkdata.inspection(w)
    h = await as_user(w.inspector)
    await _answer_all(client, h, insp)
    fail = {"item_id": str(insp["items"][2]["id"]), "result": "fail"}
    await client.post(f"/inspections/{insp['id']}/results", data=fail, headers=h)
    await _hazard(client, h, insp, insp["items"][1], "general", "配电箱门缺失")
    await _hazard(client, h, insp, insp["items"][2], "major", "除尘器旁使用普通照明灯具")
    await _sign_inspector(client, h, insp)
    await _refuse(client, h, insp)
    r = await client.get(f"/inspections/{insp['id']}/submit", headers=h)
    assert r.status_code == 200
    lock = r.text.split("data-lock>", 1)[1].split("</section>", 1)[0]
    assert "已查 3/3 项（合格 2，不合格 1，不适用 0）" in lock
    assert "共 2 条（一般隐患 1 条，重大隐患 1 条）" in lock
    assert "配电箱门缺失" in lock and "除尘器旁使用普通照明灯具" in lock
    assert "李工 已签字" in lock and "企业拒签：负责人外出" in lock
    assert 'name="confirmed" value="1"' in r.text and "确认提交" in r.text
    assert "提交后以下内容将锁定" in lock


async def test_the_confirmation_names_what_is_missing_and_offers_no_submit(client):
    w = await f.world()
    insp = await walkdata.inspection(w)
    h = await as_user(w.inspector)
    r = await client.get(f"/inspections/{insp['id']}/submit", headers=h)
    assert r.status_code == 200
    missing = r.text.split('id="missing"', 1)[1].split("</div>", 1)[0]
    for it in insp["items"]:
        assert f'href="/inspections/{insp["id"]}#item-{it["id"]}"' in missing
    assert f"/inspections/{insp['id']}#signature-enterprise" in missing
    assert 'name="confirmed"' not in r.text


async def test_the_primary_button_follows_the_signatures_and_the_sign_page_submits(client):
    w = await f.world()
    insp = await walkdata.inspection(w)
    h = await as_user(w.inspector)
    walk = (await client.get(f"/inspections/{insp['id']}", headers=h)).text
    assert _classes(walk, "data-sign-link") == "button big"  # 去签字 is primary
    assert _submit_button(walk) == "big secondary"
    sign = (await client.get(f"/inspections/{insp['id']}/sign", headers=h)).text
    assert "data-sign-submit" not in sign
    await _sign_inspector(client, h, insp)
    sign = (await client.get(f"/inspections/{insp['id']}/sign", headers=h)).text
    assert "data-sign-submit" not in sign  # one of two is not both
    await _refuse(client, h, insp)
    walk = (await client.get(f"/inspections/{insp['id']}", headers=h)).text
    assert _classes(walk, "data-sign-link") == "button big secondary"
    assert _submit_button(walk) == "big"
    assert f'action="/inspections/{insp["id"]}/submit"' in walk
    sign = (await client.get(f"/inspections/{insp['id']}/sign", headers=h)).text
    block = sign.split("data-sign-submit>", 1)[1].split("</section>", 1)[0]
    assert f'method="get" action="/inspections/{insp["id"]}/submit"' in block
    assert '<button type="submit" class="big">' in block


# ---------------------------------------------------------------- the hazard form


async def test_the_hazard_form_shows_the_requirement_and_starts_with_an_empty_description(
    client,
):
    w = await f.world()
    insp = await walkdata.inspection(w)
    h = await as_user(w.inspector)
    item = insp["items"][1]
    r = await client.get(
        f"/inspections/{insp['id']}/hazards/new", params={"item_id": item["id"]}, headers=h
    )
    assert r.status_code == 200
    field = r.text.split('data-field="description"', 1)[1].split("</div>\n</div>", 1)[0]
    area = re.search(r"<textarea[^>]*>(.*?)</textarea>", field, re.S)
    assert area.group(1) == "" and " required" in area.group(0)
    ref = field.split("data-requirement>", 1)[1].split("</div>", 1)[0]
    assert item["text"] in ref and "检查要求（参考）" in ref
    assert "GB 50054-2011" in r.text  # the basis is still prefilled
    # Sent empty, the description is an error next to it and nothing is stored.
    form = {
        "item_id": str(item["id"]),
        "description": "",
        "level": "general",
        "category": "site",
        "subcategory": "电气",
    }
    r = await client.post(f"/inspections/{insp['id']}/hazards", data=form, headers=h)
    assert r.status_code == 400
    assert 'role="alert"' in r.text.split('data-field="description"', 1)[1].split("</div>", 2)[1]
    assert not await Hazard.exists().where(Hazard.inspection == insp["id"]).run()


async def test_saving_a_hazard_returns_to_its_item_with_the_section_open(client):
    w = await f.world()
    insp = await walkdata.inspection(w)
    h = await as_user(w.inspector)
    await _answer_all(client, h, insp)
    item = insp["items"][0]  # the first section, closed once everything is answered
    await client.post(
        f"/inspections/{insp['id']}/results",
        data={"item_id": str(item["id"]), "result": "fail"},
        headers=h,
    )
    form = {
        "item_id": str(item["id"]),
        "description": "责任制未覆盖仓库岗位",
        "level": "general",
        "category": "management",
        "subcategory": "制度/培训",
    }
    r = await client.post(
        f"/inspections/{insp['id']}/hazards", data=form, headers=h, follow_redirects=False
    )
    assert r.status_code == 303
    target = r.headers["location"]
    assert target == f"/inspections/{insp['id']}?item={item['id']}#item-{item['id']}"
    page = (await client.get(target.split("#")[0], headers=h)).text
    assert re.search(r'<details class="section complete" id="section-1" open>', page)
    plain = (await client.get(f"/inspections/{insp['id']}", headers=h)).text
    assert '<details class="section complete" id="section-1">' in plain


async def test_a_hazard_without_an_item_offers_suggestions_and_returns_to_itself(client):
    w = await f.world()
    insp = await walkdata.inspection(w)
    h = await as_user(w.inspector)
    r = await client.get(f"/inspections/{insp['id']}/hazards/new", headers=h)
    assert "data-suggest-input" in r.text and 'data-url="/inspections/suggest"' in r.text
    assert "/static/inspections/suggest.js" in r.text and "data-requirement" not in r.text
    form = {
        "description": "消防通道堆放杂物",
        "level": "general",
        "category": "site",
        "subcategory": "消防",
    }
    r = await client.post(
        f"/inspections/{insp['id']}/hazards", data=form, headers=h, follow_redirects=False
    )
    hazard = await Hazard.objects().where(Hazard.inspection == insp["id"]).first().run()
    assert r.headers["location"] == f"/inspections/{insp['id']}#hazard-{hazard.id}"


# ---------------------------------------------------------------- suggestions


def _library_body(n: int) -> dict:
    text = f"冷库{n}号氨制冷机房应设置氨气浓度报警装置，报警装置与事故排风机联锁"
    return {
        "code": f"suggest_{n}",
        "name": "建议测试检查表",
        "domain": "制冷",
        "sections": [
            {
                "title": "制冷",
                "items": [
                    {
                        "code": f"ZL-{n}",
                        "text": text,
                        "legal_basis": "GB 50072-2021 第8.3条",
                        "category": "site",
                        "subcategory": "危化品",
                        "default_level": "major",
                        "major_basis": "《工贸企业重大事故隐患判定标准》第九条",
                    }
                ],
            }
        ],
    }


async def test_suggest_returns_the_closest_library_items_with_basis_and_level(client):
    w = await f.world()
    n = f.n()
    await checklists.publish(SYSTEM, _library_body(n))
    h = await as_user(w.inspector)
    r = await client.get(
        "/inspections/suggest", params={"q": f"{n}号氨制冷机房没有氨气报警"}, headers=h
    )
    assert r.status_code == 200
    items = r.json()["items"]
    assert 1 <= len(items) <= 3
    first = items[0]
    assert first["code"] == f"ZL-{n}" and first["legal_basis"] == "GB 50072-2021 第8.3条"
    assert first["default_level"] == "major" and first["subcategory"] == "危化品"
    assert set(first) == {
        "code",
        "text",
        "legal_basis",
        "default_level",
        "major_basis",
        "category",
        "subcategory",
    }
    r = await client.get("/inspections/suggest", params={"q": "氨"}, headers=h)
    assert r.json() == {"items": []}  # one character means nothing


async def test_suggest_is_for_the_library_readers_only(client):
    w = await f.world()
    for user, status in (
        (w.inspector, 200),
        (w.officer, 200),
        (w.enterprise_user, 200),
        (w.grid_worker, 403),
    ):
        r = await client.get(
            "/inspections/suggest",
            params={"q": "灭火器过期"},
            headers=await as_user(user),
            follow_redirects=False,
        )
        assert r.status_code == status, (user["role"], r.text)
    client.cookies.clear()
    r = await client.get("/inspections/suggest", params={"q": "灭火器过期"}, follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"].startswith("/login")


async def test_the_suggest_index_is_rebuilt_when_the_library_changes(client):
    w = await f.world()
    await suggest.index()
    before = suggest._cache["stamp"]
    n = f.n()
    await checklists.publish(SYSTEM, _library_body(n))
    found = await suggest.suggest(f.actor(w.inspector), f"{n}号氨制冷机房氨气报警")
    assert suggest._cache["stamp"] != before
    assert found[0]["code"] == f"ZL-{n}"


async def test_the_confirmation_speaks_one_language_at_a_time(client):
    w = await f.world()
    insp = await walkdata.inspection(w)
    h = await as_user(w.inspector)
    await _answer_all(client, h, insp)
    await _sign_inspector(client, h, insp)
    await _refuse(client, h, insp)
    en = {**h, "Cookie": h["Cookie"] + "; lang=en"}
    r = await client.get(f"/inspections/{insp['id']}/submit", headers=en)
    lock = r.text.split("data-lock>", 1)[1].split("</section>", 1)[0]
    assert "Items: 3/3 answered (3 pass, 0 fail, 0 N/A)" in lock
    assert "Inspector&#39;s signature: Signed by 李工" in lock or (
        "Inspector's signature: Signed by 李工" in lock
    )
    assert "：" not in lock and "提交后" not in lock
