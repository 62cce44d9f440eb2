"""The SVG charts (safety/charts.py): values become proportional lengths, labels are
escaped, empty data and all-zero data draw without dividing by zero, and every chart is
well-formed XML with a title for screen readers."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

import pytest

from safety.charts import (
    WIDTH,
    HBar,
    Series,
    bar_length,
    clip,
    esc,
    grouped_bars,
    horizontal_bars,
    progress_bar,
    text_width,
)

NS = {"s": "http://www.w3.org/2000/svg"}


def parse(svg: str) -> ET.Element:
    root = ET.fromstring(svg)  # a parse error fails the test: the markup is well-formed
    assert root.tag == "{http://www.w3.org/2000/svg}svg"
    assert root.get("width") == "100%"
    assert root.get("viewBox", "").startswith(f"0 0 {WIDTH} ")
    assert root.get("role") == "img"
    return root


def title_of(root: ET.Element) -> str:
    return root.find("s:title", NS).text


def rects(root: ET.Element) -> list[ET.Element]:
    return root.findall(".//s:rect", NS)


# ---------------------------------------------------------------- bar_length


def test_bar_length_is_proportional() -> None:
    assert bar_length(5, 10, 200) == 100
    assert bar_length(10, 10, 200) == 200
    assert bar_length(1, 3, 300) == 100


def test_bar_length_with_zero_maximum_is_zero() -> None:
    assert bar_length(0, 0, 200) == 0
    assert bar_length(3, 0, 200) == 0


def test_bar_length_is_clamped() -> None:
    assert bar_length(-4, 10, 200) == 0
    assert bar_length(12, 10, 200) == 200


# ---------------------------------------------------------------- progress bar


def test_progress_bar_fill_is_done_over_total() -> None:
    root = parse(progress_bar(3, 12, title="检查完成率", label="已检查/计划"))
    track, fill = rects(root)
    assert float(fill.get("width")) == pytest.approx(float(track.get("width")) / 4)
    texts = "".join(root.itertext())
    assert "3/12" in texts and "25.0%" in texts
    assert title_of(root) == "检查完成率"


def test_progress_bar_with_zero_total_shows_a_dash_not_a_rate() -> None:
    root = parse(progress_bar(0, 0, title="整改率"))
    assert len(rects(root)) == 1  # the track only
    texts = "".join(root.itertext())
    assert "—" in texts and "%" not in texts


def test_compact_progress_bar_has_no_text_but_keeps_its_numbers_for_readers() -> None:
    root = parse(progress_bar(2, 8, title="整改率", label="已销号/发现", compact=True))
    assert not root.findall("s:text", NS)
    track, fill = rects(root)
    assert float(fill.get("width")) == pytest.approx(float(track.get("width")) / 4)
    assert "2/8 25.0%" in root.find("s:desc", NS).text


def test_progress_bar_link_and_label_are_escaped() -> None:
    svg = progress_bar(1, 2, title='<b>"x"</b>', label="<script>", href="/hazards?a=1&b=2")
    assert "<script>" not in svg and "&lt;script&gt;" in svg
    assert 'href="/hazards?a=1&amp;b=2"' in svg
    root = parse(svg)
    assert title_of(root) == '<b>"x"</b>'


# ---------------------------------------------------------------- grouped bars


def test_grouped_bars_heights_follow_values() -> None:
    svg = grouped_bars(
        ["W1", "W2"],
        [Series("发现", [10, 5]), Series("销号", [0, 10], colour="#2e7d32")],
        title="每周发现与销号",
    )
    root = parse(svg)
    bars = [r for r in rects(root) if r.find("s:title", NS) is not None]
    heights = {r.find("s:title", NS).text: float(r.get("height")) for r in bars}
    assert heights["W1 发现 10"] == heights["W2 销号 10"] > 0
    assert heights["W2 发现 5"] == pytest.approx(heights["W1 发现 10"] / 2)
    assert heights["W1 销号 0"] == 0
    # Each bar's top is its base minus its height: all bars stand on the same line.
    bases = {round(float(r.get("y")) + float(r.get("height")), 1) for r in bars}
    assert len(bases) == 1


def test_grouped_bars_all_zero_draws_zero_height_bars() -> None:
    root = parse(grouped_bars(["W1", "W2", "W3"], [Series("发现", [0, 0, 0])], title="t"))
    bars = [r for r in rects(root) if r.find("s:title", NS) is not None]
    assert len(bars) == 3 and all(float(r.get("height")) == 0 for r in bars)


def test_grouped_bars_empty_says_so() -> None:
    root = parse(grouped_bars([], [Series("发现", [])], title="t", empty_text="暂无数据"))
    assert "暂无数据" in "".join(root.itertext())
    assert not rects(root)


def test_grouped_bars_thin_out_labels_of_many_weeks() -> None:
    weeks = [f"11-{d:02d}" for d in range(1, 41)]
    root = parse(grouped_bars(weeks, [Series("发现", list(range(40)))], title="t"))
    shown = [t.text for t in root.findall("s:text", NS) if t.text in weeks]
    assert 0 < len(shown) < 40
    assert shown[0] == "11-01"


def test_grouped_bars_escape_category_and_series_names() -> None:
    svg = grouped_bars(["<W&1>"], [Series('a"b', [1])], title="t")
    parse(svg)
    assert "<W&1>" not in svg and "&lt;W&amp;1&gt;" in svg


# ---------------------------------------------------------------- horizontal bars


def test_horizontal_bars_widths_follow_values() -> None:
    rows = [HBar("电气", 8), HBar("消防", 4), HBar("其他", 0)]
    root = parse(horizontal_bars(rows, title="按隐患类别"))
    widths = [float(r.get("width")) for r in rects(root)]
    assert widths[0] > 0 and widths[1] == pytest.approx(widths[0] / 2) and widths[2] == 0
    assert title_of(root) == "按隐患类别"
    texts = "".join(root.itertext())
    assert "电气" in texts and "8" in texts


def test_horizontal_bars_part_is_drawn_over_the_bar() -> None:
    rows = [HBar("寨北社区", 10, part=5, href="/hazards?x=1&y=2"), HBar("后峰西社区", 5, part=0)]
    svg = horizontal_bars(rows, title="按社区", total_name="发现", part_name="销号")
    root = parse(svg)
    parts = [r for r in rects(root) if r.get("class") == "part"]
    assert len(parts) == 1  # a zero part draws nothing
    full = [r for r in rects(root) if r.get("fill-opacity")]
    assert float(parts[0].get("width")) == pytest.approx(float(full[0].get("width")) / 2)
    assert "5/10" in "".join(root.itertext())
    links = root.findall(".//s:a", NS)
    assert [a.get("href") for a in links] == ["/hazards?x=1&y=2"]
    assert "发现" in "".join(root.itertext()) and "销号" in "".join(root.itertext())


def test_horizontal_bars_all_zero_and_empty() -> None:
    root = parse(horizontal_bars([HBar("a", 0), HBar("b", 0)], title="t"))
    assert all(float(r.get("width")) == 0 for r in rects(root))
    root = parse(horizontal_bars([], title="t", empty_text="无"))
    assert "无" in "".join(root.itertext()) and not rects(root)


def test_horizontal_bars_escape_hostile_labels() -> None:
    label = '</text><script>alert(1)</script>&"\x01'
    svg = horizontal_bars([HBar(label, 3)], title="<t>")
    root = parse(svg)
    assert "<script>" not in svg
    row_title = root.find(".//s:g/s:title", NS).text
    assert row_title.startswith('</text><script>alert(1)</script>&"\ufffd')


def test_long_labels_are_clipped_but_kept_whole_in_the_title() -> None:
    label = "济南恒达金属制品有限公司第一分厂东区仓库"
    root = parse(horizontal_bars([HBar(label, 3)], title="t"))
    shown = [t.text for t in root.findall(".//s:text", NS) if t.text and t.text.endswith("…")]
    assert shown and label.startswith(shown[0][:-1])
    assert root.find(".//s:g/s:title", NS).text.startswith(label)


def test_ids_differ_between_charts_and_are_referenced() -> None:
    a = progress_bar(1, 2, title="a")
    b = progress_bar(1, 3, title="a")
    ids_a = re.findall(r'id="([^"]+)"', a)
    ids_b = re.findall(r'id="([^"]+)"', b)
    assert ids_a and not set(ids_a) & set(ids_b)
    assert all(i in a.split("aria-labelledby=")[1].split('"')[1].split() for i in ids_a)


def test_text_helpers() -> None:
    assert text_width("电气", 12) == 24 and text_width("ab", 12) == pytest.approx(14.4)
    assert clip("电气设备", 30) == "电…"
    assert clip("ok", 100) == "ok"
    assert esc("a<b>&'\"") == "a&lt;b&gt;&amp;&#x27;&quot;"


def test_percent_rounds_half_up_with_one_decimal_and_dashes_zero_denominators() -> None:
    from safety.charts import percent

    assert percent(1, 3) == "33.3%"
    assert percent(1, 16) == "6.3%"  # 6.25 → 6.3 (half up, not the float's 6.2)
    assert percent(0, 5) == "0.0%"
    assert percent(5, 5) == "100.0%"
    assert percent(0, 0) == "—"
    root = parse(progress_bar(1, 16, title="t"))
    assert "6.3%" in "".join(root.itertext())


def test_a_wider_grouped_chart_spreads_its_bars_not_its_text() -> None:
    narrow = ET.fromstring(grouped_bars(["W1", "W2"], [Series("发现", [2, 4])], title="t"))
    wide = ET.fromstring(grouped_bars(["W1", "W2"], [Series("发现", [2, 4])], title="t", width=720))
    assert wide.get("viewBox").startswith("0 0 720 ")
    bar = lambda root: [r for r in rects(root) if r.find("s:title", NS) is not None][1]  # noqa: E731
    assert float(bar(wide).get("width")) > 2 * float(bar(narrow).get("width"))
    assert float(bar(wide).get("height")) == float(bar(narrow).get("height"))
    assert wide.get("font-size") == narrow.get("font-size")
