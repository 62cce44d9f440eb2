"""The shipped sample ledger (fixtures/enterprises_sample.xlsx) in a street built with the
demo org tree's names: import, see exactly which rows failed and why, fix the error sheet,
re-import, export, and import the export back."""

import io
import json
from pathlib import Path

from openpyxl import load_workbook

from fixtures.make_enterprise_sample import BAD_ROWS, GOOD_ROWS
from safety.actors import SYSTEM
from safety.orgs import OrgUnitIn, create_org_unit
from safety.registry import sync as registry_sync
from safety.registry.sheets import error_workbook
from tests import factories as f
from tests.safety.sheets import read_xlsx, upload

ROOT = Path(__file__).resolve().parents[2]
SAMPLE = (ROOT / "fixtures" / "enterprises_sample.xlsx").read_bytes()


async def demo_street() -> dict:
    """A street with the demo's 24 communities × 5 grids (names as in fixtures/demo)."""
    tree = json.loads((ROOT / "fixtures" / "demo" / "org_units.json").read_text("utf-8"))
    street = await create_org_unit(SYSTEM, OrgUnitIn(name=f"怡园街道{f.n()}", kind="street"))
    for c in tree["communities"]:
        community = await create_org_unit(
            SYSTEM, OrgUnitIn(name=c["name"], kind="community", parent_id=street["id"])
        )
        for g in c["grids"]:
            await create_org_unit(
                SYSTEM, OrgUnitIn(name=g["name"], kind="grid", parent_id=community["id"])
            )
    return street


def fix_error_sheet(data: bytes) -> bytes:
    """Do what the officer would: correct each bad row in the downloaded error sheet."""
    wb = load_workbook(io.BytesIO(data))
    ws = wb.active
    header = [c.value for c in ws[1]]
    col = {name: header.index(name) + 1 for name in header}
    for r in range(2, ws.max_row + 1):
        reason = ws.cell(r, col["错误原因"]).value
        if "统一社会信用代码" in reason:
            ws.cell(r, col["统一社会信用代码"]).value = f.uscc()
        if "联系电话" in reason or "手机" in reason:
            ws.cell(r, col["手机"]).value = "13900001111"
        if "网格" in reason:
            ws.cell(r, col["所属社区"]).value = "寨北社区"
            ws.cell(r, col["所属网格"]).value = "寨北社区第1网格"
        if "名称" in reason:
            ws.cell(r, col["单位名称"]).value = f"补填名称企业{f.n()}"
        if "标准化日期" in reason:
            ws.cell(r, col["标准化日期"]).value = "2023-12-01"
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


async def test_sample_import_fix_reimport_export(client):
    street = await demo_street()
    officer = await f.user("officer", org_unit_id=street["id"])
    h = f.headers(officer)

    first = (await upload(client, h, SAMPLE, "enterprises_sample.xlsx")).json()
    assert first["created"] == GOOD_ROWS
    assert {e["row"]: e["field"] for e in first["errors"]} == BAD_ROWS
    assert all(e["message"] for e in first["errors"])

    sheet = await registry_sync.read_upload("enterprises_sample.xlsx", SAMPLE)
    plan = await registry_sync.plan_import(f.actor(officer), sheet)
    errors_xlsx = error_workbook(sheet, plan.errors)
    assert [int(r[-2]) for r in read_xlsx(errors_xlsx)[1:]] == sorted(BAD_ROWS)

    fixed = (await upload(client, h, fix_error_sheet(errors_xlsx), "fixed.xlsx")).json()
    assert (fixed["created"], fixed["errors"]) == (len(BAD_ROWS), [])

    again = (await upload(client, h, SAMPLE, "enterprises_sample.xlsx")).json()
    assert (again["created"], again["updated"], again["unchanged"]) == (0, 0, GOOD_ROWS)

    exported = await client.get("/api/v1/enterprises/export.xlsx", headers=h)
    assert len(read_xlsx(exported.content)) == 1 + GOOD_ROWS + len(BAD_ROWS)
    back = (await upload(client, h, exported.content, "export.xlsx")).json()
    assert (back["created"], back["updated"], back["unchanged"], back["errors"]) == (
        0,
        0,
        GOOD_ROWS + len(BAD_ROWS),
        [],
    )
