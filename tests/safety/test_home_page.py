"""The home page: the role's menu as tiles, grouped under headings when the role has many
entries (the officer), a plain set of tiles when it has few (the enterprise contact)."""

import re

from tests import factories as f
from tests.pages import as_user


def _sections(html: str) -> list[tuple[str, list[str]]]:
    out = []
    for body in re.findall(r'<section class="home-group">(.*?)</section>', html, re.S):
        heading = re.search(r"<h2>(.*?)</h2>", body)
        tiles = re.findall(r'<a class="card" href="([^"]+)"', body)
        out.append((heading.group(1) if heading else "", tiles))
    return out


async def test_the_officer_sees_the_daily_work_first_and_the_reference_data_last(client):
    w = await f.world()
    r = await client.get("/", headers=await as_user(w.officer))
    assert r.status_code == 200
    sections = _sections(r.text)
    assert [s[0] for s in sections] == ["日常工作", "检查与巡查", "统计分析", "基础数据"]
    assert sections[0][1][0] == "/dashboard"
    assert "/enterprises" in sections[-1][1] and "/admin/checklists" in sections[-1][1]
    tiles = [t for _, ts in sections for t in ts]
    assert len(tiles) == len(set(tiles)) and "/" not in tiles
    # the top menu lists the same entries in the same order, after 首页
    nav = re.search(r'<nav class="mainnav"[^>]*>(.*?)</nav>', r.text, re.S).group(1)
    assert re.findall(r'href="([^"]+)"', nav) == ["/", *tiles]


async def test_the_enterprise_contact_gets_tiles_without_headings(client):
    w = await f.world()
    r = await client.get("/", headers=await as_user(w.enterprise_user))
    assert r.status_code == 200
    sections = _sections(r.text)
    assert sections and all(heading == "" for heading, _ in sections)
    tiles = [t for _, ts in sections for t in ts]
    assert "/hazards" in tiles and "/admin/users" not in tiles
