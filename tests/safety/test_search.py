"""Search boxes: case-insensitive "contains", the same on both engines; a typed % or _ is a
literal character, not a wildcard."""

from safety.db import contains
from safety.tables import Agency
from tests import factories as f


async def _names(q: str, marker: str) -> set[str]:
    rows = await Agency.select(Agency.name).where(contains(q, Agency.name)).run()
    return {r["name"] for r in rows if marker in r["name"]}


async def test_search_ignores_case_and_treats_wildcards_literally():
    m = f"M{f.n()}x"
    names = [f"Acme{m} Safety", f"acme{m}_one", f"acme{m}Xone", f"100%{m}"]
    for name in names:
        await Agency.insert(Agency(name=name)).run()
    assert await _names(f"ACME{m}", m) == set(names[:3])
    assert await _names(f"acme{m}_", m) == {f"acme{m}_one"}  # _ is not "any character"
    assert await _names(f"0%{m}", m) == {f"100%{m}"}  # % is not "anything"
    assert await _names("%", m) == {f"100%{m}"}


async def test_the_user_list_search_uses_it(client):
    w = await f.world()
    q = w.officer["username"].upper()
    r = await client.get(f"/api/v1/users?q={q}", headers=f.headers(w.admin))
    found = [u["username"] for u in r.json()["items"]]
    assert w.officer["username"] in found
    assert all(q.lower() in name.lower() for name in found)
