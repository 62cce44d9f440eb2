"""A warning, never a refusal, when saved text holds characters the printed documents
cannot draw (``safety.reports.coverage``: U+20000, U+2A6A5, an emoji …; issue 20, point 7).

The stored text is right; only a printout would lack the glyph, so the save goes through
and the PDF prints "〓(U+20000)" in its place. The writer is told:

- ``note`` (the app's ``before_request``, with the page language): a write's text fields
  are looked at — a JSON body's strings, named by their path (``description``,
  ``items[2].note``), and a form's text fields — and what no font has is noted.
- ``attach`` (the app's ``after_request``): a 2xx JSON answer to such a write gains
  ``warnings: [{"key", "message", "message_en", "characters": ["U+20000", …]}]`` (the API
  is extended, nothing removed); a page's redirect after the save carries the characters
  in a short-lived cookie to the next page, whose ``print_warning()`` (base.html) shows
  them once; a page answered directly shows them itself.
"""

from __future__ import annotations

from contextvars import ContextVar
from typing import Any

import anyio.to_thread
from litestar import Request, Response
from pydantic import BaseModel

from safety import i18n
from safety.reports.coverage import unprintable
from safety.settings import get_settings

COOKIE = "print_warning"
WRITES = ("POST", "PUT", "PATCH")
MESSAGES = {
    "print.unprintable": (
        "以下字符没有字体可以打印，打印的文书中将显示为“〓”加编码：{chars}",
        "No font can print these characters; printed documents show a geta mark and "
        "the code in their place: {chars}",
    ),
}
i18n.register(MESSAGES)

# (lang, [(key, ["U+20000", …])]) of this request's write; the characters a cookie carried
_FOUND: ContextVar[tuple[str, list[tuple[str, list[str]]]] | None] = ContextVar(
    "print_found", default=None
)
_CARRIED: ContextVar[str] = ContextVar("print_carried", default="")


def _strings(value: Any, path: str) -> list[tuple[str, str]]:
    if isinstance(value, str):
        return [(path, value)]
    if isinstance(value, dict):
        return [
            hit for k, v in value.items() for hit in _strings(v, f"{path}.{k}" if path else str(k))
        ]
    if isinstance(value, list):
        return [hit for i, v in enumerate(value) for hit in _strings(v, f"{path}[{i}]")]
    return []


def scan(texts: list[tuple[str, str]]) -> list[tuple[str, list[str]]]:
    """(key, code points) of each text holding characters no PDF font has."""
    out = []
    for key, text in texts:
        missing = unprintable(text)
        if missing:
            out.append((key, [f"U+{ord(c):04X}" for c in missing]))
    return out


async def _texts(request: Request) -> list[tuple[str, str]]:
    """The text fields of a write. Only a body of announced length within its limit is
    read here: one the handler would refuse is left to it (a stream read half here could
    not be read again there)."""
    kind = request.headers.get("content-type", "").split(";")[0].strip().lower()
    size, settings = request.content_length, get_settings()
    if kind == "application/json" and size is not None and size <= settings.max_json_bytes:
        try:
            return _strings(await request.json(), "")
        except Exception:  # noqa: BLE001 - the handler reads the body again and says what is wrong
            return []
    forms = ("application/x-www-form-urlencoded", "multipart/form-data")
    if kind in forms and size is not None and size <= settings.max_upload_bytes:
        # Not caught: Litestar keeps what it parsed of a form, so a form that fails here
        # (a part of bytes that are no UTF-8 text, say) would reach the handler half
        # parsed; the error raised now is the one the handler would raise (400 "body").
        form = await request.form()
        return [(k, v) for k, v in form.multi_items() if isinstance(v, str)]
    return []


async def note(request: Request) -> None:
    """``before_request``: the page language, then what this write's text cannot print."""
    await i18n.remember_page_lang(request)
    _FOUND.set(None)
    _CARRIED.set(request.cookies.get(COOKIE, ""))
    if request.method not in WRITES:
        return
    texts = [(k, v) for k, v in await _texts(request) if not v.isascii()]
    if texts:
        found = await anyio.to_thread.run_sync(scan, texts)
        if found:
            _FOUND.set((i18n.request_lang(request), found))


def warnings(lang: str, found: list[tuple[str, list[str]]]) -> list[dict[str, Any]]:
    return [
        {
            "key": key,
            "message": i18n.translate("print.unprintable", lang, chars=" ".join(chars)),
            "message_en": i18n.translate("print.unprintable", "en", chars=" ".join(chars)),
            "characters": chars,
        }
        for key, chars in found
    ]


def attach(response: Response) -> Response:
    """``after_request``: the warnings into a JSON answer, or a redirect's cookie."""
    found = _FOUND.get()
    status = response.status_code
    if found is not None and 300 <= status < 400:
        chars = sorted({c for _, cs in found[1] for c in cs})
        response.set_cookie(COOKIE, "_".join(chars), max_age=120, httponly=True, samesite="lax")
        return response
    if _CARRIED.get():
        response.delete_cookie(COOKIE)
    if found is None or not 200 <= status < 300:
        return response
    content = response.content
    if isinstance(content, BaseModel):
        content = content.model_dump(mode="json")
    if isinstance(content, dict):
        response.content = {**content, "warnings": warnings(*found)}
    return response


def print_warning(context: Any) -> str:
    """The notice a page shows (empty when there is none): this request's write, or the
    one a redirect carried here."""
    found = _FOUND.get()
    chars = sorted({c for _, cs in found[1] for c in cs}) if found else []
    carried = [c for c in _CARRIED.get().split("_") if c.startswith("U+") and len(c) <= 8]
    chars = chars or carried
    if not chars:
        return ""
    return i18n.translate("print.unprintable", i18n.template_lang(context), chars=" ".join(chars))
