"""The house plan, read from the code: every module of the three packages and what it
imports (module-level and function-level imports alike), grouped into rooms.

Used by ``tests/unit/test_house.py`` (no circle, no upward import, no by-layer folder) and by
the docs (``docs/_ext/houseplan.py`` draws the rooms and the imports between them).
"""

from __future__ import annotations

import ast
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("safety", "inspections", "rectification")
# Who may import upwards: the composition root builds the app from every package, and the
# demo fills every package with data.
COMPOSITION_ROOT = ("safety.app", "safety.cli", "safety.demo")
FLOORS = {"safety": 0, "inspections": 1, "rectification": 2}
BY_LAYER_FOLDERS = {"controllers", "handlers", "views", "models", "repositories"}


def modules() -> dict[str, Path]:
    found = {}
    for package in PACKAGES:
        for path in (ROOT / package).rglob("*.py"):
            rel = path.relative_to(ROOT)
            if "piccolo_migrations" in rel.parts:
                continue
            name = ".".join(rel.with_suffix("").parts)
            found[name.removesuffix(".__init__")] = path
    return found


def imports() -> dict[str, set[str]]:
    """Module → the project modules it imports (a ``from a import b`` names ``a.b`` when
    that is a module, else ``a``)."""
    known = modules()

    def resolve(name: str) -> str | None:
        while name and name not in known:
            name = name.rpartition(".")[0]
        return name or None

    graph: dict[str, set[str]] = defaultdict(set)
    for name, path in known.items():
        graph[name]
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            targets: list[str] = []
            if isinstance(node, ast.Import):
                targets = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                targets = [f"{node.module}.{a.name}" for a in node.names]
            for target in targets:
                hit = resolve(target)
                if hit and hit != name:
                    graph[name].add(hit)
    return dict(graph)


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components of more than one node (Tarjan, iterative)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []
    counter = 0
    for start in sorted(graph):
        if start in index:
            continue
        work = [(start, iter(sorted(graph.get(start, ()))))]
        index[start] = low[start] = counter
        counter += 1
        stack.append(start)
        on_stack.add(start)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = counter
                    counter += 1
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(graph.get(child, ())))))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                parent = work[-1][0]
                low[parent] = min(low[parent], low[node])
            if low[node] == index[node]:
                component = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                if len(component) > 1:
                    found.append(sorted(component))
    return found


def room_of(module: str) -> str:
    """The room a module lives in: its package's sub-folder (``safety.accounts``,
    ``inspections.risk``), or the package itself for its flat modules (``safety`` is the
    kernel's flat room)."""
    parts = module.split(".")
    if len(parts) >= 2 and (ROOT / parts[0] / parts[1]).is_dir():
        return f"{parts[0]}.{parts[1]}"
    if module in ("safety.app", "safety.cli"):
        return "safety (composition root)"
    return parts[0]


def room_graph() -> dict[str, set[str]]:
    rooms: dict[str, set[str]] = defaultdict(set)
    for module, targets in imports().items():
        here = room_of(module)
        rooms[here]
        for target in targets:
            there = room_of(target)
            if there != here:
                rooms[here].add(there)
    return dict(rooms)


def upward_imports() -> list[tuple[str, str]]:
    """(module, target) pairs that import a higher floor (kernel ← inspections ←
    rectification), outside the composition root and the demo."""
    wrong = []
    for module, targets in imports().items():
        if module.startswith(COMPOSITION_ROOT):
            continue
        for target in targets:
            if FLOORS[target.split(".")[0]] > FLOORS[module.split(".")[0]]:
                wrong.append((module, target))
    return sorted(wrong)


def by_layer_folders() -> list[str]:
    return sorted(
        str(path.relative_to(ROOT))
        for package in PACKAGES
        for path in (ROOT / package).rglob("*")
        if path.is_dir() and path.name in BY_LAYER_FOLDERS
    )


def floor_of(module: str) -> str:
    """The floor a module stands on: the kernel, a domain package, the demo or the
    composition root."""
    if module.startswith(("safety.app", "safety.cli")):
        return "composition root"
    if module.startswith("safety.demo"):
        return "safety/demo"
    return {"safety": "kernel", "inspections": "inspections/", "rectification": "rectification/"}[
        module.split(".")[0]
    ]


def _collapsed(key) -> dict[str, set[str]]:
    graph: dict[str, set[str]] = defaultdict(set)
    for module, targets in imports().items():
        here = key(module)
        if here is None:
            continue
        graph[here]
        for target in targets:
            there = key(target)
            if there is not None and there != here:
                graph[here].add(there)
    return dict(graph)


def dot(view: str = "kernel") -> str:
    """Graphviz DOT, an arrow from importer to imported, the importer above what it imports.

    ``kernel``: the kernel's rooms (``flat modules`` is its ground floor) and the
    composition root; ``floors``: the packages and the two top floors that may import
    every package (the demo and the composition root)."""
    if view == "kernel":

        def key(module: str) -> str | None:
            if not module.startswith("safety") or module.startswith("safety.demo"):
                return None
            room = room_of(module)
            return {"safety": "flat modules", "safety (composition root)": "app.py, cli.py"}.get(
                room, room.partition(".")[2] + "/"
            )

        graph = _collapsed(key)
    else:
        graph = _collapsed(floor_of)
    lines = [
        f"digraph {view} {{",
        '  rankdir=TB; node [shape=box, style=rounded, fontname="Noto Sans CJK SC", fontsize=11];',
        '  edge [color="#667788", arrowsize=0.6];',
    ]
    lines += [f'  "{node}";' for node in sorted(graph)]
    lines += [f'  "{a}" -> "{b}";' for a in sorted(graph) for b in sorted(graph[a])]
    lines.append("}")
    return "\n".join(lines) + "\n"
