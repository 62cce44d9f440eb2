"""The 风险分级管控清单 import and export: alias headers and a title line, row errors naming
row and column, idempotence, and the round trip (re-importing an export changes nothing;
spoiled points come back)."""

from __future__ import annotations

from inspections.tables import RiskPoint
from safety import i18n
from safety.tables import Enterprise
from tests import factories as f
from tests.safety.sheets import read_xlsx, xlsx

ALIASES = [
    "序号",
    "风险点",  # alias of 风险点名称
    "危险源",  # alias of 危险有害因素
    "事故类型",
    "评价方法",
    "L",
    "E",
    "C",
    "S",
    "风险值",  # read past: computed
    "管控级别",
    "管控责任人",
    "工程技术",
    "个人防护措施",
    "复核日期",
]


def url(e: dict) -> str:
    return f"/api/v1/enterprises/{e['id']}/risk-points/import"


async def upload(client, e: dict, h: dict, content: bytes, name: str = "清单.xlsx"):
    return await client.post(url(e), files={"file": (name, content)}, headers=h)


async def test_import_reads_aliases_reports_bad_rows_and_is_idempotent(client):
    w = await f.world()
    h = f.headers(w.enterprise_user)
    rows = [
        [1, "配电室", "线路老化", "触电、火灾", "LEC", 3, 6, 7, None, 999, "车间级", "李四",
         "漏电保护", "绝缘手套", "2027-01-31"],
        [2, "冲压车间", "手部伤害", "机械伤害", "LS", 4, None, None, 3, None, "班组", "王五",
         "", "", ""],
        [3, "喷漆房", "", "其他爆炸，火灾", "LEC", 7, 6, 15, None, None, "公司级", "", "", "", ""],
        [4, "仓库", "", "雷击", "LS", 2, None, None, 2, None, "岗位级", "", "", "", ""],
        [5, "锅炉房", "", "锅炉爆炸", "LEC", 6, 6, 15, None, None, "车间级", "", "", "", ""],
        [6, "配电室", "", "", "LS", 1, None, None, 1, None, "", "", "", "", ""],
        [None] * 15,
    ]  # fmt: skip
    content = xlsx(ALIASES, rows, title="某某公司风险分级管控清单")
    r = await upload(client, w.enterprise, h, content)
    assert r.status_code == 200, r.text
    body = r.json()
    assert (body["created"], body["updated"], body["unchanged"]) == (2, 0, 0)
    errors = {(e["row"], e["field"]) for e in body["errors"]}
    # row 1 is the title, 2 the header: data starts at row 3
    assert errors == {
        (5, "likelihood"),  # L = 7 is off the LEC scale
        (6, "accident_types"),  # 雷击 is no GB 6441 type
        (7, "control_tier"),  # D = 540 (red) at workshop level without a person
        (7, "responsible_person"),
        (8, "name"),  # 配电室 again
    }
    by_column = {e["row"]: e["column"] for e in body["errors"]}
    assert by_column[5] == "L" and by_column[6] == "事故类型"
    # each row's message in Chinese, its stable English beside it (one language each; the
    # English may quote the cell's own value, e.g. 雷击)
    for e in body["errors"]:
        assert i18n.CJK.search(e["message"]), e
        assert e["message_en"] != e["message"], e
        assert not i18n.CJK.search(e["message_en"].split(": ")[0]), e
    assert body["enterprise_colour"] == "orange"
    points = {
        p["name"]: p
        for p in await RiskPoint.select().where(RiskPoint.enterprise == w.enterprise["id"]).run()
    }
    assert set(points) == {"配电室", "冲压车间"}
    assert points["配电室"]["score"] == 126 and points["配电室"]["control_tier"] == "workshop"
    assert points["冲压车间"]["score"] == 12 and points["冲压车间"]["colour"] == "orange"
    assert points["冲压车间"]["control_tier"] == "team"
    again = (await upload(client, w.enterprise, h, content)).json()
    assert (again["created"], again["updated"], again["unchanged"]) == (0, 0, 2)


async def test_csv_and_bad_files(client):
    w = await f.world()
    h = f.headers(w.officer)
    csv_text = "风险点名称,评价方法,L,S,管控层级\n叉车作业,LS,3,4,车间级\n"
    r = await upload(client, w.enterprise, h, csv_text.encode("gbk"), "清单.csv")
    assert r.status_code == 200 and r.json()["created"] == 1, r.text
    r = await upload(client, w.enterprise, h, xlsx(["名称", "备注"], [["a", "b"]]))
    assert r.status_code == 400 and r.json()["extra"][0]["key"] == "file"
    r = await upload(client, w.enterprise, h, b"not a sheet", "x.pdf")
    assert r.status_code == 415


async def test_export_round_trip_changes_nothing_and_restores_spoiled_points(client):
    w = await f.world()
    h = f.headers(w.officer)
    e = w.enterprise
    api = f"/api/v1/enterprises/{e['id']}/risk-points"
    made = []
    for b in (
        {"name": "配电室", "method": "LEC", "likelihood": 0.5, "exposure": 6, "consequence": 40,
         "accident_types": ["触电", "火灾"], "hazard_factors": "=SUM(A1)危险",
         "control_measures": {"engineering": "漏保", "management": "巡检制度",
                              "training": "电工培训", "ppe": "绝缘靴", "emergency": "断电"},
         "control_tier": "workshop", "responsible_person": "李四", "review_on": "2027-02-28"},
        {"name": "有限空间", "method": "LS", "likelihood": 5, "severity": 5,
         "accident_types": ["中毒和窒息"], "control_tier": "company",
         "responsible_person": "王厂长"},
        {"name": "办公室", "method": "LEC", "likelihood": 0.1, "exposure": 0.5,
         "consequence": 1, "control_tier": "post"},
    ):  # fmt: skip
        r = await client.post(api, json=b, headers=h)
        assert r.status_code == 201, r.text
        made.append(r.json())
    other = await client.post(
        f"/api/v1/enterprises/{w.enterprise['id']}/risk-points",
        json={"name": "外企业点", "method": "LS", "likelihood": 1, "severity": 1},
        headers=h,
    )
    assert other.status_code == 201
    r = await client.get("/api/v1/risk-points/export.xlsx", params={"enterprise_id": e["id"]},
                         headers=h)  # fmt: skip
    assert r.status_code == 200 and r.headers["content-type"].startswith("application/vnd")
    exported = r.content
    sheet = read_xlsx(exported)
    assert sheet[0][:3] == ["企业名称", "统一社会信用代码", "风险点名称"]
    assert len(sheet) == 1 + 4
    assert any(row[3] == "'=SUM(A1)危险" for row in sheet)  # formula neutralised

    before = await RiskPoint.select().where(RiskPoint.enterprise == e["id"]).order_by(RiskPoint.id)
    same = (await upload(client, e, h, exported)).json()
    assert (same["created"], same["updated"], same["unchanged"], same["errors"]) == (0, 0, 4, [])
    assert (
        await RiskPoint.select().where(RiskPoint.enterprise == e["id"]).order_by(RiskPoint.id)
        == before
    )

    # Spoil one point in every field; importing the export brings it back.
    spoiled = made[0]
    r = await client.patch(
        f"/api/v1/risk-points/{spoiled['id']}",
        json={"version": spoiled["version"], "method": "LS", "likelihood": 1, "severity": 2,
              "accident_types": ["淹溺"], "hazard_factors": "x",
              "control_measures": {"engineering": "", "ppe": "y"}, "control_tier": "team",
              "responsible_person": "某人", "review_on": "2030-01-01"},
        headers=h,
    )  # fmt: skip
    assert r.status_code == 200, r.text
    back = (await upload(client, e, h, exported)).json()
    assert (back["created"], back["updated"], back["unchanged"]) == (0, 1, 3), back
    after = await RiskPoint.select().where(RiskPoint.enterprise == e["id"]).order_by(RiskPoint.id)
    strip = lambda rows: [  # noqa: E731
        {k: v for k, v in row.items() if k not in ("version", "updated_at")} for row in rows
    ]
    assert strip(after) == strip(before)
    colour = await Enterprise.select(Enterprise.risk_colour).where(Enterprise.id == e["id"]).first()
    assert colour["risk_colour"] == "red"


async def test_a_row_of_another_enterprise_is_not_imported_into_this_one(client):
    w = await f.world()
    h = f.headers(w.officer)
    other = await f.enterprise(w.tree["grid2"]["id"])
    await client.post(
        f"/api/v1/enterprises/{other['id']}/risk-points",
        json={"name": "别家的点", "method": "LS", "likelihood": 2, "severity": 2},
        headers=h,
    )
    exported = (
        await client.get(
            "/api/v1/risk-points/export.xlsx",
            params={"org_unit_id": w.tree["grid2"]["id"]},
            headers=h,
        )
    ).content
    r = (await upload(client, w.enterprise, h, exported)).json()
    assert r["created"] == 0 and [e["field"] for e in r["errors"]] == ["uscc"]


async def test_export_filters_and_scope(client):
    w = await f.world()
    h = f.headers(w.officer)
    for name, ls in (("红点", (5, 5)), ("蓝点", (1, 1))):
        await client.post(
            f"/api/v1/enterprises/{w.enterprise['id']}/risk-points",
            json={"name": name, "method": "LS", "likelihood": ls[0], "severity": ls[1],
                  "control_tier": "company", "responsible_person": "张三"},
            headers=h,
        )  # fmt: skip
    await client.post(
        f"/api/v1/enterprises/{w.foreign_enterprise['id']}/risk-points",
        json={"name": "外街道点", "method": "LS", "likelihood": 5, "severity": 5,
              "control_tier": "company", "responsible_person": "赵六"},
        headers=f.headers(w.foreign_officer),
    )  # fmt: skip
    r = await client.get("/api/v1/risk-points/export.xlsx", params={"colour": "red"}, headers=h)
    names = [row[2] for row in read_xlsx(r.content)[1:]]
    assert "红点" in names and "蓝点" not in names and "外街道点" not in names
    r = await client.get("/api/v1/risk-points/export.xlsx", params={"colour": "pink"}, headers=h)
    assert r.status_code == 400 and r.json()["extra"][0]["key"] == "colour"
    mine = await client.get("/api/v1/risk-points/export.xlsx", headers=f.headers(w.enterprise_user))
    names = [row[2] for row in read_xlsx(mine.content)[1:]]
    assert "红点" in names and "外街道点" not in names
