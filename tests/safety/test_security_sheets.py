"""Security of the ledger files: formula injection in exports and error sheets, upload size
limits, and sheets built to exhaust memory (zip bombs, huge dimensions, huge CSV cells)."""

from __future__ import annotations

import io
import os
import time
import zipfile

from safety.registry.sheets import MAX_COLUMNS, read_table
from safety.settings import get_settings
from safety.tables import Enterprise
from tests import factories as f
from tests.pages import as_user
from tests.safety.sheets import HEADER, csv_bytes, read_xlsx, sheet_xml, upload, xlsx

FORMULAS = ['=HYPERLINK("http://evil.example","点我")', "+1+1", "-2+3", "@SUM(A1)", "\t=1"]


def _assert_no_formula(data: bytes, payloads: list[str]) -> None:
    """No cell is a formula, and each payload is there as text behind an apostrophe (the
    writer's rule itself is tests/unit/test_sheetstream.py's; this is the export's path)."""
    assert "<f>" not in sheet_xml(data) and "<f " not in sheet_xml(data)
    seen = set()
    for r, row in enumerate(read_xlsx(data), start=1):
        for c, cell in enumerate(row, start=1):
            value = cell if isinstance(cell, str) else ""
            assert not value.startswith(("=", "+", "-", "@", "\t", "\r")), (r, c, value)
            for p in payloads:
                if value == "'" + p.strip() or value == "'" + p:
                    seen.add(p)
    assert seen == set(payloads), f"payloads not found escaped: {set(payloads) - seen}"


def _row(w, name: str, address: str = "") -> list:
    return [
        name,
        f.uscc(),
        w.tree["community"]["name"],
        w.tree["grid1"]["name"],
        "C",
        "张三",
        "13800138000",
        address,
    ]


async def test_export_neutralises_cells_that_a_spreadsheet_would_run_as_formulas(client):
    w = await f.world()
    payloads = FORMULAS[:4]
    for p in payloads:
        await f.enterprise(w.tree["grid2"]["id"], name=p, address=p, contact_name=p)
    r = await client.get(
        "/api/v1/enterprises/export.xlsx",
        params={"org_unit_id": w.tree["grid2"]["id"]},
        headers=f.headers(w.officer),
    )
    assert r.status_code == 200
    _assert_no_formula(r.content, payloads)


async def test_an_escaped_export_imports_back_unchanged(client):
    w = await f.world()
    h = f.headers(w.officer)
    ent = await f.enterprise(w.tree["grid2"]["id"], name="=公司", address="-1号楼")
    exported = (
        await client.get("/api/v1/enterprises/export.xlsx", params={"q": ent["uscc"]}, headers=h)
    ).content
    back = (await upload(client, h, exported)).json()
    assert (back["created"], back["updated"], back["unchanged"], back["errors"]) == (0, 0, 1, [])
    row = await Enterprise.select().where(Enterprise.id == ent["id"]).first().run()
    assert (row["name"], row["address"]) == ("=公司", "-1号楼")


async def test_the_error_sheet_neutralises_formulas_from_the_uploaded_file(client):
    w = await f.world()
    h = await as_user(w.officer)
    payloads = ["=1+2", "@cmd", "+86-1"]
    header = [*HEADER, "地址"]
    rows = [
        # Each row is bad (no name), so it lands on the error sheet as uploaded.
        [
            "",
            f.uscc(),
            w.tree["community"]["name"],
            w.tree["grid1"]["name"],
            "C",
            p,
            "13800138000",
            p,
        ]
        for p in payloads
    ]
    r = await client.post(
        "/enterprises/import",
        files={"file": ("台账.csv", csv_bytes(header, rows))},
        headers=h,
    )
    assert r.status_code == 200, r.text
    token = r.text.split('action="/enterprises/import/')[1].split('"')[0]
    r = await client.get(f"/enterprises/import/{token}/errors.xlsx", headers=h)
    assert r.status_code == 200
    _assert_no_formula(r.content, payloads)


async def test_an_upload_within_the_configured_limit_is_accepted(client):
    """The framework's own body limit (10 MB by default) must not undercut
    ``max_upload_bytes``: an 11 MB sheet is read, not refused as too large."""
    w = await f.world()
    sheet = xlsx(HEADER, [_row(w, f"大文件企业{f.n()}")[:7]])
    buf = io.BytesIO(sheet)
    with zipfile.ZipFile(buf, "a") as z:  # incompressible padding the reader ignores
        z.writestr("docProps/padding.bin", os.urandom(11 * 1024 * 1024), zipfile.ZIP_STORED)
    data = buf.getvalue()
    assert 10_000_000 < len(data) < get_settings().max_upload_bytes
    r = await upload(client, f.headers(w.officer), data)
    assert r.status_code == 200, r.text[:300]
    assert r.json()["created"] == 1


async def test_an_upload_over_the_limit_is_413(client):
    w = await f.world()
    data = b"PK\x03\x04" + b"\0" * get_settings().max_upload_bytes
    r = await upload(client, f.headers(w.officer), data)
    assert r.status_code == 413
    r = await client.post(
        "/enterprises/import", files={"file": ("台账.xlsx", data)}, headers=await as_user(w.officer)
    )
    assert r.status_code == 413


async def test_a_zip_bomb_xlsx_is_refused_without_unpacking_it(client):
    w = await f.world()
    sheet = xlsx(HEADER, [_row(w, f"炸弹企业{f.n()}")[:7]])
    buf = io.BytesIO(sheet)
    with zipfile.ZipFile(buf, "a") as z:
        z.writestr("xl/sharedStrings2.xml", b"\0" * (300 * 1024 * 1024), zipfile.ZIP_DEFLATED)
    data = buf.getvalue()
    assert len(data) < 1024 * 1024
    r = await upload(client, f.headers(w.officer), data)
    assert r.status_code == 400
    assert [e["key"] for e in r.json()["extra"]] == ["file"]


def test_a_sheet_claiming_huge_dimensions_is_read_only_as_wide_as_the_ledger():
    """<dimension ref="A1:XFD60"> makes openpyxl pad every row to 16,384 cells: 60 rows
    would be a million cells, 20,000 rows over 300 million."""
    data = xlsx(HEADER, [["企业", "91370102MA3C0000X1", "社区", "网格"]] * 59)
    buf = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(buf, "w") as dst:
        for item in src.infolist():
            content = src.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                text = content.decode()
                start = text.index("<dimension ref=")
                end = text.index("/>", start) + 2
                content = (text[:start] + '<dimension ref="A1:XFD60"/>' + text[end:]).encode()
            dst.writestr(item, content)
    rows = read_table("ledger.xlsx", buf.getvalue())
    assert len(rows) == 60
    assert max(len(r) for r in rows) <= MAX_COLUMNS
    assert rows[0][:2] == ["企业名称", "统一社会信用代码"]


def test_a_csv_with_millions_of_columns_is_cut_to_the_ledger_width():
    text = ",".join(HEADER) + "\n" + "x," * 3_000_000 + "\n"
    started = time.monotonic()
    rows = read_table("ledger.csv", text.encode())
    assert max(len(r) for r in rows) <= MAX_COLUMNS
    assert time.monotonic() - started < 10


async def test_a_csv_cell_over_the_csv_field_limit_is_a_400_not_a_500(client):
    w = await f.world()
    rows = [_row(w, f"长字段企业{f.n()}", address="路" * 200_000)]
    data = csv_bytes([*HEADER, "地址"], rows)
    r = await upload(client, f.headers(w.officer), data, filename="ledger.csv")
    assert r.status_code == 400, r.text[:300]
    assert [e["key"] for e in r.json()["extra"]] == ["file"]
