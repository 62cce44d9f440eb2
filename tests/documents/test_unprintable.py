"""Characters no installed font has (U+20000, U+2A6A5; issue 20, point 7): saving them is
never refused, but the API answer carries a ``warnings`` entry naming the field and the
page after a save shows a notice; printed documents show "〓(U+20000)" instead of an
empty box."""

from __future__ import annotations

from safety.reports import coverage
from safety.settings import local_today
from tests import factories as f
from tests.documents import world
from tests.documents.test_documents import flat, pdftotext
from tests.pages import as_user

RARE = "\U00020000\U0002a6a5"  # 𠀀 𪚥: CJK extension B, in no installed font


def test_the_fonts_cover_what_they_have_and_name_what_they_lack():
    assert coverage.unprintable(f"张{RARE}三 𠮷 堃 é Ж ✓ \u200d") == list(RARE)
    assert coverage.unprintable("隐患描述 ABC 123") == []
    assert coverage.printable_text("张\U00020000三") == "张〓(U+20000)三"


async def test_the_api_saves_the_text_and_warns_naming_the_field(client):
    w = await f.world()
    body = {
        "org_unit_id": w.tree["grid1"]["id"],
        "date": local_today().isoformat(),
        "visited_enterprise_ids": [],
        "notes": f"走访王{RARE}家",
    }
    r = await client.post("/api/v1/patrol-logs", json=body, headers=f.headers(w.grid_worker))
    assert r.status_code == 201, r.text
    out = r.json()
    assert out["notes"] == f"走访王{RARE}家"
    assert [(x["key"], x["characters"]) for x in out["warnings"]] == [
        ("notes", ["U+20000", "U+2A6A5"])
    ]
    assert "〓" in out["warnings"][0]["message"] and "U+20000" in out["warnings"][0]["message"]
    assert "No font" in out["warnings"][0]["message_en"]
    plain = await client.post(
        "/api/v1/patrol-logs", json={**body, "notes": "下午复查"}, headers=f.headers(w.grid_worker)
    )
    assert plain.status_code == 200 and "warnings" not in plain.json()


async def test_the_page_after_a_save_shows_the_notice_once(client):
    w = await f.world()
    headers = await as_user(w.grid_worker)
    form = {"org_unit_id": str(w.tree["grid1"]["id"]), "date": str(local_today()), "notes": RARE}
    r = await client.post("/patrol/logs/new", data=form, headers=headers)
    assert r.status_code == 303, r.text
    carried = r.cookies.get("print_warning")
    assert carried == "U+20000_U+2A6A5"
    client.cookies.clear()
    page = await client.get(
        r.headers["location"],
        headers={**headers, "Cookie": f"{headers['Cookie']}; print_warning={carried}"},
    )
    assert 'id="print-warning"' in page.text and "U+2A6A5" in page.text
    assert 'print_warning=""' in page.headers.get("set-cookie", "")
    again = await client.get(r.headers["location"], headers=headers)
    assert 'id="print-warning"' not in again.text


async def test_a_pdf_prints_a_visible_replacement(client):
    d = await world.build(
        client, hazards=1, photos_per_hazard=0, verify=False, extra_description=RARE
    )
    r = await client.get(
        f"/api/v1/inspections/{d.inspection_id}/notice.pdf", headers=f.headers(d.w.officer)
    )
    assert r.status_code == 200
    text = flat(pdftotext(r.content))
    assert "〓(U+20000)〓(U+2A6A5)" in text
