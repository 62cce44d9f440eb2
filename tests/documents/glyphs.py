"""Which characters a PDF draws with a real glyph: for each embedded font, its ToUnicode
map (glyph id → text) and its glyph outlines (fontTools). A character counts as drawn
when some font maps a glyph with at least one contour to it — a missing character is
drawn with glyph 0 (.notdef, the "tofu" box) or with no contour at all."""

from __future__ import annotations

import io
import re

from fontTools.ttLib import TTFont
from pypdf import PdfReader


def _to_unicode(cmap: bytes) -> dict[int, str]:
    text = cmap.decode("latin-1")
    out: dict[int, str] = {}

    def chars(hexstr: str) -> str:
        return bytes.fromhex(hexstr).decode("utf-16-be", errors="replace")

    for block in re.findall(r"beginbfchar(.*?)endbfchar", text, re.S):
        for gid, uni in re.findall(r"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>", block):
            out[int(gid, 16)] = chars(uni)
    for block in re.findall(r"beginbfrange(.*?)endbfrange", text, re.S):
        for lo, hi, uni in re.findall(
            r"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>", block
        ):
            start = int(uni, 16)
            for k, gid in enumerate(range(int(lo, 16), int(hi, 16) + 1)):
                out[gid] = chr(start + k)
    return out


def _has_outline(font: TTFont, gid: int) -> bool:
    order = font.getGlyphOrder()
    if gid == 0 or gid >= len(order):
        return False
    name = order[gid]
    if "glyf" in font:
        glyph = font["glyf"][name]
        return glyph.numberOfContours != 0
    from fontTools.pens.boundsPen import BoundsPen

    pen = BoundsPen(font.getGlyphSet())
    font.getGlyphSet()[name].draw(pen)
    return pen.bounds is not None


def drawn_characters(pdf: bytes) -> set[str]:
    reader = PdfReader(io.BytesIO(pdf))
    drawn: set[str] = set()
    for page in reader.pages:
        fonts = (page.get("/Resources") or {}).get("/Font") or {}
        for ref in fonts.values():
            font = ref.get_object()
            if "/ToUnicode" not in font or "/DescendantFonts" not in font:
                continue
            descriptor = font["/DescendantFonts"][0].get_object()["/FontDescriptor"].get_object()
            stream = descriptor.get("/FontFile2") or descriptor.get("/FontFile3")
            if stream is None:
                continue
            tt = TTFont(io.BytesIO(stream.get_object().get_data()))
            for gid, text in _to_unicode(font["/ToUnicode"].get_object().get_data()).items():
                if _has_outline(tt, gid):
                    drawn.update(text)
    return drawn
