"""Risk grading rules: LEC and LS over every value of their scales, the bands as settings
(boundaries inclusive or not), the colour roll-up, accident types, the red-point rule and
due dates across months."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from fractions import Fraction
from itertools import product

import pytest

from inspections.risk import rules
from inspections.risk.cleaning import clean_point
from inspections.risk.rules import (
    DEFAULT_LEC_BANDS,
    DEFAULT_LS_BANDS,
    add_months,
    due_on,
    due_status,
    grade,
    parse_bands,
    parse_frequencies,
    worst_colour,
)

LEC = parse_bands(DEFAULT_LEC_BANDS)
LS = parse_bands(DEFAULT_LS_BANDS)
LEVEL = {"red": "major", "orange": "significant", "yellow": "general", "blue": "low"}


def _lec_oracle(d: Fraction) -> str:
    # the product rules: D>320 red, 160≤D≤320 orange, 70≤D<160 yellow, D<70 blue
    if d > 320:
        return "red"
    if 160 <= d <= 320:
        return "orange"
    if 70 <= d < 160:
        return "yellow"
    return "blue"


def _ls_oracle(r: int) -> str:
    # the product rules: 20–25 red, 9–16 orange, 4–8 yellow, 1–3 blue
    if 20 <= r <= 25:
        return "red"
    if 9 <= r <= 16:
        return "orange"
    if 4 <= r <= 8:
        return "yellow"
    assert 1 <= r <= 3
    return "blue"


@pytest.mark.parametrize(
    ("lk", "e", "c"),
    list(product(rules.LEC_LIKELIHOOD, rules.LEC_EXPOSURE, rules.LEC_CONSEQUENCE)),
)
def test_lec_grades_every_combination_of_its_scales(lk, e, c):
    g = grade("LEC", lk, e, c, lec_bands=LEC, ls_bands=LS)
    d = Fraction(str(lk)) * Fraction(str(e)) * Fraction(str(c))
    assert g.score == pytest.approx(float(d), abs=1e-9)
    assert g.colour == _lec_oracle(d)
    assert g.level == LEVEL[g.colour]


@pytest.mark.parametrize(("lk", "s"), list(product(range(1, 6), range(1, 6))))
def test_ls_grades_every_combination_of_its_scales(lk, s):
    g = grade("LS", lk, severity=s, lec_bands=LEC, ls_bands=LS)
    assert g.score == lk * s
    assert g.colour == _ls_oracle(lk * s)
    assert g.level == LEVEL[g.colour]


def test_lec_scores_are_exact_not_float_products():
    # 0.1 × 3 × 100 is 30.000000000000004 in floats
    assert grade("LEC", 0.1, 3, 100, lec_bands=LEC, ls_bands=LS).score == 30
    assert grade("LEC", 0.2, 0.5, 1, lec_bands=LEC, ls_bands=LS).score == 0.1


@pytest.mark.parametrize(
    ("score", "colour"),
    [
        (69.99, "blue"),
        (70, "yellow"),
        (159.9, "yellow"),
        (160, "orange"),
        (320, "orange"),
        (320.01, "red"),
    ],
)
def test_default_lec_boundaries_land_where_product_says(score, colour):
    assert LEC.colour(Decimal(str(score))) == colour


@pytest.mark.parametrize(
    ("score", "colour"),
    [(3, "blue"), (4, "yellow"), (8, "yellow"), (9, "orange"), (16, "orange"), (20, "red")],
)
def test_default_ls_boundaries_land_where_product_says(score, colour):
    assert LS.colour(score) == colour


def test_reachable_boundary_d_70_is_yellow_and_d_60_blue():
    assert grade("LEC", 10, 1, 7, lec_bands=LEC, ls_bands=LS).colour == "yellow"  # D = 70
    assert grade("LEC", 1, 10, 7, lec_bands=LEC, ls_bands=LS).colour == "yellow"
    assert grade("LEC", 10, 6, 1, lec_bands=LEC, ls_bands=LS).colour == "blue"  # D = 60


def test_settings_move_the_boundaries():
    strict = parse_bands("red>=320,orange>160,yellow>70")
    assert strict.colour(320) == "red"
    assert strict.colour(160) == "yellow"
    assert strict.colour(70) == "blue"
    assert strict.colour(70.5) == "yellow"
    local = parse_bands("yellow>=3, orange>=8, red>=15")  # any order, spaces allowed
    g = grade("LS", 3, severity=5, lec_bands=LEC, ls_bands=local)
    assert (g.score, g.colour, g.level) == (15, "red", "major")
    assert grade("LS", 2, severity=4, lec_bands=LEC, ls_bands=local).colour == "orange"
    assert grade("LS", 3, severity=1, lec_bands=LEC, ls_bands=local).colour == "yellow"
    assert grade("LS", 2, severity=1, lec_bands=LEC, ls_bands=local).colour == "blue"


@pytest.mark.parametrize(
    "text",
    [
        "red>320,orange>=160",  # yellow missing
        "red>320,orange>=160,yellow>=70,red>1",  # twice
        "red>100,orange>=160,yellow>=70",  # not rising
        "red=320,orange>=160,yellow>=70",
        "red>abc,orange>=160,yellow>=70",
        "red>nan,orange>=160,yellow>=70",
        "purple>1,orange>=160,yellow>=70",
    ],
)
def test_bad_bands_are_refused(text):
    with pytest.raises(ValueError):
        parse_bands(text)


def test_bad_band_settings_stop_the_start_up(monkeypatch):
    # The composition root checks them (the kernel's settings do not know the risk rules).
    from safety.app import create_app
    from safety.settings import get_settings

    settings = get_settings()
    monkeypatch.setattr(settings, "risk_ls_bands", "red>=2,orange>=9,yellow>=4")
    with pytest.raises(ValueError, match="SAFETY_RISK_LS_BANDS"):
        create_app()
    monkeypatch.setattr(settings, "risk_ls_bands", "red>=16,orange>=9,yellow>=4")
    monkeypatch.setattr(settings, "risk_inspect_months", "red=0,orange=3,yellow=6,blue=12,none=3")
    with pytest.raises(ValueError, match="SAFETY_RISK_INSPECT_MONTHS"):
        create_app()
    monkeypatch.setattr(settings, "risk_inspect_months", "red=1,orange=3,yellow=6,blue=12,none=3")
    assert create_app() is not None


@pytest.mark.parametrize(
    ("args", "keys"),
    [
        (("LEC", 7, 6, 40, None), {"likelihood"}),
        (("LEC", 10, 4, 40, None), {"exposure"}),
        (("LEC", 10, 6, 50, None), {"consequence"}),
        (("LEC", 10, None, None, None), {"exposure", "consequence"}),
        (("LEC", 10, 6, 40, 3), {"severity"}),
        (("LS", 6, None, None, 3), {"likelihood"}),
        (("LS", 0, None, None, 6), {"likelihood", "severity"}),
        (("LS", 2.5, None, None, 3), {"likelihood"}),
        (("LS", 2, 6, None, 3), {"exposure"}),
        (("LS", True, None, None, 3), {"likelihood"}),
        (("XYZ", 1, None, None, 1), {"method"}),
    ],
)
def test_values_off_their_scale_are_named(args, keys):
    assert {e["key"] for e in rules.scale_errors(*args)} == keys
    if "method" not in keys:
        with pytest.raises(ValueError):
            grade(*args, lec_bands=LEC, ls_bands=LS)


def test_scale_values_may_come_as_text():
    assert rules.scale_errors("LEC", "0.5", "6", "40") == []
    assert grade("LEC", "0.5", "6", "40", lec_bands=LEC, ls_bands=LS).score == 120


def test_the_colour_roll_up_is_the_worst_colour():
    assert worst_colour([]) is None
    assert worst_colour([None]) is None
    assert worst_colour(["blue"]) == "blue"
    assert worst_colour(["blue", "yellow", "blue"]) == "yellow"
    assert worst_colour(["yellow", "orange"]) == "orange"
    assert worst_colour(["blue", "red", "orange"]) == "red"


def test_accident_types_follow_gb_6441():
    assert len(rules.ACCIDENT_TYPES) == 20
    types, unknown = rules.clean_accident_types("火灾、触电，其他伤害 中毒窒息 火灾")
    assert types == ["触电", "火灾", "中毒和窒息", "其它伤害"]  # the standard's order
    assert unknown == []
    assert rules.clean_accident_types(["触电", "雷击"]) == (["触电"], ["雷击"])


def test_a_red_point_needs_company_control_and_a_person():
    keys = {e["key"] for e in rules.control_errors("red", "workshop", " ")}
    assert keys == {"control_tier", "responsible_person"}
    assert rules.control_errors("red", "company", "张三") == []
    assert rules.control_errors("orange", "post", "") == []


BASE = {
    "name": "配电室",
    "method": "LEC",
    "likelihood": "3",
    "exposure": "6",
    "consequence": "15",
    "control_tier": "车间级",
    "accident_types": "触电、火灾",
}


def test_clean_point_grades_and_converts_text_values():
    c = clean_point(BASE, lec_bands=LEC, ls_bands=LS)
    assert c.errors == []
    f = c.fields
    assert (f["score"], f["colour"], f["level"]) == (270, "orange", "significant")
    assert f["likelihood"] == 3.0 and f["control_tier"] == "workshop"
    assert f["accident_types"] == ["触电", "火灾"] and f["active"] is True


def test_clean_point_refuses_a_red_point_below_company_level():
    c = clean_point({**BASE, "likelihood": "10"}, lec_bands=LEC, ls_bands=LS)  # D = 900
    assert {e["key"] for e in c.errors} == {"control_tier", "responsible_person"}


def test_changing_method_drops_the_other_methods_values():
    base = clean_point(BASE, lec_bands=LEC, ls_bands=LS).fields
    c = clean_point(
        {"method": "LS", "likelihood": 2, "severity": 2}, base=base, lec_bands=LEC, ls_bands=LS
    )
    assert c.errors == []
    assert (c.fields["exposure"], c.fields["consequence"], c.fields["score"]) == (None, None, 4)
    missing = clean_point({"method": "LS"}, base=base, lec_bands=LEC, ls_bands=LS)
    assert {e["key"] for e in missing.errors} == {"likelihood", "severity"}


def test_clean_point_names_each_bad_field():
    c = clean_point(
        {
            "name": "",
            "method": "LEC",
            "likelihood": 7,
            "exposure": 6,
            "consequence": 15,
            "control_tier": "厂级",
            "review_on": "2026-13-01",
            "accident_types": ["雷击"],
            "measure_ppe": "x\x00",
        },
        lec_bands=LEC,
        ls_bands=LS,
    )
    assert {e["key"] for e in c.errors} == {
        "name",
        "likelihood",
        "control_tier",
        "review_on",
        "accident_types",
        "measure_ppe",
    }


@pytest.mark.parametrize(
    ("day", "months", "expected"),
    [
        (dt.date(2026, 1, 31), 1, dt.date(2026, 2, 28)),
        (dt.date(2028, 1, 31), 1, dt.date(2028, 2, 29)),  # leap year
        (dt.date(2026, 3, 31), 1, dt.date(2026, 4, 30)),
        (dt.date(2026, 11, 30), 3, dt.date(2027, 2, 28)),
        (dt.date(2026, 12, 15), 1, dt.date(2027, 1, 15)),
        (dt.date(2026, 8, 31), 6, dt.date(2027, 2, 28)),
        (dt.date(2026, 2, 28), 12, dt.date(2027, 2, 28)),
        (dt.date(2028, 2, 29), 12, dt.date(2029, 2, 28)),
    ],
)
def test_due_dates_across_months(day, months, expected):
    assert add_months(day, months) == expected
    assert due_on(day, months) == expected


def test_due_status():
    today = dt.date(2026, 11, 27)
    assert due_on(None, 3) is None
    assert due_status(None, today, 30) == "never"
    assert due_status(dt.date(2026, 11, 26), today, 30) == "overdue"
    assert due_status(today, today, 0) == "due"
    assert due_status(dt.date(2026, 12, 27), today, 30) == "due"
    assert due_status(dt.date(2026, 12, 28), today, 30) is None


def test_frequencies():
    assert parse_frequencies(rules.DEFAULT_FREQUENCIES) == {
        "red": 1,
        "orange": 3,
        "yellow": 6,
        "blue": 12,
        "none": 3,
    }
    for bad in (
        "red=1,orange=3,yellow=6,blue=12",
        "red=0,orange=3,yellow=6,blue=12,none=3",
        "red=x,orange=3,yellow=6,blue=12,none=3",
    ):
        with pytest.raises(ValueError):
            parse_frequencies(bad)


LEC_EDGES = {"red": 320, "orange": 160, "yellow": 70}
LS_EDGES = {"red": 20, "orange": 9, "yellow": 4}
BELOW = {"red": "orange", "orange": "yellow", "yellow": "blue"}


def _bands(edges: dict[str, int], strict: str | None) -> str:
    """The band setting with every boundary inclusive except ``strict``'s (``>``)."""
    return ",".join(f"{c}{'>' if c == strict else '>='}{v}" for c, v in edges.items())


@pytest.mark.parametrize(
    ("edges", "colour"),
    [(LEC_EDGES, c) for c in LEC_EDGES] + [(LS_EDGES, c) for c in LS_EDGES],
)
def test_each_boundary_lands_on_the_side_the_setting_says(edges, colour):
    inclusive = parse_bands(_bands(edges, None))
    exclusive = parse_bands(_bands(edges, colour))
    edge = edges[colour]
    assert inclusive.colour(edge) == colour
    assert exclusive.colour(edge) == BELOW[colour]
    for bands in (inclusive, exclusive):  # a hair either side does not depend on it
        assert bands.colour(Decimal(edge) + Decimal("0.01")) == colour
        assert bands.colour(Decimal(edge) - Decimal("0.01")) == BELOW[colour]


@pytest.mark.parametrize(("lk", "s", "colour"), [(4, 5, "red"), (3, 3, "orange"), (2, 2, "yellow")])
def test_ls_scores_on_a_boundary_follow_the_setting_through_grade(lk, s, colour):
    inclusive = parse_bands(_bands(LS_EDGES, None))
    exclusive = parse_bands(_bands(LS_EDGES, colour))
    assert grade("LS", lk, severity=s, lec_bands=LEC, ls_bands=inclusive).colour == colour
    g = grade("LS", lk, severity=s, lec_bands=LEC, ls_bands=exclusive)
    assert (g.colour, g.level) == (BELOW[colour], LEVEL[BELOW[colour]])


def test_lec_d_70_follows_the_yellow_setting_through_grade():
    exclusive = parse_bands("red>320,orange>=160,yellow>70")
    g = grade("LEC", 10, 1, 7, lec_bands=exclusive, ls_bands=LS)
    assert (g.score, g.colour, g.level) == (70, "blue", "low")
    moved = parse_bands("red>=600,orange>=300,yellow>=100")
    assert grade("LEC", 6, 6, 15, lec_bands=moved, ls_bands=LS).colour == "orange"  # D = 540
    assert grade("LEC", 10, 10, 7, lec_bands=moved, ls_bands=LS).colour == "red"  # D = 700
    assert grade("LEC", 3, 6, 7, lec_bands=moved, ls_bands=LS).colour == "yellow"  # D = 126
    assert grade("LEC", 10, 6, 1, lec_bands=moved, ls_bands=LS).colour == "blue"  # D = 60


def test_the_colour_roll_up_over_every_mix_of_colours():
    order = ("red", "orange", "yellow", "blue")
    for mask in range(1, 2**4):
        present = [c for k, c in enumerate(order) if mask >> k & 1]
        expected = next(c for c in order if c in present)
        for mix in (present, present[::-1], [*present, None]):
            assert worst_colour(mix) == expected, mix
