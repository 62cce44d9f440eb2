"""The checklist library in fixtures/checklists: what it holds, and loading it (what
`safety migrate` does) idempotently, with a changed file becoming a new version."""

import json
import re
import shutil

import pytest

from inspections.checklists import rules, service
from inspections.tables import ChecklistItem, ChecklistTemplate
from safety.actors import SYSTEM
from safety.errors import ValidationFailed
from tests import factories as f

REQUIRED_DOMAINS = {"通用", "消防", "电气", "有限空间", "粉尘涉爆", "危险化学品", "特种设备"}
# A law or standard named with a clause: 《…》第N条 / GB 12345-2018 … 第4章 / 4.2 …
CITES = re.compile(r"(《[^》]+》|GB|AQ|TSG)")


def test_the_library_has_seven_real_templates_of_fifteen_items_or_more():
    library = [t for _, t in service.read_library()]
    assert len(library) >= 7
    assert REQUIRED_DOMAINS <= {t["domain"] for t in library}
    for t in library:
        cleaned = rules.clean_template(t)
        assert cleaned.errors == [], (t["code"], cleaned.errors[:3])
        assert len(t["sections"]) >= 2, t["code"]
        assert rules.item_count(t) >= 15, t["code"]


def test_every_item_has_a_legal_basis_and_every_major_item_its_clause():
    majors = 0
    for _, t in service.read_library():
        for s in t["sections"]:
            for i in s["items"]:
                assert CITES.search(i["legal_basis"]), (i["code"], i["legal_basis"])
                if i["default_level"] == "major":
                    majors += 1
                    assert "重大事故隐患判定标准" in i["major_basis"], i["code"]
                    assert re.search(r"第[一二三四五六七八九十]+条", i["major_basis"]), i["code"]
                else:
                    assert i["major_basis"] == "", i["code"]
    assert majors >= 10


def test_item_codes_are_unique_across_the_library():
    codes = [
        i["code"] for _, t in service.read_library() for s in t["sections"] for i in s["items"]
    ]
    assert len(codes) == len(set(codes))


async def test_loading_twice_creates_nothing_the_second_time():
    await service.load_library()  # whatever an earlier test left, the library is now in
    templates = await ChecklistTemplate.count().run()
    items = await ChecklistItem.count().run()
    again = await service.load_library()
    assert again.created == []
    assert len(again.unchanged) == len(service.read_library())
    assert await ChecklistTemplate.count().run() == templates
    assert await ChecklistItem.count().run() == items
    current, _total = await service.list_current(SYSTEM, limit=500)
    codes = {c["code"] for c in current}
    assert {t["code"] for _, t in service.read_library()} <= codes
    fire = next(c for c in current if c["code"] == "fire")
    assert fire["item_count"] >= 15 and fire["sections"][0]["items"][0]["legal_basis"]


async def test_a_changed_fixture_makes_a_new_version_and_the_old_stays_readable(tmp_path):
    code = f"fire_copy_{f.n()}"
    source = json.loads(
        next(p for p in sorted(service.LIBRARY.glob("*.json")) if "fire" in p.name).read_text(
            encoding="utf-8"
        )
    )
    source["code"] = code
    path = tmp_path / "fire.json"
    path.write_text(json.dumps(source, ensure_ascii=False), encoding="utf-8")
    first = await service.load_library(tmp_path)
    assert first.created == [f"{code} v1"]
    v1 = await service.current_of(code)

    source["sections"][0]["items"][0]["text"] += "，并每半年组织一次复查"
    path.write_text(json.dumps(source, ensure_ascii=False), encoding="utf-8")
    second = await service.load_library(tmp_path)
    assert second.created == [f"{code} v2"]
    v2 = await service.current_of(code)
    assert v2["version"] == 2 and v2["id"] != v1["id"]
    assert v2["sections"][0]["items"][0]["text"].endswith("复查")

    old = await service.get_checklist(SYSTEM, v1["id"])
    assert old["version"] == 1
    assert not old["sections"][0]["items"][0]["text"].endswith("复查")
    assert [v["version"] for v in await service.versions_of(SYSTEM, code)] == [2, 1]
    assert (await service.load_library(tmp_path)).created == []


async def test_a_broken_fixture_is_refused_naming_file_and_field(tmp_path):
    src = next(p for p in sorted(service.LIBRARY.glob("*.json")) if "dust" in p.name)
    shutil.copy(src, tmp_path / "dust.json")
    data = json.loads((tmp_path / "dust.json").read_text(encoding="utf-8"))
    data["code"] = f"dust_broken_{f.n()}"
    data["sections"][1]["items"][0]["major_basis"] = ""
    (tmp_path / "dust.json").write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    with pytest.raises(ValidationFailed) as caught:
        await service.load_library(tmp_path)
    assert [e["key"] for e in caught.value.extra] == ["dust.json:sections[1].items[0].major_basis"]
    assert await service.current_of(data["code"]) is None
