"""SQL where it earns its place (docs/dev/sql.md): aggregates — figures, dashboards, per-row
counts a page needs in one statement — are hand-written SQL in the modules listed below;
every plain select, lookup, search, existence check and update goes through Piccolo's query
builder. A new hand-written statement anywhere else fails here: write it with the builder,
or put the aggregate in its domain's SQL module (and say why in docs/dev/sql.md)."""

from __future__ import annotations

import ast
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = ("safety", "inspections", "rectification")

# Module (or folder, ending in /) → why it may hold SQL. Keep in step with docs/dev/sql.md.
SQL_PLACES = {
    "safety/db.py": "the engines' dialect helpers (search, advisory lock, probe)",
    "safety/ops/backup/": "engine-level copies and their table counts",
    "safety/demo/benchdata/": "bulk loader on its own connection (COPY, sequences)",
    "safety/registry/service.py": "an inspector's enterprises: the kernel cannot import "
    "inspections' tables",
    "inspections/hazard_figures.py": "the hazard figures (status as of a day)",
    "inspections/patrol/figures.py": "the patrol figures",
    "inspections/patrol/figure_records.py": "the records behind a patrol figure",
    "inspections/patrol/logs.py": "not-visited enterprises ordered by their last visit; "
    "patrol/figures imports logs, so it cannot move there",
    "inspections/risk/planning.py": "the due list: CASE over each colour's last inspection",
    "rectification/figures/": "the campaign and area figures, per-row aggregates",
    "rectification/home/queries.py": "the home dashboard's counts in one round trip",
}

# Hand-written SQL: Piccolo's raw doors, and SQL text in a string that is not a docstring.
RAW_NAMES = {"WhereRaw", "SelectRaw", "QueryString", "run_querystring", "run_ddl"}
SQL_TEXT = re.compile(r"\b(SELECT|INSERT\s+INTO|DELETE\s+FROM|UPDATE\s+\S+\s+SET)\b")


def _docstrings(tree: ast.AST) -> set[int]:
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)):
            body = node.body
            if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
                found.add(id(body[0].value))
    return found


def raw_sql(source: str) -> list[tuple[int, str]]:
    """(line, what) of each hand-written SQL in ``source``."""
    tree = ast.parse(source)
    docs = _docstrings(tree)
    out = []
    for node in ast.walk(tree):
        if (  # Table.raw(...), not a variable named raw
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr == "raw"
        ):
            out.append((node.lineno, "raw"))
        elif isinstance(node, ast.Name) and node.id in RAW_NAMES:
            out.append((node.lineno, node.id))
        elif isinstance(node, ast.Attribute) and node.attr in RAW_NAMES:
            out.append((node.lineno, node.attr))
        elif isinstance(node, ast.alias) and node.name.rsplit(".", 1)[-1] in RAW_NAMES:
            out.append((node.lineno, node.name))
        elif (
            isinstance(node, ast.Constant)
            and isinstance(node.value, str)
            and id(node) not in docs
            and SQL_TEXT.search(node.value)
        ):
            out.append((node.lineno, node.value.strip()[:60]))
    return out


def _allowed(path: str) -> bool:
    return any(path == p or (p.endswith("/") and path.startswith(p)) for p in SQL_PLACES)


def _modules():
    for package in PACKAGES:
        for file in sorted((ROOT / package).rglob("*.py")):
            path = file.relative_to(ROOT).as_posix()
            if "/piccolo_migrations/" not in path:  # migrations are SQL by nature
                yield path, file


def test_no_hand_written_sql_outside_its_places():
    stray = [
        f"{path}:{line}: {what}"
        for path, file in _modules()
        if not _allowed(path)
        for line, what in raw_sql(file.read_text(encoding="utf-8"))
    ]
    assert stray == [], "\n".join(stray)


def test_every_sql_place_exists_and_still_holds_sql():
    # A place whose SQL went (converted, moved) leaves the list, so the list stays true.
    empty = []
    for place in SQL_PLACES:
        files = sorted((ROOT / place).rglob("*.py")) if place.endswith("/") else [ROOT / place]
        found = [f for f in files if f.exists() and raw_sql(f.read_text(encoding="utf-8"))]
        if not found:
            empty.append(place)
    assert empty == []


def test_the_scanner_sees_each_kind_of_raw_sql_and_not_prose():
    source = '''
"""Docstring: one SELECT per page."""
from piccolo.columns.combination import WhereRaw
from piccolo.querystring import QueryString as Q
rows = Hazard.raw("x")
cond = WhereRaw("hazard.id = 1")
sql = f"SELECT id FROM hazard WHERE x = {1}"
upd = "UPDATE hazard SET status = 'closed'"
ins = "INSERT INTO hazard VALUES (1)"
def f():
    """Deletes nothing: DELETE FROM is prose here."""
    raw = "select ok"  # lower case prose is not SQL, a variable named raw no door
    return raw
'''
    what = [w for _, w in raw_sql(source)]
    assert "piccolo.columns.combination" not in what
    assert what.count("WhereRaw") == 2  # the import and the call
    assert "QueryString" in what and "raw" in what
    assert any(w.startswith("SELECT id") for w in what)
    assert any(w.startswith("UPDATE hazard") for w in what)
    assert any(w.startswith("INSERT INTO") for w in what)
    assert not any("Docstring" in w or "DELETE" in w or "select ok" in w for w in what)
