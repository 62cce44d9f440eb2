"""Importing 企业台账 sheets: mixed good/bad rows, encodings, aliases, idempotence, large files,
and the export → import round trip."""

import time

from safety.tables import AuditEvent, Enterprise
from tests import factories as f
from tests.safety.sheets import HEADER, csv_bytes, read_xlsx, upload, xlsx


def row(tree, name=None, uscc=None, grid=None, phone="13800138000", community=None, industry="C"):
    return [
        name if name is not None else f"导入企业{f.n()}",
        uscc if uscc is not None else f.uscc(),
        community if community is not None else tree["community"]["name"],
        grid if grid is not None else tree["grid1"]["name"],
        industry,
        "张三",
        phone,
    ]


def errors_by_row(result) -> dict[int, set[str]]:
    out: dict[int, set[str]] = {}
    for e in result["errors"]:
        out.setdefault(e["row"], set()).add(e["field"])
    return out


async def test_good_rows_land_and_bad_rows_are_reported(client):
    w = await f.world()
    t = w.tree
    dup = f.uscc()
    good_code = f.uscc()
    rows = [
        row(t, uscc=good_code),  # 2 good
        row(t, uscc=good_code[:17] + ("0" if good_code[17] != "0" else "1")),  # 3 check char
        row(t, uscc="91370102ABC"),  # 4 malformed
        row(t, phone="123456"),  # 5 bad phone
        row(t, grid="不存在的网格"),  # 6 unknown grid
        row(t, name=""),  # 7 missing name
        [None] * 7,  # 8 empty row: skipped
        row(t, uscc=dup),  # 9 good
        row(t, uscc=dup.lower()),  # 10 duplicate of row 9
        row(t, grid=t["grid2"]["name"], community=""),  # 11 good, grid found by name alone
    ]
    r = await upload(client, f.headers(w.officer), xlsx(HEADER, rows))
    assert r.status_code == 200, r.text
    result = r.json()
    assert (result["created"], result["updated"], result["unchanged"]) == (3, 0, 0)
    assert errors_by_row(result) == {
        3: {"uscc"},
        4: {"uscc"},
        5: {"contact_phone"},
        6: {"grid"},
        7: {"name"},
        10: {"uscc"},
    }
    by_row = {e["row"]: e for e in result["errors"]}
    assert "第 9 行" in by_row[10]["message"]
    assert by_row[5]["column"] == "联系电话"
    landed = (
        await Enterprise.select(Enterprise.uscc, Enterprise.org_unit)
        .where(Enterprise.uscc.is_in([good_code, dup, rows[9][1]]))
        .run()
    )
    assert len(landed) == 3
    assert {e["org_unit"] for e in landed} == {t["grid1"]["id"], t["grid2"]["id"]}
    audits = (
        await AuditEvent.count()
        .where(
            AuditEvent.action == "enterprise.import_create",
            AuditEvent.actor == w.officer["id"],
        )
        .run()
    )
    assert audits == 3


async def test_gbk_csv_with_alias_headers_and_a_title_row(client):
    w = await f.world()
    t = w.tree
    header = ["单位名称", "信用代码", "网格", "联系人", "手机", "所属行业"]
    codes = [f.uscc(), f.uscc()]
    rows = [
        [f"甲企业{f.n()}", codes[0], t["grid1"]["name"], "赵六", "13700001111", "制造业"],
        [f"乙企业{f.n()}", codes[1], t["grid2"]["name"], "钱七", "0531-88886666", "金属制品加工"],
    ]
    data = ("怡园街道企业台账\n".encode("gbk")) + csv_bytes(header, rows, "gbk")
    r = await upload(client, f.headers(w.officer), data, "台账.csv")
    assert r.status_code == 200, r.text
    assert r.json()["created"] == 2 and r.json()["errors"] == []
    got = {
        e["uscc"]: e for e in await Enterprise.select().where(Enterprise.uscc.is_in(codes)).run()
    }
    assert got[codes[0]]["contact_name"] == "赵六" and got[codes[0]]["industry"] == "C"
    assert got[codes[1]]["contact_phone"] == "0531-88886666"
    # Free text naming no GB/T 4754 section is kept as the detail, not lost.
    assert got[codes[1]]["industry"] is None
    assert got[codes[1]]["industry_detail"] == "金属制品加工"


async def test_utf8_bom_csv(client):
    w = await f.world()
    code = f.uscc()
    data = csv_bytes(HEADER, [row(w.tree, uscc=code)], "utf-8-sig")
    assert data.startswith(b"\xef\xbb\xbf")
    r = await upload(client, f.headers(w.officer), data, "ledger.csv")
    assert r.status_code == 200 and r.json()["created"] == 1


async def test_reimport_is_idempotent_and_updates_only_changed_fields(client):
    w = await f.world()
    rows = [row(w.tree) for _ in range(4)]
    h = f.headers(w.officer)
    first = (await upload(client, h, xlsx(HEADER, rows))).json()
    assert first["created"] == 4
    again = (await upload(client, h, xlsx(HEADER, rows))).json()
    assert (again["created"], again["updated"], again["unchanged"]) == (0, 0, 4)
    rows[1][6] = "13911112222"
    rows[2][6] = ""  # an empty cell keeps what is stored
    third = (await upload(client, h, xlsx(HEADER, rows))).json()
    assert (third["created"], third["updated"], third["unchanged"]) == (0, 1, 3)
    stored = {
        e["uscc"]: e
        for e in await Enterprise.select().where(Enterprise.uscc.is_in([r[1] for r in rows])).run()
    }
    assert stored[rows[1][1]]["contact_phone"] == "13911112222"
    assert stored[rows[1][1]]["version"] == 2
    assert stored[rows[2][1]]["contact_phone"] == "13800138000"
    assert stored[rows[2][1]]["version"] == 1


async def test_codes_of_another_street_are_error_rows(client):
    w = await f.world()
    rows = [row(w.tree, uscc=w.foreign_enterprise["uscc"], name="冒名")]
    r = (await upload(client, f.headers(w.officer), xlsx(HEADER, rows))).json()
    assert r["created"] == 0 and r["updated"] == 0 and errors_by_row(r) == {2: {"uscc"}}
    stored = (
        await Enterprise.select().where(Enterprise.id == w.foreign_enterprise["id"]).first().run()
    )
    assert stored["name"] == w.foreign_enterprise["name"]


async def test_a_code_excel_turned_into_a_number_is_explained(client):
    w = await f.world()
    r = (
        await upload(
            client, f.headers(w.officer), xlsx(HEADER, [row(w.tree, uscc=9.14403001922038e17)])
        )
    ).json()
    assert errors_by_row(r) == {2: {"uscc"}}
    assert "文本" in r["errors"][0]["message"]


async def test_whole_file_problems_are_400_or_415(client):
    w = await f.world()
    h = f.headers(w.officer)
    r = await upload(client, h, xlsx(["名称", "地址"], [["a", "b"]]))
    assert r.status_code == 400 and r.json()["extra"][0]["key"] == "file"
    r = await upload(client, h, xlsx(["企业名称", "统一社会信用代码"], [["a", f.uscc()]]))
    assert r.status_code == 400 and "所属网格" in r.json()["extra"][0]["message"]
    r = await upload(client, h, b"%PDF-1.4 not a sheet", "ledger.pdf")
    assert r.status_code == 415
    r = await upload(client, h, b"PK\x03\x04broken", "ledger.xlsx")
    assert r.status_code == 400 and r.json()["extra"][0]["key"] == "file"


async def test_only_officers_import_and_export(client):
    w = await f.world()
    data = xlsx(HEADER, [row(w.tree)])
    for u in (w.inspector, w.enterprise_user, w.admin):
        assert (await upload(client, f.headers(u), data)).status_code == 403
        r = await client.get("/api/v1/enterprises/export.xlsx", headers=f.headers(u))
        assert r.status_code == 403
    assert (await upload(client, {}, data)).status_code == 401


async def test_export_then_import_round_trip(client):
    w = await f.world()
    h = f.headers(w.officer)
    bad = f.uscc()
    flagged = bad[:17] + ("0" if bad[17] != "0" else "1")
    await f.enterprise(
        w.tree["grid2"]["id"],
        uscc=flagged,
        uscc_flagged=True,
        industry="F",
        industry_detail="五金批发",
        scale="above_scale",
        address="怡园路 8 号",
        legal_representative="周八",
        contact_phone="0531-88886666",
        is_key=True,
        standardisation_level="level3",
        standardisation_date=__import__("datetime").date(2025, 6, 1),
        risk_colour="orange",
        active=False,
    )
    await f.enterprise(w.tree["grid1"]["id"], industry=None)
    r = await client.get("/api/v1/enterprises/export.xlsx", headers=h)
    assert r.status_code == 200
    assert r.headers["content-type"].startswith("application/vnd.openxmlformats")
    exported = r.content
    rows = read_xlsx(exported)
    assert len(rows) == 1 + 3  # header + the world's enterprise + two
    before = (
        await Enterprise.select()
        .where(Enterprise.org_unit.is_in([w.tree["grid1"]["id"], w.tree["grid2"]["id"]]))
        .order_by(Enterprise.id)
        .run()
    )

    # Importing it back changes nothing.
    same = (await upload(client, h, exported)).json()
    assert (same["created"], same["updated"], same["unchanged"], same["errors"]) == (0, 0, 3, [])

    # Spoil every field of one enterprise, import the export: everything comes back.
    target = next(e for e in before if e["uscc"] == flagged)
    patch = {
        "version": target["version"],
        "name": "改坏的名字",
        "industry": "A",
        "industry_detail": "x",
        "scale": "micro",
        "address": "别处",
        "legal_representative": "某人",
        "contact_name": "某人",
        "contact_phone": "13000000000",
        "is_key": False,
        "standardisation_level": "level1",
        "standardisation_date": "2020-01-01",
        "risk_colour": "blue",
        "active": True,
        "org_unit_id": w.tree["grid1"]["id"],
    }
    r = await client.patch(f"/api/v1/enterprises/{target['id']}", json=patch, headers=h)
    assert r.status_code == 200, r.text
    back = (await upload(client, h, exported)).json()
    assert (back["created"], back["updated"], back["unchanged"]) == (0, 1, 2)
    after = (
        await Enterprise.select()
        .where(Enterprise.id.is_in([e["id"] for e in before]))
        .order_by(Enterprise.id)
        .run()
    )
    skip = {"version", "updated_at"}
    assert [{k: v for k, v in e.items() if k not in skip} for e in after] == [
        {k: v for k, v in e.items() if k not in skip} for e in before
    ]


async def test_export_follows_the_filters(client):
    w = await f.world()
    await f.enterprise(w.tree["grid2"]["id"], is_key=True)
    h = f.headers(w.officer)
    r = await client.get("/api/v1/enterprises/export.xlsx", params={"key": "true"}, headers=h)
    rows = read_xlsx(r.content)
    assert len(rows) == 2 and rows[1][12] == "是"
    r = await client.get(
        "/api/v1/enterprises/export.xlsx", params={"org_unit_id": w.tree["grid1"]["id"]}, headers=h
    )
    assert [x[1] for x in read_xlsx(r.content)[1:]] == [w.enterprise["uscc"]]


async def test_a_5000_row_sheet_imports_and_reimports_unchanged(client):
    w = await f.world()
    base = f.n() * 10_000
    rows = [
        row(
            w.tree,
            name=f"大表企业{base + i}",
            uscc=f.uscc(base + i),
            grid=w.tree[f"grid{1 + i % 2}"]["name"],
        )
        for i in range(5000)
    ]
    data = xlsx(HEADER, rows)
    h = f.headers(w.officer)
    started = time.monotonic()
    r = await upload(client, h, data)
    assert r.status_code == 200, r.text
    assert r.json()["created"] == 5000 and r.json()["errors"] == []
    assert time.monotonic() - started < 300
    again = (await upload(client, h, data)).json()
    assert (again["created"], again["updated"], again["unchanged"]) == (0, 0, 5000)
