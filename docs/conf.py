"""Sphinx configuration of the manual (MyST Markdown, the Furo theme).

Build it with ``bash .ci/docs`` (warnings are errors). The API reference page is filled in
at build time from the app's OpenAPI schema by ``_ext/apiref.py``.
"""

from __future__ import annotations

import sys
from pathlib import Path

DOCS = Path(__file__).resolve().parent
sys.path.insert(0, str(DOCS / "_ext"))  # the local extension
sys.path.insert(0, str(DOCS.parent))  # the app, for the API reference

project = "安全生产双重预防检查与整改跟踪系统"
author = "安全生产双重预防检查与整改跟踪系统"
copyright = "2026"
language = "zh_CN"

extensions = ["myst_parser", "apiref", "houseplan"]
myst_enable_extensions = ["colon_fence", "deflist"]
# Anchors for ## and ### headings, so a page can link to a section of another.
myst_heading_anchors = 3
source_suffix = {".md": "markdown"}
root_doc = "index"
exclude_patterns = ["_build", "_ext", "Thumbs.db", ".DS_Store"]

html_theme = "furo"
html_title = project
html_static_path: list[str] = []
html_show_sourcelink = False
html_copy_source = False
# Chinese search: Sphinx's zh search splits words with jieba when it is installed, and
# falls back to single characters otherwise (good enough for a manual this size).
