"""Loading a checklist version from .xlsx on the admin pages: preview then confirm, row
errors named by row and column, and the download → upload round trip that changes nothing."""

import io

from openpyxl import load_workbook

from inspections.checklists import service, sheets
from inspections.tables import ChecklistTemplate
from tests import factories as f
from tests.checklists.helpers import HEADER, MAJOR_BASIS, xlsx
from tests.pages import as_user
from tests.safety.sheets import read_xlsx

GOOD = [
    [
        "配电箱",
        "E-01",
        "配电箱（柜）前方0.8米范围内无堆放物品，箱门完好",
        "GB 50054-2011 第4章",
        "一般",
        "现场管理类",
        "电气",
        "",
    ],
    [None, "E-02", "插座回路装设剩余电流动作保护器", "GB 50054-2011 第5章", "一般", "", "", ""],
    [
        "人员",
        "E-03",
        "电工持证上岗",
        "《中华人民共和国安全生产法》第三十条",
        "重大",
        "基础管理类",
        "制度/培训",
        MAJOR_BASIS,
    ],
]


def token_of(html: str) -> str:
    marker = 'action="/admin/checklists/import/'
    start = html.index(marker) + len(marker)
    return html[start : html.index('"', start)]


async def upload(client, admin, content: bytes, **form):
    return await client.post(
        "/admin/checklists/import",
        data=form,
        files={"file": ("检查表.xlsx", content)},
        headers=await as_user(admin),
    )


async def test_it_previews_then_publishes_a_new_checklist_from_a_sheet(client):
    w = await f.world()
    code = f"sheet_{f.n()}"
    r = await upload(
        client, w.admin, xlsx(GOOD, title="电气安全检查表"), code=code, name="电气表", domain="电气"
    )
    assert r.status_code == 200, r.text
    assert "将发布为第 1 版" in r.text and "E-03" in r.text
    assert await service.current_of(code) is None, "a preview writes nothing"

    done = await client.post(
        f"/admin/checklists/import/{token_of(r.text)}", headers=await as_user(w.admin)
    )
    assert done.status_code == 200 and "已发布第 1 版" in done.text
    c = await service.current_of(code)
    assert [s["title"] for s in c["sections"]] == ["配电箱", "人员"]
    _first, second = c["sections"][0]["items"]
    assert second["code"] == "E-02" and second["category"] == "site"
    assert second["subcategory"] == "其他" and second["default_level"] == "general"
    major = c["sections"][1]["items"][0]
    assert major["default_level"] == "major" and major["major_basis"] == MAJOR_BASIS
    assert major["category"] == "management"


async def test_it_reports_bad_rows_by_row_and_column_and_publishes_nothing(client):
    w = await f.world()
    code = f"bad_{f.n()}"
    rows = [
        GOOD[0],
        ["配电箱", "E-01", "重复编号", "GB 50054-2011", "一般", "", "", ""],
        ["配电箱", "E-05", "", "GB 50054-2011", "特大", "", "水电", ""],
        ["人员", "E-06", "电工持证上岗", "", "重大", "", "", ""],
    ]
    r = await upload(client, w.admin, xlsx(rows), code=code, name="坏表")
    assert r.status_code == 200
    html = r.text
    assert "以下 6 处有误" in html
    for row, column in (
        ("3", "编号"),
        ("4", "检查内容"),
        ("4", "隐患级别"),
        ("4", "子类别"),
        ("5", "检查依据"),
        ("5", "重大隐患判定依据"),
    ):
        assert f"<td>{row}</td><td>{column}</td>" in html, (row, column)
    assert 'action="/admin/checklists/import/' not in html, "no confirm button with errors"
    assert await service.current_of(code) is None


async def test_it_refuses_a_sheet_without_the_columns(client):
    w = await f.world()
    r = await upload(client, w.admin, xlsx([["a", "b"]], header=["名称", "说明"]), code="x1")
    assert r.status_code == 400 and "找不到表头" in r.text
    r = await upload(
        client, w.admin, xlsx([["E-1", "内容"]], header=["编号", "检查内容"]), code="x1"
    )
    assert r.status_code == 400 and "缺少必需的列" in r.text
    r = await upload(client, w.admin, b"not a workbook", code="x1")
    assert r.status_code in (400, 415)
    r = await client.post(
        "/admin/checklists/import",
        data={"code": ""},
        files={"file": ("a.xlsx", xlsx(GOOD))},
        headers=await as_user(w.admin),
    )
    assert r.status_code == 400 and "请填写检查表编码" in r.text


async def test_download_then_upload_unchanged_makes_no_new_version(client):
    await service.load_library()
    w = await f.world()
    dust = await service.current_of("dust")
    r = await client.get(
        f"/admin/checklists/{dust['id']}/export.xlsx", headers=await as_user(w.officer)
    )
    assert r.status_code == 200
    assert r.headers["content-type"].startswith(
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    rows = read_xlsx(r.content)
    assert list(rows[0]) == HEADER
    assert len(rows) == 1 + dust["item_count"]
    assert sum(1 for row in rows[1:] if row[4] == "重大") == dust["major_count"]

    before = await ChecklistTemplate.count().run()
    preview = await upload(client, w.admin, r.content, code="dust")
    assert "内容与当前版本完全相同" in preview.text
    confirmed = await client.post(
        f"/admin/checklists/import/{token_of(preview.text)}", headers=await as_user(w.admin)
    )
    assert "内容未变化" in confirmed.text
    assert await ChecklistTemplate.count().run() == before
    assert (await service.current_of("dust"))["id"] == dust["id"]


async def test_an_edited_download_becomes_the_next_version(client):
    w = await f.world()
    code = f"edit_{f.n()}"
    from tests.checklists.helpers import body

    v1 = (await service.publish(f.actor(w.admin), body(code=code))).checklist
    wb_bytes = sheets.export_workbook(v1)
    wb = load_workbook(io.BytesIO(wb_bytes))
    ws = wb.worksheets[0]
    ws.cell(2, 3).value = "配电箱门完好，并有“当心触电”警示标识"
    ws.append(
        [
            "人员",
            "T-09",
            "新增：检修挂牌上锁",
            "GB 2894-2008 4.1 禁止标志",
            "一般",
            "现场管理类",
            "电气",
            "",
        ]
    )
    buf = io.BytesIO()
    wb.save(buf)
    preview = await upload(client, w.admin, buf.getvalue(), code=code)
    assert "将发布为第 2 版" in preview.text
    assert "T-09" in preview.text and "T-01" in preview.text
    await client.post(
        f"/admin/checklists/import/{token_of(preview.text)}", headers=await as_user(w.admin)
    )
    v2 = await service.current_of(code)
    assert v2["version"] == 2 and v2["name"] == v1["name"], "name kept from the current version"
    assert v2["item_count"] == 4


async def test_a_kept_upload_is_only_the_uploaders(client):
    w = await f.world()
    r = await upload(client, w.admin, xlsx(GOOD), code=f"own_{f.n()}", name="表")
    other = await f.user("admin")
    r2 = await client.post(
        f"/admin/checklists/import/{token_of(r.text)}", headers=await as_user(other)
    )
    assert r2.status_code == 404
    r3 = await client.post("/admin/checklists/import/..%2F..%2Fetc", headers=await as_user(w.admin))
    assert r3.status_code == 404
