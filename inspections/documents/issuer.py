"""Who wrote a printed document, and so how it is headed — pure (no database, no I/O).

A document says who issued it (the product rules, "Who wrote it"):

- a **campaign** inspection (and a patrol-sourced hazard) is the street office's work: its
  letterhead, its numbering (安监整改〔年-号〕, 安监复查〔年-号〕), its seal area, the
  regulator's wording (责令你单位…整改) and the expert group (专家组, 组长);
- a **self-inspection** (inspection kind ``self``) is the enterprise's own record: its
  name as the issuer, its own numbering, no seal area of the street, no 责令, and its own
  staff as 检查人 / 复查人: 企业自查隐患整改单 instead of the notice, 自查报告 instead of the
  inspection report, 自查复查记录 instead of the 复查意见书.

Decisions (docs/closure/documents.md):

- **Self numbering**: 自查〔YYYY-NNNN〕号, YYYY the year of the self-inspection's day
  (``scheduled_on``, never changed after creation), NNNN its rank among that enterprise's
  self-inspections of that year in creation order (id), cancelled ones included — so a
  number, once printed, is the same on every re-render and no later record (even one
  back-dated into that year) shifts it; a cancelled self-inspection keeps its number (a gap
  on paper is honest: that number was issued).
- **Recheck record**: the issuer is whoever verified. A self-reported hazard verified by the
  enterprise itself (a general one) prints as its 自查复查记录 numbered
  自查复查〔YYYY-NNNN-K〕号 (the self-inspection's number and the hazard's rank K among that
  inspection's hazards by id, voided ones included); a hazard verified by the street (an
  officer closing a self-reported major hazard, any campaign or patrol hazard) prints the
  street office's 复查意见书 — the street really did that recheck.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

SELF_KIND = "self"
SELF_SOURCE = "self_report"
ENTERPRISE_ROLE = "enterprise"


@dataclass(frozen=True)
class Heading:
    """What a document prints about its author."""

    own: bool  # the enterprise's own record (no street letterhead, seal or 责令)
    title: str  # the h1 and the download name's middle part
    issuer: str  # who issued it: the street office or the enterprise
    docref: str  # the line under the title: issuer and number
    short: str  # the download name's middle part (企业名称-<short>-日期.pdf)


def is_own_inspection(kind: str) -> bool:
    """A self-inspection's documents are the enterprise's own."""
    return kind == SELF_KIND


def is_own_recheck(source: str, verifier_role: str | None) -> bool:
    """A recheck is the enterprise's own record when it verified its own self-found
    hazard; a street officer's (or inspector's) verification is the street's document."""
    return source == SELF_SOURCE and verifier_role == ENTERPRISE_ROLE


def self_number(day: dt.date, rank: int) -> str:
    """``2026-0003``: the self-inspection's year and its rank in that year."""
    return f"{day.year}-{rank:04d}"


def street_number(day: dt.date, record_id: int) -> str:
    """``2026-00168``: the street office's numbering of an inspection's notice."""
    return f"{day.year}-{record_id:05d}"


def notice_heading(
    *, kind: str, office: str, enterprise: str, day: dt.date, inspection_id: int, self_no: str
) -> Heading:
    """隐患整改通知书 of the street, or the enterprise's 企业自查隐患整改单 (``self_no``:
    its ``self_number``)."""
    if is_own_inspection(kind):
        return Heading(
            True,
            "企业自查隐患整改单",
            enterprise,
            f"{enterprise} 自查〔{self_no}〕号",
            "企业自查隐患整改单",
        )
    number = street_number(day, inspection_id)
    return Heading(
        False, "隐患整改通知书", office, f"{office} 安监整改〔{number}〕号", "隐患整改通知书"
    )


def report_heading(
    *, kind: str, office: str, enterprise: str, day: dt.date, inspection_id: int, self_no: str
) -> Heading:
    """安全生产检查报告 (the street's expert group), or the enterprise's 安全生产自查报告."""
    if is_own_inspection(kind):
        docref = f"{enterprise} 自查〔{self_no}〕号 · {day}"
        return Heading(True, "安全生产自查报告", enterprise, docref, "自查报告")
    docref = f"{enterprise} · 检查编号 {inspection_id} · {day}"
    return Heading(False, "安全生产检查报告", office, docref, "检查报告")


def recheck_heading(
    *,
    own: bool,
    office: str,
    enterprise: str,
    verified_day: dt.date,
    hazard_id: int,
    verification_id: int,
    self_no: str = "",
    hazard_rank: int = 0,
) -> Heading:
    """The street's 隐患整改复查意见书, or the enterprise's 自查复查记录 (``own``; numbered
    by its self-inspection's ``self_no`` and the hazard's rank in it)."""
    if own and self_no:
        number = f"{self_no}-{hazard_rank}"
        docref = f"{enterprise} 自查复查〔{number}〕号"
        return Heading(True, "自查复查记录", enterprise, docref, "自查复查记录")
    number = f"{verified_day.year}-{hazard_id:05d}-{verification_id}"
    docref = f"{office} 安监复查〔{number}〕号"
    return Heading(False, "隐患整改复查意见书", office, docref, "复查意见书")


def checklist_label(name: str, version: int | None) -> str:
    """The checklist as printed: its Chinese name and version, never its code
    (``工贸企业安全生产通用检查表（第 1 版）``, not ``general``)."""
    name = (name or "").strip() or "检查表"
    return f"{name}（第 {version} 版）" if version else name


def opinion_text(comment: str | None) -> str:
    """The written opinion (验收意见) as printed: an empty one says so."""
    text = (comment or "").strip()
    return text or "（未填写）"


STREET_RESULTS = {"pass": "复查合格，同意销号", "fail": "复查不合格，继续整改"}
# The enterprise does not "agree to close" its own finding: it records that it is fixed.
OWN_RESULTS = {"pass": "复查合格，整改完成", "fail": "复查不合格，继续整改"}


def result_label(own: bool, result: str) -> str:
    return (OWN_RESULTS if own else STREET_RESULTS).get(result, result)
