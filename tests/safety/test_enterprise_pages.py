"""Registry pages: list, create/edit with field errors, and the import preview → confirm
→ error sheet flow."""

from safety.settings import get_settings
from safety.tables import Enterprise
from tests import factories as f
from tests.pages import as_user
from tests.safety.sheets import HEADER, read_xlsx, xlsx


async def test_list_page_searches_within_the_officers_street(client):
    w = await f.world()
    h = await as_user(w.officer)
    r = await client.get("/enterprises", params={"q": w.enterprise["name"]}, headers=h)
    assert r.status_code == 200
    assert w.enterprise["uscc"] in r.text
    red = await f.enterprise(w.tree["grid2"]["id"], risk_colour="red", is_key=True)
    r = await client.get("/enterprises", params={"risk_colour": "red", "key": "1"}, headers=h)
    assert r.status_code == 200 and red["uscc"] in r.text and "risk-red" in r.text
    assert w.enterprise["uscc"] not in r.text
    r = await client.get(f"/enterprises/{red['id']}", headers=h)
    assert r.status_code == 200 and "重点企业" in r.text and "risk-red" in r.text
    r = await client.get("/enterprises", params={"q": w.foreign_enterprise["uscc"]}, headers=h)
    assert r.status_code == 200 and "没有符合条件的企业" in r.text


async def test_create_form_shows_errors_next_to_fields_and_saves_nothing(client):
    w = await f.world()
    h = await as_user(w.officer)
    name = f"页面企业{f.n()}"
    form = {
        "name": name,
        "uscc": "123",
        "org_unit_id": str(w.tree["grid1"]["id"]),
        "contact_phone": "555",
    }
    r = await client.post("/enterprises", data=form, headers=h, follow_redirects=False)
    assert r.status_code == 400
    assert "统一社会信用代码应为18位" in r.text and "联系电话格式不正确" in r.text
    assert 'value="555"' in r.text  # what the officer typed is kept
    assert 'maxlength="24"' in r.text  # field attributes are markup, not escaped text
    assert not await Enterprise.exists().where(Enterprise.name == name).run()
    form.update(uscc=f.uscc(), contact_phone="13812345678")
    r = await client.post("/enterprises", data=form, headers=h, follow_redirects=False)
    assert r.status_code == 303
    assert await Enterprise.exists().where(Enterprise.name == name).run()


async def test_edit_form_saves_and_refuses_a_stale_version(client):
    w = await f.world()
    h = await as_user(w.officer)
    url = f"/enterprises/{w.enterprise['id']}"
    r = await client.get(url + "/edit", headers=h)
    assert r.status_code == 200 and 'name="version" value="1"' in r.text
    form = {
        "version": "1",
        "name": "改名后的企业",
        "uscc": w.enterprise["uscc"],
        "org_unit_id": str(w.tree["grid1"]["id"]),
        "scale": "small",
        "standardisation_level": "none",
        "active": "1",
    }
    r = await client.post(url, data=form, headers=h, follow_redirects=False)
    assert r.status_code == 303, r.text
    r = await client.post(url, data={**form, "name": "过期"}, headers=h, follow_redirects=False)
    assert r.status_code == 409 and 'name="version" value="2"' in r.text
    row = await Enterprise.select().where(Enterprise.id == w.enterprise["id"]).first().run()
    assert row["name"] == "改名后的企业"


async def test_import_previews_then_applies_and_offers_the_bad_rows(client):
    w = await f.world()
    h = await as_user(w.officer)
    good = f.uscc()
    rows = [
        [
            f"预览企业{f.n()}",
            good,
            w.tree["community"]["name"],
            w.tree["grid1"]["name"],
            "C",
            "张三",
            "13800138000",
        ],
        [
            "",
            f.uscc(),
            w.tree["community"]["name"],
            w.tree["grid1"]["name"],
            "C",
            "张三",
            "13800138000",
        ],
    ]
    r = await client.post(
        "/enterprises/import", files={"file": ("台账.xlsx", xlsx(HEADER, rows))}, headers=h
    )
    assert r.status_code == 200, r.text
    assert "导入预览" in r.text and "企业名称不能为空" in r.text
    assert not await Enterprise.exists().where(Enterprise.uscc == good).run()  # preview only
    token = r.text.split('action="/enterprises/import/')[1].split('"')[0]
    assert (get_settings().data_dir / "imports" / f"{token}.bin").exists()

    # Another officer cannot use this upload.
    other = await as_user(w.foreign_officer)
    r = await client.post(f"/enterprises/import/{token}", headers=other)
    assert r.status_code == 404

    r = await client.post(f"/enterprises/import/{token}", headers=h)
    assert r.status_code == 200 and "导入结果" in r.text
    assert await Enterprise.exists().where(Enterprise.uscc == good).run()

    r = await client.get(f"/enterprises/import/{token}/errors.xlsx", headers=h)
    assert r.status_code == 200
    sheet = read_xlsx(r.content)
    assert sheet[0][-2:] == ["原行号", "错误原因"]
    assert len(sheet) == 2 and sheet[1][-2] == "3" and "企业名称不能为空" in sheet[1][-1]


async def test_import_page_refuses_a_wrong_file_type(client):
    w = await f.world()
    h = await as_user(w.officer)
    r = await client.post("/enterprises/import", files={"file": ("a.pdf", b"%PDF-1.4")}, headers=h)
    assert r.status_code == 415 and ".xlsx" in r.text


async def test_preview_shows_a_grid_change_by_name(client):
    w = await f.world()
    h = await as_user(w.officer)
    e = w.enterprise
    rows = [
        [
            e["name"],
            e["uscc"],
            w.tree["community"]["name"],
            w.tree["grid2"]["name"],
            "C",
            "张三",
            "13800000000",
        ]
    ]
    r = await client.post(
        "/enterprises/import", files={"file": ("a.xlsx", xlsx(HEADER, rows))}, headers=h
    )
    assert r.status_code == 200
    assert f"{w.tree['grid1']['name']} → {w.tree['grid2']['name']}" in r.text
