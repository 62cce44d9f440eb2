"""What runs inside a PDF worker process: HTML → PDF with WeasyPrint.

Kept per process and reused across renders: the font configuration (our fonts are
registered with fontconfig once, not per document), the parsed style sheets (the print
style sheet, ``templates/reports/print.css``, is not in the documents' HTML: it is parsed
once per worker and given to every render; the @font-face sheet once per distinct text)
and the decoded-image cache (photos are content-addressed, so a URL always means the
same image).

WeasyPrint itself is imported only where a document is rendered (in the workers, whose
fork server preloads it): the server process imports this module for ``stylesheet_text``
and the names of ``render``, and importing WeasyPrint there cost some 3 s of every
start-up before ``/health`` could answer (docs/dev/outages.md)."""

from __future__ import annotations

import logging
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from safety.reports import coverage, fonts

if TYPE_CHECKING:
    from safety.reports.fetcher import SafeFetcher

log = logging.getLogger(__name__)

IMAGE_CACHE_MAX = 400  # decoded images kept per worker
SHEETS_MAX = 64  # parsed @font-face sheets kept per worker (one per set of rare characters)
STYLESHEET = Path(__file__).resolve().parent / "templates" / "reports" / "print.css"
_font_config: Any = None
_image_cache: dict = {}
_sheets: dict[str, Any] = {}
WARM_HTML = (
    '<!DOCTYPE html><html lang="zh-CN"><head><meta charset="utf-8"></head><body>'
    "<h1>隐患整改通知书</h1><table><tr><th>检查项</th><td>整改期限 2026-01-01</td></tr>"
    "</table><p><b>重大隐患</b>（五落实）ABC 0123456789</p></body></html>"
)


@lru_cache(maxsize=1)
def stylesheet_text() -> str:
    """The print style sheet every document is rendered with (part of the document
    cache's key: a change to it is a new render)."""
    return STYLESHEET.read_text(encoding="utf-8")


def font_css(text: str) -> tuple[str, dict[str, tuple[str, str, str]]]:
    """The @font-face rules and font stack for a document whose text is ``text``, and
    the font files they name (resources for the fetcher)."""
    resources: dict[str, tuple[str, str, str]] = {}
    rules: list[str] = []
    stack: list[str] = []
    for weight, css_weight in (("regular", 400), ("bold", 700)):
        path = fonts.main_font(weight)
        if path is None:
            continue
        url = f"safety:font/{path.name}"
        resources[url] = (str(path), "file", "font/ttf")
        rules.append(
            f'@font-face {{ font-family: "{fonts.FAMILY}"; font-weight: {css_weight}; '
            f'src: url("{url}"); }}'
        )
        if not stack:
            stack.append(f'"{fonts.FAMILY}"')
    for n, path in enumerate(fonts.extra_fonts({ord(c) for c in set(text)})):
        url = f"safety:font/{path.name}"
        resources[url] = (str(path), "file", "font/ttf")
        family = f"{fonts.FAMILY}Extra{n}"
        rules.append(f'@font-face {{ font-family: "{family}"; src: url("{url}"); }}')
        stack.append(f'"{family}"')
    source = fonts.find_source("regular")
    if source is not None:
        stack.append(f'"{source.family}"')  # the system font: whatever is left
    stack.append("sans-serif")
    rules.append(f"html {{ font-family: {', '.join(stack)}; }}")
    return "\n".join(rules), resources


def _sheet(css: str, fetcher: SafeFetcher) -> Any:
    """``css`` parsed (a weasyprint ``CSS``), once per worker: parsing is a tenth of a
    one-page render, and an @font-face rule registers its font with fontconfig only the
    first time anyway. The sheets are user-origin style sheets: they come after the
    browser defaults and before the rules of the document's own <style>."""
    from weasyprint import CSS

    sheet = _sheets.get(css)
    if sheet is None:
        if len(_sheets) >= SHEETS_MAX:
            _sheets.clear()
        sheet = _sheets[css] = CSS(string=css, url_fetcher=fetcher, font_config=_font_config)
    return sheet


def warm() -> None:
    """Once per worker, before its first document: build (or find) the main fonts, set
    up the font configuration, register the main fonts in it and parse the style sheets,
    then render a small document in both weights (the first render of a process is half
    again as slow as the next ones: Pango's font caches, WeasyPrint's code paths)."""
    global _font_config
    from weasyprint.text.fonts import FontConfiguration

    fonts.main_font("regular")
    fonts.main_font("bold")
    fonts.covered("regular")  # the main face's character map, read once per worker
    if _font_config is None:
        _font_config = FontConfiguration()
        _render(WARM_HTML, {}, ".")


def render(
    html: str, resources: dict[str, tuple[str, str, str]], print_dir: str
) -> tuple[bytes, list[str]]:
    """The PDF of ``html`` and the URLs the fetcher refused."""
    warm()
    return _render(html, resources, print_dir)


def _render(
    html: str, resources: dict[str, tuple[str, str, str]], print_dir: str
) -> tuple[bytes, list[str]]:
    from weasyprint import HTML

    from safety.reports.fetcher import SafeFetcher

    html = coverage.printable_text(html)  # a visible "〓(U+20000)", never an empty box
    css, font_files = font_css(html)
    fetcher = SafeFetcher({**resources, **font_files}, Path(print_dir))
    if len(_image_cache) > IMAGE_CACHE_MAX:
        _image_cache.clear()
    document = HTML(string=html, base_url="safety:document/", url_fetcher=fetcher)
    sheets = [_sheet(stylesheet_text(), fetcher), _sheet(css, fetcher)]
    pdf = document.write_pdf(stylesheets=sheets, font_config=_font_config, cache=_image_cache)
    return pdf, fetcher.refused


def render_timed(
    html: str, resources: dict[str, tuple[str, str, str]], print_dir: str
) -> tuple[float, int]:
    """For the benchmark: the CPU seconds this process spent on ``render`` (robust to a
    busy machine, unlike the clock) and the PDF's size."""
    import time

    start = time.process_time()
    pdf, _ = render(html, resources, print_dir)
    return time.process_time() - start, len(pdf)
