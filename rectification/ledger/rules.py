"""The ledger's pure rules: what a row says where the records leave a choice, and the
lines above the header. No I/O (the service reads, these decide).

- 隐患来源 from ``hazard.source``: ``inspection`` 专家检查 (inspections are walked by the
  third-party experts of a campaign's agency), ``self_report`` 企业自查, ``patrol`` 网格巡查.
- 整改责任人 is the 五落实 responsible person of the enterprise's 整改方案 and nothing
  else. A general hazard may go straight to evidence without a plan (PRODUCT.md), so it
  has no named person: the cell stays blank rather than guessing one (the enterprise's
  legal representative or contact is who the law holds responsible in general, not who
  was named for this hazard, and the uploader of the evidence is whoever held the phone).
  The same holds for 整改资金 and 应急预案: what the plan says, else blank.
- 整改措施: the plan's measures, else the inspector's suggestion (what was asked for).
- 整改期限 (时限 of 五落实) is the hazard's effective deadline (the last approved
  extension, else the original one): the date 是否逾期 is judged against. A plan's own
  target date lies on or before it and is not a second column.
"""

from __future__ import annotations

import datetime as dt

SOURCE_LABELS = {"inspection": "专家检查", "self_report": "企业自查", "patrol": "网格巡查"}
ALL_COMMUNITIES = "全部"


def source_label(source: str | None) -> str:
    return SOURCE_LABELS.get(source or "", source or "")


def plan_text(plan: dict | None, field: str) -> str:
    """A field of the 整改方案 (五落实), blank without a plan or when left empty."""
    if not plan:
        return ""
    return (plan.get(field) or "").strip()


def measures(plan: dict | None, suggestion: str | None) -> str:
    return plan_text(plan, "measures") or (suggestion or "").strip()


def scope_names(units: list[dict]) -> dict[str, str]:
    """The 街道 / 社区 / 网格 of a scope, from its org unit and its ancestors (any order,
    each ``{"name", "kind"}``). A street's scope has every community (``全部``); a scope
    above the street (a district) names no single street; no scope at all names nothing."""
    by_kind = {u["kind"]: u["name"] for u in units}
    names = {"street": by_kind.get("street", ""), "community": by_kind.get("community", "")}
    if "grid" in by_kind:
        names["grid"] = by_kind["grid"]
    if not names["community"] and units:
        names["community"] = ALL_COMMUNITIES
    if not names["street"] and units:
        names["street"] = ALL_COMMUNITIES
    return names


def title_rows(
    title: str, scope: dict[str, str], as_of: dt.datetime, exported_by: str
) -> list[str]:
    """The three lines above the header: the title; 街道 / 社区 (/ 网格) of the scope; the
    moment the rows were read (统计截至, local time to the minute) and who exported them."""
    place = f"街道：{scope.get('street') or '—'}　社区：{scope.get('community') or '—'}"
    if scope.get("grid"):
        place += f"　网格：{scope['grid']}"
    stamp = as_of.strftime("%Y-%m-%d %H:%M")
    return [title, place, f"统计截至：{stamp}　导出人：{exported_by or '—'}"]
