"""The risk register pages: the four-colour list with counts and the 四色分布 table, the
add form (errors next to the fields, what was typed kept), editing with the version, the
import page, and the registry form no longer offering the colour."""

from __future__ import annotations

from inspections.tables import RiskPoint
from tests import factories as f
from tests.pages import as_user
from tests.safety.sheets import xlsx


def form(**over) -> dict:
    data = {
        "name": f"打磨工位{f.n()}",
        "hazard_factors": "粉尘积聚",
        "accident_types": ["其它爆炸", "火灾"],
        "method": "LEC",
        "lec_l": "3",
        "lec_e": "6",
        "lec_c": "15",
        "ls_l": "4",  # the other method's values are ignored
        "measure_engineering": "除尘系统",
        "control_tier": "workshop",
        "responsible_person": "赵六",
        "review_on": "2027-06-30",
    }
    data.update(over)
    return data


async def test_enterprise_adds_a_point_and_sees_the_four_colours(client):
    w = await f.world()
    h = await as_user(w.enterprise_user)
    base = f"/enterprises/{w.enterprise['id']}/risk-points"
    r = await client.get(base + "/new", headers=h)
    assert r.status_code == 200 and "中毒和窒息" in r.text  # all 20 GB 6441 types offered
    r = await client.post(base, data=form(), headers=h, follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == base + "?saved=1"
    page = await client.get(base + "?saved=1", headers=h)
    assert page.status_code == 200
    assert "较大风险（橙）" in page.text and "D=270" in page.text and "四色分布" in page.text
    assert "除尘系统" in page.text and "火灾、其它爆炸" in page.text
    assert 'class="badge risk-orange"' in page.text
    only_red = await client.get(base, params={"colour": "red"}, headers=h)
    assert "D=270" not in only_red.text


async def test_form_errors_show_next_to_fields_and_nothing_is_saved(client):
    w = await f.world()
    h = await as_user(w.officer)
    base = f"/enterprises/{w.enterprise['id']}/risk-points"
    bad = form(name="", lec_l="10", lec_c="40", review_on="2027-02-30", responsible_person="")
    r = await client.post(base, data=bad, headers=h)
    assert r.status_code == 400
    assert "风险点名称不能为空" in r.text and "日期格式" in r.text
    assert 'value="粉尘积聚"' not in r.text and "粉尘积聚" in r.text  # the textarea kept it
    red = form(lec_l="10", lec_c="40", responsible_person="")  # D = 2400: red at workshop
    r = await client.post(base, data=red, headers=h)
    assert r.status_code == 400 and "重大风险须由公司级管控" in r.text
    assert "重大风险须明确责任人" in r.text
    count = await RiskPoint.count().where(RiskPoint.enterprise == w.enterprise["id"])
    assert count == 0


async def test_edit_with_version_and_stale_form(client):
    w = await f.world()
    h = await as_user(w.officer)
    base = f"/enterprises/{w.enterprise['id']}/risk-points"
    await client.post(base, data=form(name="叉车通道"), headers=h)
    point = await RiskPoint.select().where(RiskPoint.enterprise == w.enterprise["id"]).first()
    r = await client.get(f"/risk-points/{point['id']}/edit", headers=h)
    assert r.status_code == 200 and 'value="叉车通道"' in r.text
    changed = form(name="叉车通道", method="LS", ls_l="1", ls_s="2", version="1", active="1")
    r = await client.post(f"/risk-points/{point['id']}", data=changed, headers=h,
                          follow_redirects=False)  # fmt: skip
    assert r.status_code == 303
    row = await RiskPoint.select().where(RiskPoint.id == point["id"]).first()
    assert (row["method"], row["score"], row["colour"], row["exposure"]) == ("LS", 2, "blue", None)
    stale = await client.post(f"/risk-points/{point['id']}", data=changed, headers=h)
    assert stale.status_code == 409 and "已被他人修改" in stale.text


async def test_import_page_reports_rows(client):
    w = await f.world()
    h = await as_user(w.enterprise_user)
    sheet = xlsx(
        ["风险点名称", "评价方法", "L", "S", "管控层级"],
        [["危化品库", "LS", 3, 3, "公司级"], ["坏行", "LS", 9, 3, ""]],
    )
    url = f"/enterprises/{w.enterprise['id']}/risk-points/import"
    assert (await client.get(url, headers=h)).status_code == 200
    r = await client.post(url, files={"file": ("r.xlsx", sheet)}, headers=h)
    assert r.status_code == 200
    assert "新增 1" in r.text and "错误 1" in r.text and "likelihood 须为" in r.text
    r = await client.post(url, files={"file": ("r.pdf", b"hello")}, headers=h)
    assert r.status_code == 415


async def test_registry_form_shows_the_colour_read_only(client):
    w = await f.world()
    h = await as_user(w.officer)
    r = await client.get(f"/enterprises/{w.enterprise['id']}/edit", headers=h)
    assert r.status_code == 200
    assert 'name="risk_colour"' not in r.text
    assert f"/enterprises/{w.enterprise['id']}/risk-points" in r.text
