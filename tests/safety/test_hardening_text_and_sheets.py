"""Hardening (issue 7, findings 1, 2 and 5): control characters in text, hostile sheets
parsed in a worker process within caps and a time limit, broken UTF-16 CSVs."""

from __future__ import annotations

import os
from pathlib import Path

from pydantic import BaseModel, ValidationError

from safety.settings import get_settings
from safety.tables import Enterprise
from tests import factories as f
from tests.pages import as_user
from tests.safety.sheets import (
    HEADER,
    csv_bytes,
    read_xlsx,
    shared_string_bomb,
    sheet_bomb,
    upload,
    xlsx,
)

CTL = "ctl\u0001name"


def _row(w, name: str, **over) -> list:
    row = {
        "name": name,
        "uscc": f.uscc(),
        "community": w.tree["community"]["name"],
        "grid": w.tree["grid1"]["name"],
        "industry": "C",
        "contact": "张三",
        "phone": "13800138000",
    }
    row.update(over)
    return list(row.values())


def _sheet_cells(data: bytes) -> list[list]:
    return read_xlsx(data)


# ---------------------------------------------------------------- 1. control characters


async def test_the_api_refuses_a_control_character_naming_the_field(client):
    w = await f.world()
    h = f.headers(w.officer)
    body = {"name": CTL, "uscc": f.uscc(), "org_unit_id": w.tree["grid1"]["id"]}
    r = await client.post("/api/v1/enterprises", json=body, headers=h)
    assert r.status_code == 400, r.text
    assert [e["key"] for e in r.json()["extra"]] == ["name"]
    assert "U+0001" in r.json()["extra"][0]["message"]
    assert not await Enterprise.exists().where(Enterprise.uscc == body["uscc"]).run()

    url = f"/api/v1/enterprises/{w.enterprise['id']}"
    for field, value in (("address", "1号\u0085楼"), ("contact_name", "张\u202e三")):
        r = await client.patch(url, json={field: value, "version": 1}, headers=h)
        assert r.status_code == 400, r.text
        assert [e["key"] for e in r.json()["extra"]] == [field]


async def test_the_api_keeps_tabs_newlines_and_joiners(client):
    """The decisions of safety.text: tab and line breaks are text; so is a zero width
    joiner (emoji sequences)."""
    w = await f.world()
    h = f.headers(w.officer)
    body = {
        "name": f"家庭\u200d作坊{f.n()}",
        "address": "1号楼\n2单元\t3室",
        "uscc": f.uscc(),
        "org_unit_id": w.tree["grid1"]["id"],
    }
    r = await client.post("/api/v1/enterprises", json=body, headers=h)
    assert r.status_code == 201, r.text
    assert r.json()["address"] == body["address"]


async def test_the_form_refuses_a_control_character_next_to_the_field(client):
    w = await f.world()
    h = await as_user(w.officer)
    code = f.uscc()
    form = {"name": CTL, "uscc": code, "org_unit_id": str(w.tree["grid1"]["id"])}
    r = await client.post("/enterprises", data=form, headers=h, follow_redirects=False)
    assert r.status_code == 400
    assert "U+0001" in r.text
    assert not await Enterprise.exists().where(Enterprise.uscc == code).run()


async def test_the_user_form_refuses_a_control_character(client):
    w = await f.world()
    r = await client.patch(
        f"/api/v1/users/{w.inspector['id']}",
        json={"display_name": "检查\u0007员"},
        headers=f.headers(w.admin),
    )
    assert r.status_code == 400, r.text
    assert [e["key"] for e in r.json()["extra"]] == ["display_name"]


async def test_an_import_row_with_a_control_character_is_a_row_error_naming_the_column(client):
    w = await f.world()
    h = f.headers(w.officer)
    good = _row(w, f"好企业{f.n()}")
    rows = [_row(w, CTL), good, _row(w, f"坏地址{f.n()}", grid=w.tree["grid1"]["name"] + "\x1f")]
    r = await upload(client, h, csv_bytes(HEADER, rows), filename="ledger.csv")
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["created"] == 1
    errors = [(e["row"], e["field"], e["column"]) for e in body["errors"]]
    assert errors == [(2, "name", "企业名称"), (4, "grid", "所属网格")]
    assert "U+001F" in body["errors"][1]["message"]

    # An .xlsx cannot hold C0 controls (XML 1.0 forbids them), but DEL and C1 are valid XML.
    data = xlsx(HEADER, [_row(w, "ctl\x7fname"), _row(w, "好", contact="张\x85三")])
    r = await upload(client, h, data)
    assert r.status_code == 200, r.text
    assert [(e["row"], e["field"]) for e in r.json()["errors"]] == [
        (2, "name"),
        (3, "contact_name"),
    ]


async def test_stored_control_characters_never_break_an_export(client):
    """Rows stored before the rule (or by any other way in) export as U+FFFD."""
    w = await f.world()
    bad = await f.enterprise(
        w.tree["grid2"]["id"], name=CTL, address="a\x0bb\ufffec", contact_name="\x7f"
    )
    r = await client.get(
        "/api/v1/enterprises/export.xlsx", params={"q": bad["uscc"]}, headers=f.headers(w.officer)
    )
    assert r.status_code == 200, r.text[:300]
    row = _sheet_cells(r.content)[1]
    assert row[0] == "ctl\ufffdname" and row[8] == "a\ufffdb\ufffdc" and row[10] == "\ufffd"
    r = await client.get(
        "/enterprises/export.xlsx", params={"q": bad["uscc"]}, headers=await as_user(w.officer)
    )
    assert r.status_code == 200
    assert _sheet_cells(r.content)[1][0] == "ctl\ufffdname"


async def test_the_error_sheet_of_an_upload_with_control_characters_opens(client):
    w = await f.world()
    h = await as_user(w.officer)
    rows = [_row(w, "", contact="张\x01三"), _row(w, CTL)]
    r = await client.post(
        "/enterprises/import", files={"file": ("台账.csv", csv_bytes(HEADER, rows))}, headers=h
    )
    assert r.status_code == 200, r.text
    token = r.text.split('action="/enterprises/import/')[1].split('"')[0]
    r = await client.get(f"/enterprises/import/{token}/errors.xlsx", headers=h)
    assert r.status_code == 200, r.text[:300]
    cells = _sheet_cells(r.content)
    assert [c[0] or "" for c in cells[1:]] == ["", "ctl\ufffdname"]
    assert cells[1][5] == "张\ufffd三" and "U+0001" in cells[1][-1]


def _body_models(app) -> dict[str, type[BaseModel]]:
    """Every pydantic model a route of the app takes as its body, by route."""
    found = {}
    for route in app.routes:
        for handler in getattr(route, "route_handlers", []):
            data = handler.parsed_fn_signature.parameters.get("data")
            model = data.annotation if data else None
            if isinstance(model, type) and issubclass(model, BaseModel):
                found[f"{sorted(handler.http_methods)} {route.path}"] = model
    return found


def _refused_fields(model: type[BaseModel], value: str) -> set[str]:
    try:
        model.model_validate(dict.fromkeys(model.model_fields, value))
    except ValidationError as exc:
        return {str(e["loc"][0]) for e in exc.errors() if e["loc"]}
    return set()


async def test_every_text_field_of_every_request_body_refuses_control_characters(app):
    """Whatever body a route takes, a field that accepts text refuses a control character
    (passwords excepted: hashed, never stored or shown). A new ``str`` field that is not
    ``safety.schemas.Text`` fails here."""
    models = _body_models(app)
    assert len(models) >= 6, models
    for route, model in models.items():
        text_fields = set(model.model_fields) - _refused_fields(model, "plain text")
        unguarded = text_fields - _refused_fields(model, "a\x01b") - {"password"}
        assert not unguarded, f"{route} {model.__name__}: {sorted(unguarded)}"


def test_every_spreadsheet_is_written_by_the_one_writer():
    """Only ``safety.sheets.stream`` writes workbooks (and applies ``file_text`` and the
    formula escape to every cell); a new writer elsewhere (openpyxl, another XML writer)
    fails here."""
    root = Path(__file__).resolve().parents[2]
    writers = sorted(
        str(path.relative_to(root))
        for package in ("safety", "inspections", "rectification")
        for path in (root / package).rglob("*.py")
        if any(
            mark in path.read_text(encoding="utf-8")
            for mark in (
                "Workbook(",
                "from openpyxl",
                "import openpyxl",
                "xlsxwriter",
                "<sheetData",
            )
        )
    )
    assert writers == ["safety/sheets/stream.py"]


# ---------------------------------------------------------------- 2. hostile sheets


async def test_a_million_shared_strings_are_refused_before_parsing(client):
    w = await f.world()
    data = shared_string_bomb([_row(w, "串表企业")], 1_000_000)
    assert len(data) < 100_000
    r = await upload(client, f.headers(w.officer), data)
    assert r.status_code == 400, r.text[:300]
    cap = get_settings().sheet_max_shared_strings
    assert r.json()["extra"] == [
        {
            "key": "file",
            "message": f"文件共享字符串超过 {cap} 个，请删除无关内容或分批导入",
            "message_en": f"more than {cap} shared strings",
        }
    ]
    # A table declaring a huge count is refused on the declaration, also on the page.
    r = await client.post(
        "/enterprises/import",
        files={
            "file": ("台账.xlsx", shared_string_bomb([_row(w, "串表企业")], 10, declared=5_000_000))
        },
        headers=await as_user(w.officer),
    )
    assert r.status_code == 400 and "共享字符串超过" in r.text
    assert "more than" not in r.text  # one language on the page


async def test_a_row_of_a_million_cells_is_refused(client):
    w = await f.world()
    data = sheet_bomb(1, 1_000_000)
    assert len(data) < 100_000
    r = await upload(client, f.headers(w.officer), data)
    assert r.status_code == 400, r.text[:300]
    assert [e["key"] for e in r.json()["extra"]] == ["file"]
    assert f"more than {get_settings().sheet_max_cells} cells" in r.json()["extra"][0]["message_en"]


async def test_sheets_are_parsed_in_another_process():
    from safety.sheets import pool as parsepool

    assert await parsepool.run(os.getpid) != os.getpid()


async def test_a_parse_over_the_time_limit_is_stopped_and_the_next_import_works(
    client, monkeypatch
):
    w = await f.world()
    h = f.headers(w.officer)
    slow = shared_string_bomb([_row(w, "慢企业")], 150_000)  # within the caps, slow to parse
    monkeypatch.setattr(get_settings(), "sheet_parse_seconds", 0.1)
    r = await upload(client, h, slow)
    assert r.status_code == 400, r.text[:300]
    assert r.json()["extra"][0]["key"] == "file"
    assert "longer than 0.1 s" in r.json()["extra"][0]["message_en"]
    monkeypatch.undo()
    r = await upload(client, h, xlsx(HEADER, [_row(w, f"超时后企业{f.n()}")]))
    assert r.status_code == 200, r.text[:300]
    assert r.json()["created"] == 1


async def test_a_hung_parse_is_killed_and_the_pool_recovers(monkeypatch):
    """A parse that uses no CPU but never ends meets the wall-clock backstop."""
    import time

    from safety.sheets import pool as parsepool

    monkeypatch.setattr(get_settings(), "sheet_parse_seconds", 0.05)
    generation = parsepool._POOL.generation
    started = time.monotonic()
    try:
        await parsepool.run(time.sleep, 60)
        raise AssertionError("not stopped")
    except Exception as exc:  # noqa: BLE001 - asserting on it below
        assert getattr(exc, "status_code", None) == 400, exc
    assert time.monotonic() - started < 20
    monkeypatch.undo()
    assert await parsepool.run(os.getpid) != os.getpid()
    assert parsepool._POOL.generation == generation + 1


async def test_a_crashed_parser_is_a_400_and_the_pool_recovers():
    from safety.sheets import pool as parsepool

    r = None
    try:
        await parsepool.run(os._exit, 3)
    except Exception as exc:  # noqa: BLE001 - asserting on it below
        r = exc
    assert getattr(r, "status_code", None) == 400 and r.extra[0]["key"] == "file"
    assert await parsepool.run(os.getpid) != os.getpid()


# ---------------------------------------------------------------- 5. broken UTF-16 CSV


def _utf16(w) -> bytes:
    text = ",".join(HEADER) + "\r\n" + ",".join(_row(w, f"宽字符企业{f.n()}")) + "\r\n"
    return b"\xff\xfe" + text.encode("utf-16-le")


async def test_a_utf16_csv_with_a_broken_tail_is_a_400_naming_the_file(client):
    w = await f.world()
    h = f.headers(w.officer)
    page = await as_user(w.officer)
    for data in (_utf16(w) + b"A", _utf16(w) + b"\x00\xd8", _utf16(w)[:-4] + b"\x3d\xd8a\x00"):
        r = await upload(client, h, data, filename="ledger.csv")
        assert r.status_code == 400, r.text[:300]
        assert [e["key"] for e in r.json()["extra"]] == ["file"]
        assert "UTF-16" in r.json()["extra"][0]["message"]
        r = await client.post(
            "/enterprises/import", files={"file": ("台账.csv", data)}, headers=page
        )
        assert r.status_code == 400 and "UTF-16" in r.text
    r = await upload(client, h, _utf16(w), filename="ledger.csv")
    assert r.status_code == 200 and r.json()["created"] == 1
