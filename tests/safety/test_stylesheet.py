"""The stylesheet's structure: a brace left open swallows every later rule into an
``@media`` block, which a browser accepts silently (it happened: the risk, self-inspection
and patrol styles applied only on screens wider than 720 px). Each section of app.css
starts with a comment at the start of a line, outside any block."""

from __future__ import annotations

import re
from pathlib import Path

import tinycss2

CSS = Path(__file__).resolve().parents[2] / "safety" / "static" / "app.css"


def _depths(text: str) -> list[tuple[int, int]]:
    """(line number, block depth) of every comment that starts a line."""
    out, depth, i, line = [], 0, 0, 1
    while i < len(text):
        c = text[i]
        if text.startswith("/*", i):
            if i == 0 or text[i - 1] == "\n":
                out.append((line, depth))
            end = text.index("*/", i + 2) + 2
            line += text.count("\n", i, end)
            i = end
            continue
        if c in "\"'":
            end = text.index(c, i + 1) + 1
            i = end
            continue
        if c == "{":
            depth += 1
        elif c == "}":
            depth -= 1
            assert depth >= 0, f"app.css line {line}: a '}}' closes nothing"
        elif c == "\n":
            line += 1
        i += 1
    assert depth == 0, f"app.css ends inside {depth} open block(s)"
    return out


def test_every_section_comment_is_outside_any_block():
    nested = [line for line, depth in _depths(CSS.read_text(encoding="utf-8")) if depth]
    assert nested == [], f"app.css: section comments inside a block at lines {nested}"


def test_the_stylesheet_parses_without_errors():
    rules = tinycss2.parse_stylesheet(CSS.read_text(encoding="utf-8"), skip_whitespace=True)
    errors = [r for r in rules if r.type == "error"]
    assert errors == [], errors
    # the phone rules of the later sections are top-level media rules, not nested ones
    media = [r for r in rules if r.type == "at-rule" and r.lower_at_keyword == "media"]
    phone = [r for r in media if re.search(r"max-width:\s*719px", tinycss2.serialize(r.prelude))]
    assert any(".rk-due" in tinycss2.serialize(r.content) for r in phone)
