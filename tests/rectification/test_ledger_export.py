"""隐患台账: GET /api/v1/hazards/export.xlsx (and the page's 导出台账) read back with
openpyxl: the list's rows for the same filters in the same order, the columns officers
report, formula-safe cells, the officer's scope, and bad filters named."""

from __future__ import annotations

import datetime as dt
import io
from urllib.parse import quote

from openpyxl import load_workbook
from openpyxl.utils import get_column_letter

from inspections import services
from inspections.schemas import HazardIn
from rectification import services as rect
from rectification.ledger import service as ledger
from rectification.schemas import PlanIn, VerificationIn
from safety.orgs import OrgUnitIn, create_org_unit
from safety.settings import local_today
from safety.sheets.guard import unescape_formula
from tests import factories as f
from tests.inspections import factories as fi
from tests.pages import as_user
from tests.patrol.helpers import HAZARD as TRIAGE_HAZARD
from tests.patrol.helpers import report
from tests.rectification import evidence
from tests.selfcheck.test_self_inspection_api import _log as log_self
from tests.selfcheck.test_self_inspection_api import _start as start_self

API = "/api/v1/hazards/export.xlsx"


def _body(tag: str, **fields) -> HazardIn:
    return HazardIn(
        description=fields.pop("description", f"{tag} 隐患{f.n()}"),
        location=fields.pop("location", "车间"),
        level=fields.pop("level", "general"),
        category=fields.pop("category", "site"),
        subcategory=fields.pop("subcategory", "电气"),
        legal_basis=fields.pop("legal_basis", "《安全生产法》第四十一条"),
        suggestion=fields.pop("suggestion", "立即整改"),
        **fields,
    )


async def _started(w, **kwargs):
    v = await fi.visit(w, **kwargs)
    await services.start_inspection(f.actor(w.inspector), v.inspection["id"])
    return v


HEADER_ROW = 4  # below the three title rows
TEXT = ledger.HEADER.index("隐患描述")  # the column the tests tell rows apart by


def sheet(content: bytes):
    return load_workbook(io.BytesIO(content)).active


def rows_of(ws) -> list[tuple]:
    return list(ws.iter_rows(min_row=HEADER_ROW + 1, values_only=True))


def day_of(value) -> dt.date | None:
    """A date cell as openpyxl reads it (a datetime at midnight) as the day it shows."""
    assert value is None or isinstance(value, dt.datetime), value
    return value.date() if value else None


async def _export(client, headers, **params):
    r = await client.get(API, params=params, headers=headers)
    assert r.status_code == 200, r.text
    return r


async def test_the_ledger_is_the_list_as_a_sheet(client):
    w = await f.world()
    tag = f"台账{f.n()}"
    old = await _started(w, scheduled_on=local_today() - dt.timedelta(days=40))
    new = await _started(w)
    inspector = f.actor(w.inspector)
    late = await services.log_hazard(inspector, old.inspection["id"], _body(tag, location="仓库"))
    spot = await services.log_hazard(
        inspector, old.inspection["id"], _body(tag, fixed_on_spot=True)
    )
    major = await services.log_hazard(
        inspector,
        new.inspection["id"],
        _body(tag, level="major", major_basis="第四条（一）", category="management"),
    )
    done = await services.log_hazard(inspector, new.inspection["id"], _body(tag))
    contact = f.actor(await f.user("enterprise", enterprise_id=new.inspection["enterprise_id"]))
    await rect.save_plan(
        contact,
        major["id"],
        PlanIn(
            responsible_person="李四",
            measures="更换防爆电气",
            funds="2万元",
            deadline=local_today() + dt.timedelta(days=20),
            contingency_plan="停产整改",
        ),
    )
    await evidence.submit(contact, done["id"], "已整改", local_today())
    await rect.verify(f.actor(w.officer), done["id"], VerificationIn(result="pass", comment="好"))

    officer = f.headers(w.officer)
    params = {"q": tag, "limit": 500}
    listed = (await client.get("/api/v1/hazards", params=params, headers=officer)).json()
    assert listed["total"] == 4
    r = await _export(client, officer, q=tag)
    assert r.headers["content-type"].startswith(
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    name = f"隐患台账-{local_today().isoformat()}.xlsx"
    assert r.headers["content-disposition"] == f"attachment; filename*=UTF-8''{quote(name)}"
    ws = sheet(r.content)
    assert [c.value for c in ws[HEADER_ROW]] == ledger.HEADER
    assert ws.freeze_panes == "A5"
    assert ws.auto_filter.ref == "A4:X8"
    assert ws.column_dimensions["B"].width == 18 and ws.column_dimensions["J"].width == 30
    rows = rows_of(ws)
    # Same rows, same order as the list (newest found first, then newest id).
    assert [row[TEXT] for row in rows] == [h["description"] for h in listed["items"]]
    assert [row[0] for row in rows] == [1, 2, 3, 4]
    by_text = {row[TEXT]: dict(zip(ledger.HEADER, row, strict=True)) for row in rows}

    ent = new.inspection["enterprise_name"]
    m = by_text[major["description"]]
    assert m["企业名称"] == ent
    assert m["所属社区"] == w.tree["community"]["name"]
    assert m["网格"] == w.tree["grid1"]["name"]
    assert m["行业"] == "C 制造业"
    assert day_of(m["检查时间"]) == new.inspection["scheduled_on"]  # found on the visit day
    assert m["隐患来源"] == "专家检查"
    assert m["检查人"] == w.inspector["display_name"]
    assert m["隐患级别"] == "重大隐患" and m["隐患类别"] == "基础管理类/电气"
    assert m["判定依据"] == "《安全生产法》第四十一条；重大隐患判定：第四条（一）"
    assert (m["整改措施"], m["整改责任人"], m["整改状态"]) == ("更换防爆电气", "李四", "整改中")
    assert (m["整改资金"], m["应急预案"]) == ("2万元", "停产整改")  # all of 五落实
    assert day_of(m["整改期限"]) == major["deadline"] and m["是否逾期"] == "否"
    assert m["验收人"] is None and m["整改完成时间"] is None and m["验收日期"] is None

    d = by_text[done["description"]]
    assert (d["整改状态"], day_of(d["整改完成时间"])) == ("已销号", local_today())
    assert d["验收人"] == w.officer["display_name"] and day_of(d["验收日期"]) == local_today()
    assert d["整改措施"] == "立即整改"  # no plan: the inspector's suggestion
    # No plan, no named person, funds or contingency plan: blank, never guessed.
    assert (d["整改责任人"], d["整改资金"], d["应急预案"]) == (None, None, None)

    s = by_text[spot["description"]]
    assert s["整改状态"] == "已销号" and s["验收人"] == w.inspector["display_name"]
    lt = by_text[late["description"]]
    assert (lt["部位"], lt["整改状态"], lt["是否逾期"]) == ("仓库", "待整改", "是")

    # The same filters give the same rows: a status, a level, overdue, a campaign.
    for extra in (
        {"status": "closed"},
        {"level": "major"},
        {"overdue": "true"},
        {"campaign_id": old.campaign["id"]},
        {"figure": "closed", "campaign_id": new.campaign["id"]},
    ):
        listed = await client.get("/api/v1/hazards", params={**params, **extra}, headers=officer)
        texts = [h["description"] for h in listed.json()["items"]]
        exported = rows_of(sheet((await _export(client, officer, q=tag, **extra)).content))
        assert [row[TEXT] for row in exported] == texts and texts, extra


async def test_chunks_follow_the_list_order_across_equal_days(client):
    """Keyset paging by (found_on, id): chunks of 2 over rows sharing a day lose none."""
    w = await f.world()
    tag = f"分块{f.n()}"
    visits = [
        await _started(w, scheduled_on=local_today() - dt.timedelta(days=d)) for d in (3, 3, 1)
    ]
    for v in visits:
        for _ in range(3):
            await services.log_hazard(f.actor(w.inspector), v.inspection["id"], _body(tag))
    flt = services.HazardFilter(q=tag)
    listed, total = await services.list_hazards(f.actor(w.officer), flt, 500, 0)
    chunks = [c async for c in await ledger.open_ledger(f.actor(w.officer), flt, chunk=2)]
    assert [len(c) for c in chunks] == [2, 2, 2, 2, 1] and total == 9
    lines = [line for c in chunks for line in c]
    assert [line[TEXT] for line in lines] == [h["description"] for h in listed]
    assert [line[0] for line in lines] == list(range(1, 10))


async def test_cells_that_would_run_as_formulas_are_text(client):
    w = await f.world()
    v = await _started(w)
    tag = f"公式{f.n()}"
    hostile = ['=HYPERLINK("http://x","y")', "+1+1", "-2+3", "@SUM(A1)"]
    for text in hostile:
        await services.log_hazard(
            f.actor(w.inspector), v.inspection["id"], _body(tag, description=f"{text} {tag}")
        )
    await services.log_hazard(
        f.actor(w.inspector),
        v.inspection["id"],
        _body(tag, description=f"位置 {tag}", location="=cmd|' /C calc'!A0"),
    )
    ws = sheet((await _export(client, f.headers(w.officer), q=tag)).content)
    cells = [c for row in ws.iter_rows(min_row=HEADER_ROW + 1) for c in row if c.value is not None]
    assert all(c.data_type in ("s", "n", "d") for c in cells)  # no formula anywhere
    texts = {c.value for c in cells if c.column == TEXT + 1}
    assert {f"'{text} {tag}" for text in hostile} <= texts
    assert {unescape_formula(t) for t in texts} >= {f"{text} {tag}" for text in hostile}
    assert "'=cmd|' /C calc'!A0" in {c.value for c in cells if c.column == TEXT + 2}


async def test_a_community_officer_never_gets_another_community(client):
    w = await f.world()
    other = await create_org_unit(
        f.SYSTEM,
        OrgUnitIn(name=f"另一社区{f.n()}", kind="community", parent_id=w.tree["street"]["id"]),
    )
    other_grid = await create_org_unit(
        f.SYSTEM, OrgUnitIn(name=f"另一网格{f.n()}", kind="grid", parent_id=other["id"])
    )
    tag = f"范围{f.n()}"
    ours = await _started(w)
    theirs = await _started(w, enterprise=await f.enterprise(other_grid["id"]))
    foreign = await _started(w, foreign=True, inspectors=[w.inspector])
    a = await services.log_hazard(f.actor(w.inspector), ours.inspection["id"], _body(tag))
    b = await services.log_hazard(f.actor(w.inspector), theirs.inspection["id"], _body(tag))
    c = await services.log_hazard(f.actor(w.inspector), foreign.inspection["id"], _body(tag))

    community_officer = await f.user("officer", org_unit_id=w.tree["community"]["id"])
    headers = f.headers(community_officer)
    texts = {row[TEXT] for row in rows_of(sheet((await _export(client, headers, q=tag)).content))}
    assert texts == {a["description"]}
    # Asking for the other community's subtree gives nothing, not its rows.
    asked = await _export(client, headers, q=tag, org_unit_id=other["id"])
    assert rows_of(sheet(asked.content)) == []
    street = {
        row[TEXT]
        for row in rows_of(sheet((await _export(client, f.headers(w.officer), q=tag)).content))
    }
    assert street == {a["description"], b["description"]}
    far = rows_of(sheet((await _export(client, f.headers(w.foreign_officer), q=tag)).content))
    assert {row[TEXT] for row in far} == {c["description"]}


async def test_only_officers_export(client):
    w = await f.world()
    for u in (w.admin, w.inspector, w.enterprise_user):
        r = await client.get(API, headers=f.headers(u))
        assert r.status_code == 403, (u["role"], r.text)
    assert (await client.get(API)).status_code == 401


async def test_bad_filters_are_named_before_any_byte(client):
    w = await f.world()
    r = await client.get(
        API,
        params={
            "status": "lost",
            "level": "huge",
            "found_from": "2026-02-01",
            "found_to": "2026-01-01",
        },
        headers=f.headers(w.officer),
    )
    assert r.status_code == 400, r.text
    assert {e["key"] for e in r.json()["extra"]} == {"status", "level", "found_to"}
    r = await client.get(API, params={"found_from": "yesterday"}, headers=f.headers(w.officer))
    assert r.status_code == 400 and "found_from" in r.text


async def test_the_hazard_list_page_exports_its_filters(client):
    w = await f.world()
    v = await _started(w)
    tag = f"页面{f.n()}"
    major = await services.log_hazard(
        f.actor(w.inspector), v.inspection["id"], _body(tag, level="major", major_basis="第四条")
    )
    await services.log_hazard(f.actor(w.inspector), v.inspection["id"], _body(tag))
    headers = await as_user(w.officer)
    page = await client.get("/hazards", params={"q": tag, "level": "major"}, headers=headers)
    assert page.status_code == 200
    link = f'href="/hazards/export.xlsx?level=major&amp;q={quote(tag)}"'
    assert link in page.text and "导出台账" in page.text
    r = await client.get(
        "/hazards/export.xlsx", params={"q": tag, "level": "major", "status": ""}, headers=headers
    )
    assert r.status_code == 200
    assert [row[TEXT] for row in rows_of(sheet(r.content))] == [major["description"]]
    bad = await client.get(
        "/hazards/export.xlsx", params={"found_to": "2026-13-01"}, headers=headers
    )
    assert bad.status_code == 400
    refused = await client.get("/hazards/export.xlsx", headers=await as_user(w.inspector))
    assert refused.status_code == 403
    # Inspectors and enterprises see the list without the button.
    page = await client.get("/hazards", headers=await as_user(w.inspector))
    assert "导出台账" not in page.text


async def test_the_ledger_is_a_page_to_file(client):
    """Title rows, the header frozen below them and repeated on every printed page, A3
    landscape fitted to the width, wrapped text, real date cells: read back with openpyxl."""
    w = await f.world()
    v = await _started(w)
    tag = f"归档{f.n()}"
    long = f"{tag} " + "配电箱柜门缺失，内部线路老化裸露，" * 6
    made = await services.log_hazard(
        f.actor(w.inspector), v.inspection["id"], _body(tag, description=long)
    )
    before = dt.datetime.now(dt.UTC)
    ws = sheet((await _export(client, f.headers(w.officer), q=tag)).content)

    title, place, stamp = (ws.cell(row=r, column=1).value for r in (1, 2, 3))
    assert title == "隐患台账"
    assert place == f"街道：{w.tree['street']['name']}　社区：全部"
    assert stamp.startswith("统计截至：") and stamp.endswith(f"导出人：{w.officer['display_name']}")
    moment = dt.datetime.strptime(stamp[5:21], "%Y-%m-%d %H:%M")  # noqa: DTZ007 - the sheet's local wall time
    assert moment.date() in {local_today(before), local_today()}
    assert {str(r) for r in ws.merged_cells.ranges} == {"A1:X1", "A2:X2", "A3:X3"}
    assert ws["A1"].font.b and ws["A1"].font.sz == 16

    assert [c.value for c in ws[HEADER_ROW]] == ledger.HEADER
    assert ws.freeze_panes == "A5"  # the pane below the header row
    assert ws.print_title_rows == "$4:$4"  # _xlnm.Print_Titles: the header on every page
    setup = ws.page_setup
    assert (setup.orientation, setup.paperSize) == ("landscape", 8)  # 8 = A3
    assert (setup.fitToWidth, setup.fitToHeight) == (1, 0)
    assert ws.sheet_properties.pageSetUpPr.fitToPage is True
    assert ws.print_options.gridLines and ws.page_margins.left == 0.4
    assert "&P" in ws.oddFooter.center.text

    assert all(ws.cell(row=HEADER_ROW, column=i).alignment.wrap_text for i in (1, 10, 14))
    assert ws[f"J{HEADER_ROW}"].font.b
    (row,) = ws.iter_rows(min_row=HEADER_ROW + 1)
    cell = {ledger.HEADER[c.column - 1]: c for c in row}
    assert cell["隐患描述"].value == long and cell["隐患描述"].alignment.wrap_text
    assert cell["隐患描述"].alignment.vertical == "top"
    assert not cell["统一社会信用代码"].alignment.wrap_text
    for name in ("检查时间", "整改期限"):
        assert cell[name].is_date and cell[name].data_type == "d", name
        assert cell[name].number_format == "yyyy-mm-dd", name
    assert day_of(cell["整改期限"].value) == made["deadline"]
    widths = [ws.column_dimensions[get_column_letter(i)].width for i in range(1, 25)]
    assert widths == ledger.WIDTHS


async def test_every_source_is_named_and_five_musts_come_from_the_plan(client):
    """隐患来源 for a self-found and a patrol hazard; their plan-less rows leave 整改责任人,
    资金 and 预案 blank and take 措施 from the suggestion."""
    w = await f.world()
    tag = f"来源{f.n()}"
    i = await start_self(client, w)
    r = await log_self(client, w, i["id"], description=f"{tag} 自查发现", suggestion="清理通道")
    assert r.status_code == 201, r.text
    found = await report(
        w.grid_worker, description=f"{tag} 巡查发现", enterprise_id=w.enterprise["id"]
    )
    r = await client.post(
        f"/api/v1/patrol-reports/{found['id']}/triage",
        json=TRIAGE_HAZARD,
        headers=f.headers(w.officer),
    )
    assert r.status_code == 200, r.text
    rows = rows_of(sheet((await _export(client, f.headers(w.officer), q=tag)).content))
    by_text = {row[TEXT]: dict(zip(ledger.HEADER, row, strict=True)) for row in rows}
    mine, patrol = by_text[f"{tag} 自查发现"], by_text[f"{tag} 巡查发现"]
    assert (mine["隐患来源"], patrol["隐患来源"]) == ("企业自查", "网格巡查")
    assert mine["整改措施"] == "清理通道"
    for row in (mine, patrol):
        assert (row["整改责任人"], row["整改资金"], row["应急预案"]) == (None, None, None)
        assert day_of(row["检查时间"]) == local_today() and row["整改状态"] == "待整改"


async def test_the_title_names_the_scope_of_the_rows(client):
    w = await f.world()
    community_officer = await f.user("officer", org_unit_id=w.tree["community"]["id"])
    ws = sheet((await _export(client, f.headers(community_officer), q="无此隐患")).content)
    street, community = w.tree["street"]["name"], w.tree["community"]["name"]
    assert ws["A2"].value == f"街道：{street}　社区：{community}"
    assert rows_of(ws) == [] and ws.auto_filter.ref == "A4:X4"
    # A grid asked for narrows the scope; an ancestor of the officer's unit does not widen it.
    grid = w.tree["grid1"]
    ws = sheet(
        (await _export(client, f.headers(w.officer), q="无此隐患", org_unit_id=grid["id"])).content
    )
    assert ws["A2"].value == f"街道：{street}　社区：{community}　网格：{grid['name']}"
    ws = sheet(
        (
            await _export(client, f.headers(community_officer), org_unit_id=w.tree["street"]["id"])
        ).content
    )
    assert ws["A2"].value == f"街道：{street}　社区：{community}"
