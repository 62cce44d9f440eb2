"""Validating one risk point's values (pure: no I/O), shared by the JSON API, the pages and
the 风险分级管控清单 import, so the three cannot disagree.

``clean_point(values, base=…, lec_bands=…, ls_bands=…)`` merges the given values over the
current ones (``base``; None when creating), checks every field, grades the result and
returns the full set of columns to store, or the errors, each naming its field. Values may
come typed (the API) or as text (forms and sheets: "0.5", "公司级", "2026-03-01").
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from inspections.risk.rules import (
    MEASURE_KINDS,
    TIER_NAMES,
    TIERS,
    Bands,
    clean_accident_types,
    control_errors,
    grade,
    scale_errors,
)
from safety.text import text_problem

MAX_LENGTHS = {"name": 200, "responsible_person": 50}
MAX_TEXT = 4000  # hazard factors and each kind of measure
MEASURE_FIELDS = tuple(f"measure_{k}" for k in MEASURE_KINDS)
TEXT_FIELDS = ("name", "hazard_factors", "responsible_person", *MEASURE_FIELDS)
SCORE_FIELDS = ("likelihood", "exposure", "consequence", "severity")
# What a risk point stores that a person gives (score, level and colour are computed).
INPUT_FIELDS = (
    "name",
    "hazard_factors",
    "accident_types",
    "method",
    *SCORE_FIELDS,
    *MEASURE_FIELDS,
    "control_tier",
    "responsible_person",
    "review_on",
    "active",
)
STORED_FIELDS = (*INPUT_FIELDS, "score", "level", "colour")
_TIER_BY_NAME = {
    **{v: k for k, v in TIER_NAMES.items()},
    **{v[:-1]: k for k, v in TIER_NAMES.items()},  # 公司 for 公司级
}


@dataclass
class Cleaned:
    fields: dict[str, Any] = field(default_factory=dict)
    errors: list[dict[str, str]] = field(default_factory=list)


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _number(value: Any) -> Any:
    """A number from a typed value or a text ("0.5", "１０" stays text and fails the scale)."""  # noqa: RUF002 - full-width digits are the example
    if value is None or isinstance(value, bool):
        return value
    if isinstance(value, int | float):
        return value
    text = str(value).strip()
    if text == "":
        return None
    try:
        number = Decimal(text)
    except InvalidOperation:
        return text
    return float(number) if number.is_finite() else text


def _date(value: Any) -> tuple[dt.date | None, bool]:
    if value is None or value == "":
        return None, True
    if isinstance(value, dt.datetime):
        return value.date(), True
    if isinstance(value, dt.date):
        return value, True
    text = str(value).strip().replace("/", "-").replace(".", "-")
    try:
        return dt.date.fromisoformat(text), True
    except ValueError:
        pass
    for fmt in ("%Y-%m-%d", "%Y年%m月%d日"):
        try:
            return dt.datetime.strptime(str(value).strip(), fmt).date(), True  # noqa: DTZ007 - only the calendar date is kept
        except ValueError:
            continue
    return None, False


def _tier(value: Any) -> str | None:
    text = _text(value)
    if text in TIERS:
        return text
    return _TIER_BY_NAME.get(text)


def clean_point(
    values: dict[str, Any],
    *,
    base: dict[str, Any] | None = None,
    lec_bands: Bands,
    ls_bands: Bands,
) -> Cleaned:
    """Check ``values`` (only the keys given) over ``base`` and grade the result."""
    out = Cleaned()
    errors = out.errors
    merged: dict[str, Any] = {k: (base or {}).get(k) for k in INPUT_FIELDS}
    if base is None:
        merged.update(
            {
                "hazard_factors": "",
                "accident_types": [],
                "control_tier": "company",
                "responsible_person": "",
                "active": True,
                **{k: "" for k in MEASURE_FIELDS},
            }
        )
    given = {k: v for k, v in values.items() if k in INPUT_FIELDS}

    for key in TEXT_FIELDS:
        if key not in given:
            continue
        text = _text(given[key])
        problem = text_problem(text)
        limit = MAX_LENGTHS.get(key, MAX_TEXT)
        if problem:
            errors.append({"key": key, "message": problem})
        elif len(text) > limit:
            errors.append({"key": key, "message": f"不能超过 {limit} 个字"})
        merged[key] = text
    if not merged.get("name"):
        errors.append({"key": "name", "message": "风险点名称不能为空"})

    if "accident_types" in given:
        types, unknown = clean_accident_types(given["accident_types"])
        if unknown:
            errors.append(
                {
                    "key": "accident_types",
                    "message": f"不是 GB 6441 的事故类型：{'、'.join(unknown)}",
                }
            )
        merged["accident_types"] = types

    if "method" in given:
        method = _text(given["method"]).upper()
        if method != (base or {}).get("method"):
            # Another method: the other method's values no longer apply unless given.
            for key in SCORE_FIELDS:
                if key not in given and key != "likelihood":
                    merged[key] = None
            if "likelihood" not in given:
                merged["likelihood"] = None
        merged["method"] = method
    for key in SCORE_FIELDS:
        if key in given:
            merged[key] = _number(given[key])
    errors += scale_errors(
        merged.get("method"),
        merged.get("likelihood"),
        merged.get("exposure"),
        merged.get("consequence"),
        merged.get("severity"),
    )

    if "control_tier" in given:
        tier = _tier(given["control_tier"])
        if tier is None:
            errors.append(
                {
                    "key": "control_tier",
                    "message": "管控层级须为 公司级/车间级/班组级/岗位级",
                }
            )
        else:
            merged["control_tier"] = tier
    if "review_on" in given:
        day, ok = _date(given["review_on"])
        if not ok:
            errors.append({"key": "review_on", "message": "日期格式应为 YYYY-MM-DD"})
        merged["review_on"] = day
    if "active" in given:
        if not isinstance(given["active"], bool):
            errors.append({"key": "active", "message": "active 须为 true/false"})
        else:
            merged["active"] = given["active"]

    if errors:
        return out
    g = grade(
        merged["method"],
        merged["likelihood"],
        merged.get("exposure"),
        merged.get("consequence"),
        merged.get("severity"),
        lec_bands=lec_bands,
        ls_bands=ls_bands,
    )
    errors += control_errors(g.colour, merged["control_tier"], merged["responsible_person"])
    if errors:
        return out
    for key in SCORE_FIELDS:
        merged[key] = None if merged[key] is None else float(merged[key])
    out.fields = {**merged, "score": g.score, "level": g.level, "colour": g.colour}
    return out
