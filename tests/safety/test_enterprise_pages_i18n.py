"""Registry pages in English (the ``lang=en`` cookie): no Chinese text except data values
(names of enterprises, people and units, the ledger's column headings) and the link back
to Chinese; Chinese stays the default."""

import re

from safety.registry.sheets import HEADERS
from tests import factories as f
from tests.pages import as_user
from tests.safety.sheets import HEADER, xlsx

HAN = re.compile(r"[\u3000-\u303f\u3400-\u9fff\uff00-\uffef]+")


def chinese_outside(text: str, data: list[str]) -> set[str]:
    """Runs of Chinese characters (and full-width punctuation) not part of a data value."""
    return {run for run in HAN.findall(text) if not any(run in value for value in data)}


async def _english_officer(w) -> dict[str, str]:
    h = await as_user(w.officer)
    h["Cookie"] += "; lang=en"
    return h


def _data_values(w, *enterprises: dict) -> list[str]:
    units = [u["name"] for u in w.tree.values()]
    people = [
        str(e.get(k) or "")
        for e in enterprises
        for k in ("name", "contact_name", "legal_representative", "address", "industry_detail")
    ]
    return [*units, *people, *HEADERS.values(), "中文"]  # "中文": the switch back to Chinese


async def test_registry_pages_in_english_show_no_chinese_outside_data(client):
    w = await f.world()
    full = await f.enterprise(
        w.tree["grid2"]["id"],
        risk_colour="orange",
        is_key=True,
        uscc_flagged=True,
        scale="micro",
        standardisation_level="level2",
        address="寨北路1号",
        legal_representative="李四",
        industry_detail="机械加工",
        active=False,
    )
    data = _data_values(w, w.enterprise, full)
    h = await _english_officer(w)
    pages = {
        "/enterprises": ("Enterprise registry", "Enterprises: 2", "Risk level", "Orange", "Key"),
        f"/enterprises/{full['id']}?saved=1": (
            "Community / grid",
            "Micro",
            "Level 2",
            "Check character does not match",
            "Closed",
            "Manufacturing",
        ),
        "/enterprises/new": ("New enterprise", "Industry section (GB/T 4754)", "Operating"),
        f"/enterprises/{full['id']}/edit": (
            "Edit: ",
            "Standardisation date",
            "Derived from the risk points",
        ),
        "/enterprises/import": ("Import the enterprise ledger", "Upload and preview"),
    }
    for url, english in pages.items():
        r = await client.get(url, headers=h)
        assert r.status_code == 200, url
        for text in english:
            assert text in r.text, (url, text)
        assert chinese_outside(r.text, data) == set(), url
    r = await client.get("/enterprises", headers=h)
    for chinese in ("企业台账", "共 2 家", "风险等级", "重点", "没有符合条件"):
        assert chinese not in r.text

    # The import preview and its result: field names of a change, headings, counts.
    rows = [
        [f"英文导入{f.n()}", f.uscc(), w.tree["community"]["name"], w.tree["grid1"]["name"]],
        [
            w.enterprise["name"],
            w.enterprise["uscc"],
            w.tree["community"]["name"],
            w.tree["grid2"]["name"],
        ],
    ]
    data.append(rows[0][0])
    r = await client.post(
        "/enterprises/import", files={"file": ("a.xlsx", xlsx(HEADER[:4], rows))}, headers=h
    )
    assert r.status_code == 200
    assert "Import preview (nothing written yet)" in r.text and "To be updated (1)" in r.text
    assert "<b>Grid</b>: " in r.text
    assert chinese_outside(r.text, data) == set()
    token = r.text.split('action="/enterprises/import/')[1].split('"')[0]
    r = await client.post(f"/enterprises/import/{token}", headers=h)
    assert r.status_code == 200 and "Import result" in r.text and "Created (1)" in r.text
    assert chinese_outside(r.text, data) == set()


async def test_form_errors_made_by_the_page_follow_the_language(client):
    w = await f.world()
    form = {"name": f"企业{f.n()}", "uscc": f.uscc(), "org_unit_id": "x"}
    r = await client.post("/enterprises", data=form, headers=await _english_officer(w))
    assert r.status_code == 400
    assert "Invalid enterprise details" in r.text and "Choose the grid" in r.text
    r = await client.post("/enterprises", data=form, headers=await as_user(w.officer))
    assert r.status_code == 400
    assert "企业信息有误" in r.text and "请选择所属网格" in r.text
    assert "(invalid enterprise)" not in r.text  # one language
    r = await client.post(
        "/enterprises/import", files={"other": ("a.txt", b"x")}, headers=await _english_officer(w)
    )
    assert r.status_code == 400 and "Choose an .xlsx or .csv file to import" in r.text


async def test_registry_pages_stay_chinese_without_the_cookie(client):
    w = await f.world()
    h = await as_user(w.officer)
    r = await client.get("/enterprises", headers=h)
    assert r.status_code == 200 and "企业台账" in r.text and "共 1 家" in r.text
    assert "Enterprise registry" not in r.text
    r = await client.get(f"/enterprises/{w.enterprise['id']}", headers=h)
    assert "C 制造业" in r.text
    assert "Manufacturing" not in r.text
