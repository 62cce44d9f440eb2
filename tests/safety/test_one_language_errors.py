"""Errors in one language (issue 19, point 6): ``detail`` and ``extra[].message`` in the
caller's language, ``detail_en``/``message_en`` the stable English; pages show one half."""

from __future__ import annotations

from tests import factories as f
from tests.pages import as_user


async def test_it_answers_an_api_error_in_chinese_only_with_the_english_beside(client):
    r = await client.get("/api/v1/me")
    assert r.status_code == 401
    body = r.json()
    assert body["detail"] == "需要令牌"
    assert body["detail_en"] == "bearer token required"


async def test_it_answers_in_english_when_the_token_client_asks_for_it(client):
    w = await f.world()
    h = {**f.headers(w.officer), "Accept-Language": "en-GB,en;q=0.9"}
    r = await client.get("/api/v1/hazards", params={"found_from": "nope"}, headers=h)
    assert r.status_code == 400, r.text
    body = r.json()
    assert body["detail"] == body["detail_en"]
    assert not any("\u4e00" <= c <= "\u9fff" for c in body["detail"])
    for item in body["extra"]:
        assert item["key"] and item["message"] == item["message_en"], item


async def test_it_names_each_field_in_chinese_only_by_default(client):
    w = await f.world()
    h = f.headers(w.officer)
    r = await client.get("/api/v1/hazards", params={"found_from": "nope"}, headers=h)
    assert r.status_code == 400, r.text
    body = r.json()
    assert body["extra"], body
    for item in body["extra"]:
        assert "(" not in item["message"] and item["message_en"], item
    assert "(" not in body["detail"]


async def test_it_shows_a_page_error_in_the_cookie_language_only(client):
    w = await f.world()
    h = await as_user(w.officer)
    r = await client.get("/hazards/99999999", headers=h)
    assert r.status_code == 404
    assert "not found" not in r.text
    english = {**h, "Cookie": h["Cookie"] + "; lang=en"}
    r = await client.get("/hazards/99999999", headers=english)
    assert r.status_code == 404 and "not found" in r.text and "隐患不存在" not in r.text


# ---------------------------------------------------------------- formatted messages
def _english(headers: dict) -> dict:
    return {**headers, "Accept-Language": "en-GB,en;q=0.9"}


def _new_officer(username: str, w, **extra) -> dict:
    return {
        "username": username,
        "display_name": "新监管员",
        "role": "officer",
        "password": f.PASSWORD,
        "org_unit_id": w.tree["street"]["id"],
        **extra,
    }


async def test_a_formatted_message_reaches_each_caller_in_their_language_only(client):
    w = await f.world()
    h = f.headers(w.admin)
    name = w.officer["username"]
    body = _new_officer(name, w)
    r = await client.post("/api/v1/users", json=body, headers=h)
    assert r.status_code == 409, r.text
    assert r.json()["detail"] == f"用户名 {name} 已存在"
    assert r.json()["detail_en"] == f"username taken: {name}"
    assert r.json()["extra"][0]["message"] == "用户名已存在"
    r = await client.post("/api/v1/users", json=body, headers=_english(h))
    assert r.status_code == 409, r.text
    assert r.json()["detail"] == r.json()["detail_en"] == f"username taken: {name}"
    assert r.json()["extra"][0]["message"] == "username taken"


async def test_a_validator_message_comes_without_pydantics_prefix(client):
    w = await f.world()
    h = f.headers(w.admin)
    body = _new_officer(f"mail{f.n()}", w, email="not-an-address")
    r = await client.post("/api/v1/users", json=body, headers=h)
    assert r.status_code == 400, r.text
    [item] = [i for i in r.json()["extra"] if i["key"] == "email"]
    assert item["message"] == "邮箱格式不正确", item
    assert item["message_en"] == "not an e-mail address", item
    r = await client.post("/api/v1/users", json=body, headers=_english(h))
    [item] = [i for i in r.json()["extra"] if i["key"] == "email"]
    assert item["message"] == "not an e-mail address", item
    assert "Value error" not in r.text


async def test_a_form_page_shows_a_formatted_message_in_the_cookie_language_only(client):
    w = await f.world()
    h = await as_user(w.admin)
    name = w.officer["username"]
    form = {**_new_officer(name, w), "org_unit_id": str(w.tree["street"]["id"])}
    form |= {"agency_id": "", "enterprise_id": ""}
    r = await client.post("/admin/users", data=form, headers=h)
    assert f"用户名 {name} 已存在" in r.text and "username taken" not in r.text
    english = {**h, "Cookie": h["Cookie"] + "; lang=en"}
    r = await client.post("/admin/users", data=form, headers=english)
    assert f"username taken: {name}" in r.text and "已存在" not in r.text


async def test_an_import_page_shows_each_rows_message_in_the_cookie_language_only(client):
    from tests.safety.sheets import xlsx

    w = await f.world()
    h = await as_user(w.enterprise_user)
    url = f"/enterprises/{w.enterprise['id']}/risk-points/import"
    # (what the row's message reads, what must not show) for each page language
    expected = {"zh": ("likelihood 须为", "must be one of"), "en": ("must be one of", "须为")}
    for lang, (shown, absent) in expected.items():
        page = {**h, "Cookie": f"{h['Cookie']}; lang={lang}"}
        rows = [[f"危化品库{lang}", "LS", 3, 3, "公司级"], [f"坏行{lang}", "LS", 9, 3, ""]]
        sheet = xlsx(["风险点名称", "评价方法", "L", "S", "管控层级"], rows)
        r = await client.post(url, files={"file": ("r.xlsx", sheet)}, headers=page)
        assert r.status_code == 200, r.text
        assert shown in r.text and absent not in r.text, lang
