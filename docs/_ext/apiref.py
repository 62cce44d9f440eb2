"""Sphinx extension: the API reference page (``api.md``) from the app's OpenAPI schema.

The committed ``api.md`` holds the introduction; at build time this extension imports
``safety.app``, takes ``app.openapi_schema.to_schema()`` and appends one section per path:
its methods, summaries, parameters, request body and status codes. Nothing is written into
the source tree and nothing is fetched at run time (no CDN): the page is plain MyST.
"""

from __future__ import annotations

import logging
import os
import tempfile
from typing import Any

DOCNAME = "api"
METHODS = ("get", "post", "put", "patch", "delete")


def openapi_schema() -> dict[str, Any]:
    # The settings make a secret key in the data directory when none is set: keep that out
    # of the checkout (the schema does not depend on the key).
    if not os.environ.get("SAFETY_DATA_DIR"):
        os.environ["SAFETY_DATA_DIR"] = tempfile.mkdtemp(prefix="safety-docs-")
    # Importing the app sets up its document renderer, whose library logs at INFO.
    logging.getLogger("weasyprint").setLevel(logging.WARNING)
    from safety.app import create_app

    return create_app().openapi_schema.to_schema()


def cell(text: object) -> str:
    """One Markdown table cell: no line breaks, no bare pipes."""
    return " ".join(str(text).split()).replace("|", "\\|")


def schema_name(schema: dict[str, Any] | None) -> str:
    if not schema:
        return ""
    if "$ref" in schema:
        return schema["$ref"].rsplit("/", 1)[-1]
    if schema.get("type") == "array":
        return f"array of {schema_name(schema.get('items'))}"
    if "oneOf" in schema or "anyOf" in schema:
        parts = [schema_name(s) for s in schema.get("oneOf", schema.get("anyOf", []))]
        return " or ".join(p for p in parts if p)
    return str(schema.get("type", ""))


def operation_markdown(method: str, op: dict[str, Any]) -> list[str]:
    lines = [f"### `{method.upper()}`", ""]
    if op.get("summary"):
        lines += [cell(op["summary"]), ""]
    params = op.get("parameters") or []
    if params:
        lines += ["| parameter | in | required | type | description |", "|---|---|---|---|---|"]
        for p in params:
            lines.append(
                f"| `{cell(p['name'])}` | {p.get('in', '')} | "
                f"{'yes' if p.get('required') else 'no'} | "
                f"{cell(schema_name(p.get('schema')))} | {cell(p.get('description', ''))} |"
            )
        lines.append("")
    body = op.get("requestBody")
    if body:
        kinds = ", ".join(
            f"`{ctype}` {cell(schema_name(c.get('schema')))}".rstrip()
            for ctype, c in body.get("content", {}).items()
        )
        lines += [f"Request body: {kinds}", ""]
    lines += ["| status | meaning |", "|---|---|"]
    for status, resp in sorted(op.get("responses", {}).items()):
        lines.append(f"| {status} | {cell(resp.get('description', ''))} |")
    lines.append("")
    return lines


def reference_markdown(schema: dict[str, Any]) -> str:
    lines: list[str] = []
    for path, item in sorted(schema["paths"].items()):
        ops = [(m, item[m]) for m in METHODS if m in item]
        if not ops:
            continue
        lines += [f"## `{path}`", ""]
        for method, op in ops:
            lines += operation_markdown(method, op)
    return "\n".join(lines)


def add_reference(app, docname: str, source: list[str]) -> None:
    if docname == DOCNAME:
        source[0] += "\n\n" + reference_markdown(openapi_schema()) + "\n"


def always_reread(app, env, added, changed, removed) -> list[str]:
    return [DOCNAME]  # the schema lives in the code: read the page again on every build


def setup(app) -> dict[str, Any]:
    app.connect("source-read", add_reference)
    app.connect("env-get-outdated", always_reread)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
