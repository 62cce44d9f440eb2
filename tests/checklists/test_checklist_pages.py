"""Checklist library pages: the list with versions and counts, one version with its items,
basis and level, older versions linked, Chinese by default and English on request."""

from inspections.checklists import service
from tests import factories as f
from tests.checklists.helpers import body, item
from tests.pages import as_user


async def test_the_list_shows_each_template_once_with_counts(client):
    await service.load_library()
    w = await f.world()
    r = await client.get("/admin/checklists", headers=await as_user(w.officer))
    assert r.status_code == 200
    html = r.text
    assert "检查表库" in html
    for name in ("消防安全检查表", "粉尘涉爆企业安全检查表", "特种设备使用安全检查表"):
        assert html.count(f">{name}</a>") == 1, name
    dust = await service.current_of("dust")
    assert f'<span class="badge bad">{dust["major_count"]}</span>' in html
    assert "从Excel导入检查表" not in html, "officers do not import"
    admin = await client.get("/admin/checklists", headers=await as_user(w.admin))
    assert "从Excel导入检查表" in admin.text


async def test_a_version_page_shows_items_and_links_the_other_versions(client):
    w = await f.world()
    data = body()
    v1 = (await service.publish(f.actor(w.admin), data)).checklist
    data["sections"][0]["items"].append(item("T-04", text="新增检查内容"))
    v2 = (await service.publish(f.actor(w.admin), data)).checklist
    r = await client.get(f"/admin/checklists/{v1['id']}", headers=await as_user(w.inspector))
    assert r.status_code == 200
    html = r.text
    assert "这是历史版本，当前版本为第 2 版" in html
    assert f'href="/admin/checklists/{v2["id"]}"' in html
    assert "GB 50054-2011《低压配电设计规范》第4章 配电设备的布置" in html
    assert "重大隐患判定依据" in html and "新增检查内容" not in html
    current = await client.get(f"/admin/checklists/{v2['id']}", headers=await as_user(w.admin))
    assert "新增检查内容" in current.text and "历史版本" not in current.text
    assert f"/admin/checklists/import?code={data['code']}" in current.text


async def test_the_pages_speak_english_when_asked(client):
    await service.load_library()
    w = await f.world()
    headers = await as_user(w.admin)
    headers["Cookie"] += "; lang=en"
    r = await client.get("/admin/checklists", headers=headers)
    assert "Checklist library" in r.text and "Import a checklist from Excel" in r.text
    fire = await service.current_of("fire")
    page = await client.get(f"/admin/checklists/{fire['id']}", headers=headers)
    assert "Major-hazard basis" in page.text and ">Major</span>" in page.text
    assert "Download .xlsx" in page.text
    form = await client.get("/admin/checklists/import", headers=headers)
    assert "Checklist code" in form.text


async def test_the_nav_links_the_library_for_admins_officers_and_inspectors(client):
    w = await f.world()
    # "/" sends an inspector on to today's visits: read the nav of a page every role has
    for u in (w.admin, w.officer, w.inspector):
        r = await client.get("/notifications", headers=await as_user(u))
        assert 'href="/admin/checklists"' in r.text
    r = await client.get("/notifications", headers=await as_user(w.enterprise_user))
    assert 'href="/admin/checklists"' not in r.text
