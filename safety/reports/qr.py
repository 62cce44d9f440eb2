"""QR codes for printed documents (segno), as inline SVG: vector, so they print sharp at
any size, and nothing to fetch."""

from __future__ import annotations

import segno
from markupsafe import Markup


def qr_svg(url: str) -> Markup:
    code = segno.make(url, error="m")
    # Width/height are set by the print CSS; the viewBox keeps the modules square.
    return Markup(code.svg_inline(scale=4, border=2, dark="#000", omitsize=True))  # noqa: S704 - segno's own SVG of our URL
