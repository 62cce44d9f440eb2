"""The configuration table of the manual (docs/ops/configuration.md) covers every setting.

Every field of ``safety.settings.Settings`` must have its own row, named by its environment
variable, with the code's default and, for a field with pydantic bounds, those bounds; and
the table names no variable the code does not read. A new setting without its row fails
here, so the page never goes stale.
"""

from __future__ import annotations

import re
from pathlib import Path

from annotated_types import Ge, Gt, Le, Lt

from safety.settings import Settings

PAGE = Path(__file__).resolve().parents[2] / "docs" / "ops" / "configuration.md"
ROW = re.compile(r"^\|\s*`(?P<name>[A-Z][A-Z0-9_]*)`\s*\|(?P<rest>.*)\|\s*$")


def env_name(field: str) -> str:
    alias = Settings.model_fields[field].validation_alias
    return alias if isinstance(alias, str) else f"SAFETY_{field.upper()}"


def table_rows() -> dict[str, list[str]]:
    rows: dict[str, list[str]] = {}
    for line in PAGE.read_text(encoding="utf-8").splitlines():
        match = ROW.match(line)
        if match:
            assert match["name"] not in rows, f"{match['name']} has two rows in {PAGE.name}"
            rows[match["name"]] = [c.strip() for c in match["rest"].split("|")]
    return rows


def shown_default(value: object) -> str | None:
    """How the table writes a default in code font; None for defaults described in words."""
    if isinstance(value, bool):
        return f"`{str(value).lower()}`"
    if isinstance(value, float) and value.is_integer():
        return f"`{int(value)}`"
    if isinstance(value, int | float):
        return f"`{value}`"
    if isinstance(value, str) and value:
        return f"`{value}`"
    if isinstance(value, Path):
        return f"`./{value}`"
    return None


def shown_range(metadata: list[object]) -> str | None:
    """How the table writes pydantic's bounds: ``1–32`` (both inclusive), else the bounds
    one by one (``≥ 1``, ``> 0``, ``≥ 1, < 10``); None for a field without bounds."""
    low = next((m for m in metadata if isinstance(m, Ge | Gt)), None)
    high = next((m for m in metadata if isinstance(m, Le | Lt)), None)
    if isinstance(low, Ge) and isinstance(high, Le):
        return f"{low.ge:g}–{high.le:g}"
    parts = []
    if low is not None:
        parts.append(f"≥ {low.ge:g}" if isinstance(low, Ge) else f"> {low.gt:g}")
    if high is not None:
        parts.append(f"≤ {high.le:g}" if isinstance(high, Le) else f"< {high.lt:g}")
    return ", ".join(parts) or None


def test_every_setting_has_a_row_and_every_row_is_a_setting():
    rows = table_rows()
    names = {env_name(f) for f in Settings.model_fields}
    missing = sorted(names - set(rows))
    assert not missing, f"add a row to docs/ops/configuration.md for: {', '.join(missing)}"
    unknown = sorted(set(rows) - names)
    assert not unknown, f"docs/ops/configuration.md lists settings the code lacks: {unknown}"


def test_each_row_states_the_codes_default_and_bounds():
    rows = table_rows()
    wrong = []
    for field, info in Settings.model_fields.items():
        if env_name(field) not in rows:
            continue  # the test above names it
        default_cell, range_cell = rows[env_name(field)][:2]
        default = shown_default(info.default)
        if default is not None and default not in default_cell:
            wrong.append(f"{env_name(field)}: default should read {default}, not {default_cell}")
        if default is None and not default_cell:
            wrong.append(f"{env_name(field)}: say in words what an unset value means")
        bounds = shown_range(info.metadata)
        if bounds is not None and bounds not in range_cell:
            wrong.append(f"{env_name(field)}: range should read {bounds}, not {range_cell}")
    assert not wrong, "\n".join(wrong)


def test_the_rows_have_four_cells_and_a_meaning_in_chinese():
    for name, cells in table_rows().items():
        assert len(cells) == 3, f"{name}: a row is | variable | default | range | meaning |"
        assert re.search(r"[\u4e00-\u9fff]", cells[2]), f"{name}: the meaning is in Chinese"
