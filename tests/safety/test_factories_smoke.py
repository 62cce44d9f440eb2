from tests import factories as f


async def test_world_builds_with_scoped_paths():
    w = await f.world()
    assert w.tree["grid1"]["path"].startswith(w.tree["street"]["path"])
    assert not w.foreign_tree["grid1"]["path"].startswith(w.tree["street"]["path"])
    assert w.officer["org_unit"] == w.tree["street"]["id"]
