"""The house plan holds (docs/dev/design/layout.md): the kernel is a few rooms, imports
point one way (kernel ← inspections ← rectification ← the composition root and the demo),
no import circle anywhere, no by-layer folder."""

from __future__ import annotations

from tests import house


def test_no_module_imports_itself_through_a_circle():
    assert house.cycles(house.imports()) == []


def test_the_cycle_finder_finds_a_circle():
    # Guards the test above: a circle of three and a self-contained pair are both found.
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"e"}, "e": {"d"}, "f": set()}
    assert sorted(house.cycles(graph)) == [["a", "b", "c"], ["d", "e"]]


def test_the_kernel_rooms_import_one_way():
    # Room to room, not just module to module: the kernel's flat modules are its ground
    # floor, and no two of its rooms lean on each other.
    kernel = {
        room: {t for t in targets if t.startswith("safety")}
        for room, targets in house.room_graph().items()
        if room.startswith("safety")
    }
    assert house.cycles(kernel) == []


def test_no_package_imports_a_higher_floor():
    assert house.upward_imports() == []


def test_the_composition_root_and_demo_may_import_every_floor():
    # The two exceptions are real: without them the rule above would be vacuous for them.
    graph = house.imports()
    assert any(t.startswith("inspections") for t in graph["safety.app"])
    assert any(t.startswith("rectification") for t in graph["safety.demo.world"])


def test_no_by_layer_folder():
    assert house.by_layer_folders() == []


def test_the_kernel_is_a_few_rooms():
    rooms = {r for r in house.room_graph() if r.startswith("safety")}
    assert {
        "safety",
        "safety.accounts",
        "safety.demo",
        "safety.sheets",
        "safety.registry",
        "safety.reports",
    } <= rooms
    flat = [m for m in house.imports() if house.room_of(m) == "safety"]
    assert len(flat) <= 26, sorted(flat)


def test_the_pictures_name_every_kernel_room_and_floor():
    kernel = house.dot("kernel")
    for room in house.room_graph():
        if room.startswith("safety.") and room != "safety.demo":
            assert f'"{room.partition(".")[2]}/"' in kernel
    floors = house.dot("floors")
    for floor in ("kernel", "inspections/", "rectification/", "safety/demo", "composition root"):
        assert f'"{floor}"' in floors
    assert '"inspections/" -> "rectification/"' not in floors
