"""Risk grading rules (安全风险分级管控), pure: no I/O, no framework, no settings read here.

- LEC (作业条件危险性分析法): D = L × E × C on the fixed scales of the product rules.
- LS (风险矩阵法): R = L × S, L and S in 1..5.
- Bands: which score is which colour. They are *arguments* (the callers pass the
  settings' bands), since local rules differ; each band says whether its boundary is
  included (``>=``) or not (``>``), so "D > 320 red" and "R ≥ 20 red" are both expressible.
- Colour roll-up: an enterprise's colour is its worst active point's (none: 未评估).
- Inspection frequency and due dates: last inspection + N calendar months (clamped to the
  month's end: 01-31 + 1 month = 02-28/29).
"""

from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

# The scales (the product rules). Decimal keys so 0.1 × 3 is exactly 0.3.
LEC_LIKELIHOOD = (10, 6, 3, 1, 0.5, 0.2, 0.1)  # L 事故发生的可能性
LEC_EXPOSURE = (10, 6, 3, 2, 1, 0.5)  # E 暴露于危险环境的频繁程度
LEC_CONSEQUENCE = (100, 40, 15, 7, 3, 1)  # C 发生事故产生的后果
LS_LIKELIHOOD = (1, 2, 3, 4, 5)  # L
LS_SEVERITY = (1, 2, 3, 4, 5)  # S

METHODS = ("LEC", "LS")
# Worst first. level (API) ↔ colour ↔ 重大/较大/一般/低风险.
COLOURS = ("red", "orange", "yellow", "blue")
LEVEL_OF = {"red": "major", "orange": "significant", "yellow": "general", "blue": "low"}
COLOUR_OF_LEVEL = {v: k for k, v in LEVEL_OF.items()}
LEVEL_NAMES = {"red": "重大风险", "orange": "较大风险", "yellow": "一般风险", "blue": "低风险"}
COLOUR_NAMES = {"red": "红", "orange": "橙", "yellow": "黄", "blue": "蓝"}
UNRATED = "none"  # 未评估: an enterprise without active risk points

# GB 6441-1986 《企业职工伤亡事故分类》: the 20 accident types.
ACCIDENT_TYPES = (
    "物体打击",
    "车辆伤害",
    "机械伤害",
    "起重伤害",
    "触电",
    "淹溺",
    "灼烫",
    "火灾",
    "高处坠落",
    "坍塌",
    "冒顶片帮",
    "透水",
    "放炮",
    "火药爆炸",
    "瓦斯爆炸",
    "锅炉爆炸",
    "容器爆炸",
    "其它爆炸",
    "中毒和窒息",
    "其它伤害",
)
# Common spellings in the sheets people keep (其他 for 其它, 中毒窒息 …).
ACCIDENT_ALIASES = {
    "其他爆炸": "其它爆炸",
    "其他伤害": "其它伤害",
    "中毒窒息": "中毒和窒息",
    "中毒、窒息": "中毒和窒息",
    "窒息": "中毒和窒息",
    "中毒": "中毒和窒息",
    "电击": "触电",
    "烫伤": "灼烫",
    "烧伤": "灼烫",
    "高空坠落": "高处坠落",
    "坠落": "高处坠落",
}

# Control measures by kind (工程技术 / 管理 / 培训教育 / 个体防护 / 应急处置).
MEASURE_KINDS = ("engineering", "management", "training", "ppe", "emergency")
MEASURE_NAMES = {
    "engineering": "工程技术措施",
    "management": "管理措施",
    "training": "培训教育措施",
    "ppe": "个体防护措施",
    "emergency": "应急处置措施",
}
# Control tier (管控层级): who controls it.
TIERS = ("company", "workshop", "team", "post")
TIER_NAMES = {"company": "公司级", "workshop": "车间级", "team": "班组级", "post": "岗位级"}


# ---------------------------------------------------------------- bands


@dataclass(frozen=True)
class Band:
    """``colour`` applies when score ``op`` ``bound`` (op is ">=" or ">")."""

    colour: str
    op: str
    bound: Decimal

    def holds(self, score: Decimal) -> bool:
        return score >= self.bound if self.op == ">=" else score > self.bound


@dataclass(frozen=True)
class Bands:
    """The thresholds of red, orange and yellow (below all of them: blue)."""

    red: Band
    orange: Band
    yellow: Band

    def colour(self, score: Decimal | float | int) -> str:
        s = _dec(score)
        for band in (self.red, self.orange, self.yellow):
            if band.holds(s):
                return band.colour
        return "blue"


DEFAULT_LEC_BANDS = "red>320,orange>=160,yellow>=70"
DEFAULT_LS_BANDS = "red>=20,orange>=9,yellow>=4"


def parse_bands(text: str) -> Bands:
    """``"red>320,orange>=160,yellow>=70"`` → Bands. Each of red, orange and yellow once,
    with ``>=`` or ``>``, thresholds rising from yellow to red; ValueError otherwise."""
    found: dict[str, Band] = {}
    for part in text.split(","):
        part = part.strip().replace(" ", "")
        if not part:
            continue
        for op in (">=", ">"):
            colour, sep, bound = part.partition(op)
            if sep:
                break
        else:
            raise ValueError(f"band {part!r}: expected colour>=N or colour>N")
        if colour not in ("red", "orange", "yellow") or colour in found:
            raise ValueError(f"band {part!r}: colour must be red, orange, yellow, each once")
        try:
            value = Decimal(bound)
        except ArithmeticError as exc:
            raise ValueError(f"band {part!r}: {bound!r} is not a number") from exc
        if not value.is_finite():
            raise ValueError(f"band {part!r}: {bound!r} is not a number")
        found[colour] = Band(colour, op, value)
    if set(found) != {"red", "orange", "yellow"}:
        raise ValueError("bands must name red, orange and yellow")
    bands = Bands(found["red"], found["orange"], found["yellow"])
    if not (bands.yellow.bound <= bands.orange.bound <= bands.red.bound):
        raise ValueError("band thresholds must rise from yellow to orange to red")
    return bands


# ---------------------------------------------------------------- scoring


def _dec(value: Any) -> Decimal:
    return value if isinstance(value, Decimal) else Decimal(str(value))


@dataclass(frozen=True)
class Grade:
    score: float  # D or R
    colour: str
    level: str


def _on_scale(value: Any, scale: tuple) -> bool:
    if isinstance(value, bool) or not isinstance(value, int | float | Decimal | str):
        return False
    try:
        v = _dec(value)
    except ArithmeticError:
        return False
    return v.is_finite() and any(v == _dec(s) for s in scale)


def scale_errors(
    method: Any,
    likelihood: Any,
    exposure: Any = None,
    consequence: Any = None,
    severity: Any = None,
) -> list[dict[str, str]]:
    """Every value off its scale (or given for the other method), by field name."""
    errors: list[dict[str, str]] = []

    def need(key: str, value: Any, scale: tuple) -> None:
        shown = "/".join(f"{s:g}" for s in scale)
        if value is None or value == "":
            errors.append({"key": key, "message": f"{key} 必填，取值 {shown}"})
        elif not _on_scale(value, scale):
            errors.append({"key": key, "message": f"{key} 须为 {shown} 之一"})

    def unused(key: str, value: Any) -> None:
        if value not in (None, ""):
            message = f"{method} 法不使用 {key}"
            errors.append({"key": key, "message": message})

    if method == "LEC":
        need("likelihood", likelihood, LEC_LIKELIHOOD)
        need("exposure", exposure, LEC_EXPOSURE)
        need("consequence", consequence, LEC_CONSEQUENCE)
        unused("severity", severity)
    elif method == "LS":
        need("likelihood", likelihood, LS_LIKELIHOOD)
        need("severity", severity, LS_SEVERITY)
        unused("exposure", exposure)
        unused("consequence", consequence)
    else:
        errors.append({"key": "method", "message": "method 须为 LEC 或 LS"})
    return errors


def score_of(
    method: str,
    likelihood: Any,
    exposure: Any = None,
    consequence: Any = None,
    severity: Any = None,
) -> Decimal:
    """D = L×E×C or R = L×S, exact (values already on their scales)."""
    if method == "LEC":
        return _dec(likelihood) * _dec(exposure) * _dec(consequence)
    return _dec(likelihood) * _dec(severity)


def grade(
    method: str,
    likelihood: Any,
    exposure: Any = None,
    consequence: Any = None,
    severity: Any = None,
    *,
    lec_bands: Bands,
    ls_bands: Bands,
) -> Grade:
    """Score, colour and level of one evaluation; ValueError naming the fields when a value
    is off its scale (use ``scale_errors`` for the field list)."""
    errors = scale_errors(method, likelihood, exposure, consequence, severity)
    if errors:
        raise ValueError(", ".join(e["key"] for e in errors))
    score = score_of(method, likelihood, exposure, consequence, severity)
    colour = (lec_bands if method == "LEC" else ls_bands).colour(score)
    return Grade(score=float(round(score, 2)), colour=colour, level=LEVEL_OF[colour])


def worst_colour(colours: list[str | None] | tuple) -> str | None:
    """The roll-up: the worst of the colours (red > orange > yellow > blue); None when
    there is none (未评估)."""
    present = {c for c in colours if c in COLOURS}
    for c in COLOURS:
        if c in present:
            return c
    return None


def clean_accident_types(values: Any) -> tuple[list[str], list[str]]:
    """(the GB 6441 types, in the standard's order, without duplicates; the unknown ones).
    Accepts a list or a text separated by 、，,;；/ or spaces; aliases map (其他伤害 →
    其它伤害)."""
    if values is None:
        return [], []
    if isinstance(values, str):
        for sep in "，,;；/、\n\t":
            values = values.replace(sep, " ")
        items = values.split()
    else:
        items = [str(v).strip() for v in values]
    known, unknown = set(), []
    for item in items:
        if not item:
            continue
        name = ACCIDENT_ALIASES.get(item, item)
        if name in ACCIDENT_TYPES:
            known.add(name)
        elif item not in unknown:
            unknown.append(item)
    return [t for t in ACCIDENT_TYPES if t in known], unknown


def control_errors(colour: str, control_tier: str | None, responsible_person: str) -> list[dict]:
    """A 重大风险 (red) is controlled at company level with a named person."""
    errors = []
    if colour == "red":
        if control_tier != "company":
            errors.append(
                {
                    "key": "control_tier",
                    "message": "重大风险须由公司级管控",
                }
            )
        if not (responsible_person or "").strip():
            errors.append(
                {
                    "key": "responsible_person",
                    "message": "重大风险须明确责任人",
                }
            )
    return errors


# ---------------------------------------------------------------- planning


DEFAULT_FREQUENCIES = "red=1,orange=3,yellow=6,blue=12,none=3"


def parse_frequencies(text: str) -> dict[str, int]:
    """``"red=1,orange=3,yellow=6,blue=12,none=3"`` → months per colour (none = 未评估);
    every colour once, 1..120 months; ValueError otherwise."""
    out: dict[str, int] = {}
    for part in text.split(","):
        part = part.strip().replace(" ", "")
        if not part:
            continue
        colour, sep, months = part.partition("=")
        if not sep or colour not in (*COLOURS, UNRATED) or colour in out:
            raise ValueError(f"frequency {part!r}: expected <colour>=<months>, each colour once")
        if not months.isdigit() or not 1 <= int(months) <= 120:
            raise ValueError(f"frequency {part!r}: months must be 1..120")
        out[colour] = int(months)
    if set(out) != {*COLOURS, UNRATED}:
        raise ValueError("frequencies must name red, orange, yellow, blue and none")
    return out


def add_months(day: dt.date, months: int) -> dt.date:
    """``day`` plus calendar months, clamped to the month's last day (01-31 + 1 → 02-28)."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def due_on(last_inspected_on: dt.date | None, months: int) -> dt.date | None:
    """When the next inspection is due; None when never inspected (due at once)."""
    return None if last_inspected_on is None else add_months(last_inspected_on, months)


def due_status(due: dt.date | None, today: dt.date, within_days: int) -> str | None:
    """``never`` (never inspected), ``overdue`` (due before today), ``due`` (today or within
    ``within_days``), or None (not due yet)."""
    if due is None:
        return "never"
    if due < today:
        return "overdue"
    if (due - today).days <= within_days:
        return "due"
    return None


def check_settings(lec_bands: str, ls_bands: str, inspect_months: str) -> None:
    """The start-up check of SAFETY_RISK_LEC_BANDS, SAFETY_RISK_LS_BANDS and
    SAFETY_RISK_INSPECT_MONTHS: a bad value stops ``create_app`` with a ValueError that
    names the variable. (The composition root calls it, so the kernel's settings need not
    know the risk rules.)"""
    for name, parse, text in (
        ("SAFETY_RISK_LEC_BANDS", parse_bands, lec_bands),
        ("SAFETY_RISK_LS_BANDS", parse_bands, ls_bands),
        ("SAFETY_RISK_INSPECT_MONTHS", parse_frequencies, inspect_months),
    ):
        try:
            parse(text)
        except ValueError as exc:
            raise ValueError(f"{name}: {exc}") from exc
