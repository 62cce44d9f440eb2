"""The risk map on a phone: with more industry columns than a phone shows (over five), a
hint says to swipe and the table's wrapper carries the shadow cue (``rk-more``); with few
columns, neither."""

from __future__ import annotations

from tests import factories as f
from tests.pages import as_user


async def test_the_map_says_to_swipe_only_when_columns_lie_beyond_a_phone(client):
    w = await f.world()
    grid = w.tree["grid1"]["id"]
    h = await as_user(w.officer)
    r = await client.get("/risk/map", headers=h)
    assert r.status_code == 200
    assert 'id="rk-swipe"' not in r.text and "rk-more" not in r.text
    for letter in "ABEFGH":
        await f.enterprise(grid, industry=letter, risk_colour="blue")
    r = await client.get("/risk/map", headers=h)
    assert 'id="rk-swipe"' in r.text and "左右滑动查看全部行业" in r.text
    assert '<div class="rk-scroll rk-more">' in r.text
