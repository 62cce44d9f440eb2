"""Server-side SVG charts: pure functions from numbers and labels to SVG markup.

No JavaScript and no chart library: the dashboard pages embed the markup inline, and the
campaign-summary PDF (WeasyPrint renders inline SVG) uses the same functions, so a figure
looks the same on screen and on paper. Every chart

- scales with its container (``viewBox`` + ``width="100%"``; the coordinate space is
  narrow enough that its 12-unit text stays legible on a 375 px phone),
- is accessible: ``role="img"`` with a ``<title>`` and ``<desc>``, each bar a ``<title>``
  naming its label and value, and the values written as text (not only as lengths),
- escapes every label (labels come from user data: enterprise, community, batch names),
- uses presentation attributes only (the pages' CSP refuses inline ``style``).

Kernel code: no domain imports. Values are non-negative integers (counts); a chart whose
values are all zero draws zero-length bars, an empty one says so (``empty_text``).

  progress_bar(done, total, *, title, label="", href=None, colour=..., compact=False) -> str
  grouped_bars(categories, series, *, title, empty_text=..., height=220, width=360) -> str
  horizontal_bars(rows, *, title, empty_text=..., part_name="", total_name="") -> str
  bar_length(value, maximum, span) -> float
  percent(numerator, denominator) -> str          "12.5%", "—" for a zero denominator
"""

from __future__ import annotations

import hashlib
import html
import math
import re
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

WIDTH = 360  # the coordinate width of every chart (px at scale 1: a phone's width)
FONT = "'Noto Sans CJK SC','Noto Sans SC','Microsoft YaHei',sans-serif"
FONT_SIZE = 13
BLUE = "#1f6fb2"
GREEN = "#2e7d32"
RED = "#c62828"
GREY = "#dde3ea"
INK = "#1c2733"
MUTED = "#5b6b7b"
EMPTY_TEXT = "暂无数据"

# Characters XML 1.0 cannot carry (C0 controls other than tab/LF/CR, surrogates, U+FFFE/F).
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


@dataclass(frozen=True)
class Series:
    """One series of a grouped bar chart: its name (legend), one value per category, colour."""

    name: str
    values: Sequence[int]
    colour: str = BLUE


@dataclass(frozen=True)
class HBar:
    """One row of a horizontal bar chart. ``part`` (optional, ≤ value) is drawn darker over
    the bar (e.g. closed of found); ``href`` makes the row a link to its records."""

    label: str
    value: int
    part: int | None = None
    href: str | None = None


def esc(text: object) -> str:
    """Text or attribute value made safe for SVG inside HTML (and as XML)."""
    return html.escape(_NOT_XML.sub("\ufffd", str(text)), quote=True)


def percent(numerator: int, denominator: int) -> str:
    """An exact rate as a percent with one decimal, rounded half up ("33.3%", "12.5%");
    "—" when the denominator is zero (a rate with no denominator is no rate, not 0%)."""
    if not denominator:
        return "—"
    value = (Decimal(numerator) * 100 / Decimal(denominator)).quantize(
        Decimal("0.1"), rounding=ROUND_HALF_UP
    )
    return f"{value}%"


def bar_length(value: float, maximum: float, span: float) -> float:
    """The length of a bar of ``value`` when ``maximum`` fills ``span``; 0 when the maximum
    is 0 (all values zero) and never negative or longer than ``span``."""
    if maximum <= 0 or value <= 0:
        return 0.0
    return round(span * min(value, maximum) / maximum, 2)


def text_width(text: str, size: float = FONT_SIZE) -> float:
    """A rough width: CJK and full-width characters are 1 em, the rest about 0.6 em."""
    return sum(size if ord(ch) > 0x2E7F else size * 0.6 for ch in text)


def clip(text: str, width: float, size: float = FONT_SIZE) -> str:
    """``text`` cut (with …) to fit ``width``; the full text stays in the bar's title."""
    if text_width(text, size) <= width:
        return text
    out = ""
    for ch in text:
        if text_width(out + ch + "…", size) > width:
            break
        out += ch
    return out + "…"


def _uid(*parts: object) -> str:
    """A deterministic id prefix, unique enough for two charts on one page."""
    return "c" + hashlib.sha1(repr(parts).encode(), usedforsecurity=False).hexdigest()[:10]


def _open(uid: str, title: str, desc: str, height: float, css: str, width: int = WIDTH) -> str:
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart {css}" role="img" '
        f'viewBox="0 0 {width} {height:g}" width="100%" preserveAspectRatio="xMinYMin meet" '
        f'aria-labelledby="{uid}-t {uid}-d" font-family="{esc(FONT)}" '
        f'font-size="{FONT_SIZE}" fill="{INK}">'
        f'<title id="{uid}-t">{esc(title)}</title><desc id="{uid}-d">{esc(desc)}</desc>'
    )


def _empty(uid: str, title: str, text: str, width: int = WIDTH) -> str:
    return (
        _open(uid, title, text, 60, "chart-empty", width)
        + f'<text x="{width / 2:g}" y="34" text-anchor="middle" fill="{MUTED}">{esc(text)}</text>'
        "</svg>"
    )


def _link(href: str | None, body: str) -> str:
    return f'<a href="{esc(href)}">{body}</a>' if href else body


def _nice_max(value: int) -> int:
    """A round axis maximum ≥ value (1, 2, 5 × 10^k)."""
    if value <= 0:
        return 1
    magnitude = 10 ** math.floor(math.log10(value))
    for step in (1, 2, 5, 10):
        if step * magnitude >= value:
            return step * magnitude
    return 10 * magnitude  # pragma: no cover (the loop always returns)


# ---------------------------------------------------------------- progress bar


def progress_bar(
    done: int,
    total: int,
    *,
    title: str,
    label: str = "",
    href: str | None = None,
    colour: str = GREEN,
    compact: bool = False,
) -> str:
    """A bar ``done`` of ``total`` with "label  done/total  xx.x%" above it (``compact``:
    the bar alone, 14 units high, for a page that writes the numbers as links beside it;
    the numbers stay in its title and description). A zero total shows an empty track and
    "—" (a rate with no denominator is no rate)."""
    uid = _uid("progress", title, label, done, total, compact)
    pct = percent(done, total) if total > 0 else "—"
    desc = f"{label} {done}/{total} {pct}".strip()
    span = WIDTH - 2
    fill = bar_length(done, total, span)
    top = 0 if compact else 22
    out = [_open(uid, title, desc, top + 14, "chart-progress")]
    if not compact:
        out.append(f'<text x="0" y="14">{esc(clip(label, WIDTH - 130))}</text>')
        out.append(
            f'<text x="{WIDTH}" y="14" text-anchor="end" font-weight="bold">'
            f"{done}/{total} · {esc(pct)}</text>"
        )
    bar = (
        f'<rect x="1" y="{top}" width="{span}" height="14" rx="7" fill="{GREY}"/>'
        + (
            f'<rect class="fill" x="1" y="{top}" width="{fill:g}" height="14" rx="7" '
            f'fill="{esc(colour)}"/>'
            if fill > 0
            else ""
        )
        + f"<title>{esc(desc)}</title>"
    )
    out.append(_link(href, f"<g>{bar}</g>"))
    out.append("</svg>")
    return "".join(out)


# ---------------------------------------------------------------- grouped (vertical) bars


def grouped_bars(
    categories: Sequence[str],
    series: Sequence[Series],
    *,
    title: str,
    empty_text: str = EMPTY_TEXT,
    height: int = 220,
    width: int = WIDTH,
) -> str:
    """Vertical bars, one group per category (e.g. the weeks of a campaign), one bar per
    series in each group (e.g. found vs closed), a legend on top, the value above each bar
    when there is room, and category labels thinned out so they never overlap. ``width``:
    the coordinate width (a wider chart for a wide page or a landscape PDF keeps its text
    at the same size)."""
    uid = _uid(
        "grouped", title, list(categories), [(s.name, list(s.values)) for s in series], width
    )
    if not categories or not series:
        return _empty(uid, title, empty_text, width)
    n = len(categories)
    top, bottom, left, right = 40, 24, 30, 4
    plot_w, plot_h = width - left - right, height - top - bottom
    peak = max((v for s in series for v in s.values), default=0)
    axis_max = _nice_max(peak)
    group_w = plot_w / n
    bar_w = max(1.0, group_w * 0.8 / len(series))
    desc = "; ".join(
        f"{c}: " + ", ".join(f"{s.name} {s.values[i]}" for s in series)
        for i, c in enumerate(categories)
    )
    out = [_open(uid, title, desc, height, "chart-grouped", width)]
    # Legend.
    x = 0.0
    for s in series:
        out.append(f'<rect x="{x:g}" y="4" width="12" height="12" fill="{esc(s.colour)}"/>')
        out.append(f'<text x="{x + 16:g}" y="14">{esc(s.name)}</text>')
        x += 16 + text_width(s.name) + 14
    # Axis: zero line, max line and their labels.
    base = top + plot_h
    out.append(f'<line x1="{left}" y1="{base}" x2="{width - right}" y2="{base}" stroke="{MUTED}"/>')
    out.append(
        f'<line x1="{left}" y1="{top}" x2="{width - right}" y2="{top}" stroke="{GREY}" '
        'stroke-dasharray="3 3"/>'
    )
    out.append(
        f'<text x="{left - 4}" y="{top + 4}" text-anchor="end" fill="{MUTED}">{axis_max}</text>'
    )
    out.append(f'<text x="{left - 4}" y="{base}" text-anchor="end" fill="{MUTED}">0</text>')
    show_values = bar_w >= 14
    label_step = max(1, math.ceil((max(text_width(c) for c in categories) + 6) / group_w))
    for i, cat in enumerate(categories):
        gx = left + i * group_w + group_w * 0.1
        for j, s in enumerate(series):
            value = s.values[i]
            h = bar_length(value, axis_max, plot_h)
            bx = gx + j * bar_w
            out.append(
                f'<rect x="{bx:.2f}" y="{base - h:.2f}" width="{bar_w:.2f}" height="{h:g}" '
                f'fill="{esc(s.colour)}"><title>{esc(cat)} {esc(s.name)} {value}</title></rect>'
            )
            if show_values and value:
                out.append(
                    f'<text x="{bx + bar_w / 2:.2f}" y="{base - h - 3:.2f}" text-anchor="middle" '
                    f'font-size="11">{value}</text>'
                )
        if i % label_step == 0:
            cx = left + (i + 0.5) * group_w
            out.append(
                f'<text x="{cx:.2f}" y="{base + 16}" text-anchor="middle" fill="{MUTED}">'
                f"{esc(cat)}</text>"
            )
    out.append("</svg>")
    return "".join(out)


# ---------------------------------------------------------------- horizontal bars


def horizontal_bars(
    rows: Sequence[HBar],
    *,
    title: str,
    empty_text: str = EMPTY_TEXT,
    colour: str = BLUE,
    part_colour: str = GREEN,
    total_name: str = "",
    part_name: str = "",
) -> str:
    """One labelled bar per row, longest value = full width, the value written after the
    bar ("part/value" when rows carry a ``part``). With ``part_name``/``total_name`` a
    legend explains the two shades. Labels longer than the label column are cut with …
    (the full label is in the row's title)."""
    uid = _uid("hbars", title, [(r.label, r.value, r.part, r.href) for r in rows])
    if not rows:
        return _empty(uid, title, empty_text)
    has_part = any(r.part is not None for r in rows)
    legend = 22 if (has_part and (part_name or total_name)) else 0
    row_h, bar_h = 24, 16
    label_w = min(WIDTH * 0.36, max(text_width(r.label) for r in rows) + 8)
    value_w = max(text_width(_value_text(r)) for r in rows) + 8
    span = WIDTH - label_w - value_w
    peak = max(r.value for r in rows)
    height = legend + row_h * len(rows) + 4
    desc = "; ".join(f"{r.label}: {_value_text(r)}" for r in rows)
    out = [_open(uid, title, desc, height, "chart-hbars")]
    if legend:
        x = 0.0
        for name, fill in ((total_name, colour), (part_name, part_colour)):
            if name:
                out.append(f'<rect x="{x:g}" y="4" width="12" height="12" fill="{esc(fill)}"/>')
                out.append(f'<text x="{x + 16:g}" y="14">{esc(name)}</text>')
                x += 16 + text_width(name) + 14
    for i, r in enumerate(rows):
        y = legend + i * row_h + 4
        length = bar_length(r.value, peak, span)
        part = bar_length(r.part or 0, peak, span) if r.part is not None else 0.0
        body = [f"<title>{esc(r.label)}: {esc(_value_text(r))}</title>"]
        body.append(
            f'<text x="{label_w - 6:g}" y="{y + 12}" text-anchor="end">'
            f"{esc(clip(r.label, label_w - 8))}</text>"
        )
        shade = ' fill-opacity="0.35"' if has_part else ""
        body.append(
            f'<rect x="{label_w:g}" y="{y}" width="{length:g}" height="{bar_h}" '
            f'fill="{esc(colour)}"{shade}/>'
        )
        if part > 0:
            body.append(
                f'<rect class="part" x="{label_w:g}" y="{y}" width="{part:g}" height="{bar_h}" '
                f'fill="{esc(part_colour)}"/>'
            )
        body.append(f'<text x="{label_w + length + 4:g}" y="{y + 12}">{esc(_value_text(r))}</text>')
        out.append(_link(r.href, f'<g class="row">{"".join(body)}</g>'))
    out.append("</svg>")
    return "".join(out)


def _value_text(row: HBar) -> str:
    return str(row.value) if row.part is None else f"{row.part}/{row.value}"
