"""What runs inside a PDF worker process: HTML → PDF with WeasyPrint.

Kept per process and reused across renders: the font configuration (our fonts are
registered with fontconfig once, not per document) and the decoded-image cache
(photos are content-addressed, so a URL always means the same image)."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from safety.reports import fonts
from safety.reports.fetcher import SafeFetcher

log = logging.getLogger("safety")

IMAGE_CACHE_MAX = 400  # decoded images kept per worker
_font_config: Any = None
_image_cache: dict = {}


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


def warm() -> None:
    """Build (or find) the main fonts and set up the font configuration."""
    global _font_config
    from weasyprint.text.fonts import FontConfiguration

    fonts.main_font("regular")
    fonts.main_font("bold")
    fonts.covered("regular")  # the main face's character map, read once per worker
    if _font_config is None:
        _font_config = FontConfiguration()


def render(
    html: str, resources: dict[str, tuple[str, str, str]], print_dir: str
) -> tuple[bytes, list[str]]:
    """The PDF of ``html`` and the URLs the fetcher refused."""
    from weasyprint import CSS, HTML

    warm()
    css, font_files = font_css(html)
    fetcher = SafeFetcher({**resources, **font_files}, Path(print_dir))
    if len(_image_cache) > IMAGE_CACHE_MAX:
        _image_cache.clear()
    document = HTML(string=html, base_url="safety:document/", url_fetcher=fetcher)
    stylesheet = CSS(string=css, url_fetcher=fetcher, font_config=_font_config)
    pdf = document.write_pdf(stylesheets=[stylesheet], font_config=_font_config, cache=_image_cache)
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
