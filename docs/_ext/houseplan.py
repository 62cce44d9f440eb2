"""Sphinx extension: the pictures of the house plan, drawn from the code at build time.

``dev/design/layout.md`` holds the markers ``<!-- house:kernel -->`` and
``<!-- house:floors -->``; each becomes a Graphviz picture of the imports as they are
(``tests/house.py`` reads every module's imports; ``tests/unit/test_house.py`` holds the
rules the pictures show). Rendered by ``sphinx.ext.graphviz`` with the Debian ``graphviz``
package, to SVG: nothing fetched at run time.
"""

from __future__ import annotations

from typing import Any

DOCNAME = "dev/design/layout"
VIEWS = ("kernel", "floors")


def add_pictures(app, docname: str, source: list[str]) -> None:
    if docname != DOCNAME:
        return
    from tests import house

    text = source[0]
    for view in VIEWS:
        marker = f"<!-- house:{view} -->"
        if marker not in text:
            raise ValueError(f"{DOCNAME}.md lost its marker {marker}")
        text = text.replace(marker, f"```{{graphviz}}\n{house.dot(view)}```\n")
    source[0] = text


def always_reread(app, env, added, changed, removed) -> list[str]:
    return [DOCNAME] if DOCNAME in env.found_docs else []


def setup(app) -> dict[str, Any]:
    app.setup_extension("sphinx.ext.graphviz")
    app.config.graphviz_output_format = "svg"
    app.connect("source-read", add_pictures)
    app.connect("env-get-outdated", always_reread)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
