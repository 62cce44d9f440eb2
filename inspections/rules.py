"""The rules of campaigns, inspections and hazards: pure, synchronous, no I/O.

- An inspection moves ``planned`` → ``in_progress`` → ``submitted``; an officer may cancel
  it from ``planned`` only. A submitted inspection is immutable: its results, signatures
  and hazards change only while it is ``in_progress``.
- Submit needs every item of the pinned checklist answered (``na`` is an answer) and both
  signatures, where the enterprise's may be a recorded refusal with its reason (拒签).
  ``missing_for_submit`` names what is missing, each under a stable key:
  ``items.<item id>`` (the checklist item's id, the ``id`` of the inspection's ``items``),
  ``signatures.inspector``, ``signatures.enterprise``.
- A hazard's default deadline is the inspection day (``scheduled_on``, which may lie in
  the past when paper records are entered later) plus the campaign's days for its level.
- Hazard vocabularies (the product rules): level, category, the 12 sub-categories, factor;
  ``major_basis`` is required for a major hazard; 立行立改 (``fixed_on_spot``) only for a
  general one.
- Overdue is derived: ``pending``/``rectifying`` and today after the effective deadline.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from safety.errors import InvalidTransition
from safety.text import text_problem

STATES = ("planned", "in_progress", "submitted", "cancelled")
RESULTS = ("pass", "fail", "na")
CAMPAIGN_KINDS = ("special_rectification", "seasonal", "third_party", "routine")

# action → (states it may start from, the state it leads to)
TRANSITIONS: dict[str, tuple[frozenset[str], str]] = {
    "start": (frozenset({"planned"}), "in_progress"),
    "submit": (frozenset({"in_progress"}), "submitted"),
    "cancel": (frozenset({"planned"}), "cancelled"),
}

STATE_LABELS = {
    "planned": "待检查",
    "in_progress": "检查中",
    "submitted": "已提交",
    "cancelled": "已取消",
}

LEVELS = ("general", "major")  # 一般隐患 / 重大隐患
CATEGORIES = ("management", "site")  # 基础管理类 / 现场管理类
SUBCATEGORIES = (
    "电气",
    "消防",
    "机械",
    "特种设备",
    "危化品",
    "有限空间",
    "粉尘",
    "作业环境",
    "职业健康",
    "制度/培训",
    "应急",
    "其他",
)
FACTORS = ("human", "thing", "management")  # 人的不安全行为 / 物的不安全状态 / 管理缺陷
SIGNERS = ("inspector", "enterprise")
OPEN_STATUSES = ("pending", "rectifying")  # the statuses that can be overdue

# Rectification days per level when no campaign says otherwise (the product rules defaults).
DEFAULT_DEADLINE_DAYS = {"general": 15, "major": 60}
MAX_DEADLINE_DAYS = 3650


def next_state(state: str, action: str) -> str:
    """The state ``action`` leads to from ``state``; 409 naming the current state when the
    action is not allowed from it."""
    sources, target = TRANSITIONS[action]
    if state not in sources:
        raise InvalidTransition(
            f"检查当前状态为「{STATE_LABELS.get(state, state)}」，不允许此操作",
            [{"key": "state", "message": f"当前状态：{state}"}],
        )
    return target


def require_editable(state: str, what: str) -> None:
    """Results, signatures and hazards change only while the inspection is in progress;
    otherwise 409 naming the current state (a submitted inspection is immutable)."""
    if state != "in_progress":
        raise InvalidTransition(
            f"检查当前状态为「{STATE_LABELS.get(state, state)}」，不能修改{what}",
            [{"key": "state", "message": f"当前状态：{state}"}],
        )


# ---------------------------------------------------------------- submit


@dataclass(frozen=True)
class ChecklistEntry:
    """One item of the pinned checklist, as submit needs it."""

    id: int
    code: str
    text: str


def missing_for_submit(
    items: Iterable[ChecklistEntry],
    answered: Iterable[int],
    inspector_signed: bool,
    enterprise_signed: bool,
    enterprise_refused: bool,
    self_inspection: bool = False,
) -> list[dict[str, str]]:
    """What stands between an inspection and its submission, in checklist order; empty
    when it may be submitted. A self-inspection needs its checker's signature only (see
    ``self_signature_problems``)."""
    done = set(answered)
    missing = [
        {"key": f"items.{item.id}", "message": f"检查项 {item.code} 未填写结果: {item.text[:60]}"}
        for item in items
        if item.id not in done
    ]
    if not inspector_signed:
        missing.append({"key": "signatures.inspector", "message": "缺少检查人员签字"})
    if not (enterprise_signed or enterprise_refused or self_inspection):
        missing.append(
            {"key": "signatures.enterprise", "message": "缺少企业签字（或企业拒签及其理由）"}
        )
    return missing


def unknown_items(item_ids: Iterable[int], checklist_ids: set[int]) -> list[dict[str, str]]:
    """Result entries naming an item that is not on the inspection's checklist."""
    seen: set[int] = set()
    errors = []
    for item_id in item_ids:
        if item_id not in checklist_ids and item_id not in seen:
            seen.add(item_id)
            errors.append(
                {"key": f"items.{item_id}", "message": f"检查项 {item_id} 不在本检查表中"}
            )
    return errors


# ---------------------------------------------------------------- deadlines and overdue


def deadline_days(general: int | None, major: int | None) -> dict[str, int]:
    return {
        "general": DEFAULT_DEADLINE_DAYS["general"] if general is None else general,
        "major": DEFAULT_DEADLINE_DAYS["major"] if major is None else major,
    }


def default_deadline(inspection_day: dt.date, level: str, days: Mapping[str, int]) -> dt.date:
    """The inspection day plus the days for the level. Counted from the inspection day,
    not from data entry: a paper record typed in later keeps the deadline it had on site."""
    return inspection_day + dt.timedelta(days=days[level])


def is_overdue(status: str, effective_deadline: dt.date, today: dt.date) -> bool:
    return status in OPEN_STATUSES and today > effective_deadline


# ---------------------------------------------------------------- campaigns


def check_campaign(
    name: str, kind: str, starts_on: dt.date, ends_on: dt.date, days: Mapping[str, Any]
) -> list[dict[str, str]]:
    """Field errors of a campaign (empty when it is fine)."""
    errors = []
    if not name.strip():
        errors.append({"key": "name", "message": "活动名称不能为空"})
    if kind not in CAMPAIGN_KINDS:
        errors.append({"key": "kind", "message": "kind 须为 " + " / ".join(CAMPAIGN_KINDS)})
    if ends_on < starts_on:
        errors.append({"key": "ends_on", "message": "结束日期不能早于开始日期"})
    for level in LEVELS:
        value = days.get(level)
        if not isinstance(value, int) or not 1 <= value <= MAX_DEADLINE_DAYS:
            errors.append(
                {
                    "key": f"deadline_days.{level}",
                    "message": f"整改天数须为 1-{MAX_DEADLINE_DAYS} 的整数",
                }
            )
    unknown = sorted(set(days) - set(LEVELS))
    for key in unknown:
        errors.append({"key": f"deadline_days.{key}", "message": "只有 general / major 两级"})
    return errors


def check_window(
    starts_on: dt.date, ends_on: dt.date, outer_start: dt.date, outer_end: dt.date
) -> list[dict[str, str]]:
    """A batch's window lies inside its campaign's period."""
    errors = []
    if ends_on < starts_on:
        errors.append({"key": "ends_on", "message": "结束日期不能早于开始日期"})
    if starts_on < outer_start or starts_on > outer_end:
        errors.append(
            {"key": "starts_on", "message": f"须在活动期间 {outer_start} 至 {outer_end} 内"}
        )
    if ends_on > outer_end or ends_on < outer_start:
        errors.append(
            {"key": "ends_on", "message": f"须在活动期间 {outer_start} 至 {outer_end} 内"}
        )
    return errors


# ---------------------------------------------------------------- planning: dates, bookings

OPEN_STATES = ("planned", "in_progress")  # an inspection still to be walked


def scheduled_on_problems(
    day: dt.date,
    campaign_period: tuple[dt.date, dt.date],
    batch_window: tuple[dt.date, dt.date] | None = None,
) -> list[dict[str, str]]:
    """An inspection's day lies within its batch's window, else its campaign's period
    (both ends included). A day in the past inside it is fine: paper records of a visit
    are entered later. The message names the allowed range."""
    start, end = batch_window or campaign_period
    if start <= day <= end:
        return []
    where = "批次期间" if batch_window else "活动期间"
    return [{"key": "scheduled_on", "message": f"检查日期须在{where} {start} 至 {end} 内"}]


def campaign_running(ends_on: dt.date, today: dt.date) -> bool:
    """A campaign has not ended while today is on or before its last day (one that has
    not started yet has not ended either)."""
    return today <= ends_on


def ended_campaign_refusal(ends_on: dt.date, today: dt.date, action: str) -> str | None:
    """Why ``action`` (新建批次 / 生成检查任务) is refused on a campaign whose period has
    ended (None while it runs): a finished campaign's plan is closed. Inspections already
    planned stay and may still be walked or entered from paper afterwards."""
    if campaign_running(ends_on, today):
        return None
    return f"活动已于 {ends_on} 结束，不能再{action}"


@dataclass(frozen=True)
class Booking:
    """Why an enterprise counts as already planned (已安排): an open inspection of a
    running campaign (``inspection_id`` and its day), or its place in a running
    campaign's plan (its batch's window, else the campaign's period)."""

    enterprise_id: int
    campaign_id: int
    campaign_name: str
    starts_on: dt.date
    ends_on: dt.date
    inspection_id: int | None = None


def first_booking(bookings: Iterable[Booking]) -> Booking | None:
    """The booking to show: an open inspection before a place in a plan, then the
    earliest day, then the lowest campaign id (stable)."""
    ordered = sorted(
        bookings,
        key=lambda b: (b.inspection_id is None, b.starts_on, b.campaign_id, b.inspection_id or 0),
    )
    return ordered[0] if ordered else None


def default_ticks(candidates: Iterable[int], booked: Iterable[int]) -> list[int]:
    """The enterprises a form ticks by default: the candidates not already planned (the
    officer may still tick a booked one by hand, on purpose)."""
    taken = set(booked)
    return [i for i in candidates if i not in taken]


def duplicate_problem(enterprise: str, inspection_id: int, state: str, day: dt.date) -> dict:
    """The 409's field error: the enterprise (its name) already has an open inspection in
    the campaign; names the enterprise and that inspection (id, state, day)."""
    return {
        "key": "enterprise_id",
        "message": (
            f"{enterprise} 在本活动中已有{STATE_LABELS.get(state, state)}的检查"
            f" #{inspection_id}（计划日期 {day}），不能重复安排"
        ),
        "inspection_id": inspection_id,
    }


# ---------------------------------------------------------------- hazards


def check_hazard(
    *,
    description: str,
    level: str,
    category: str,
    subcategory: str,
    factor: str | None,
    major_basis: str,
    fixed_on_spot: bool,
    deadline: dt.date | None,
    found_on: dt.date,
) -> list[dict[str, str]]:
    """Field errors of a new hazard (empty when it is fine)."""
    errors = []
    if not description.strip():
        errors.append({"key": "description", "message": "隐患描述不能为空"})
    if level not in LEVELS:
        errors.append({"key": "level", "message": "level 须为 general / major"})
    if category not in CATEGORIES:
        errors.append({"key": "category", "message": "category 须为 management / site"})
    if subcategory not in SUBCATEGORIES:
        errors.append(
            {"key": "subcategory", "message": "subcategory 须为 " + " / ".join(SUBCATEGORIES)}
        )
    if factor is not None and factor not in FACTORS:
        errors.append({"key": "factor", "message": "factor 须为 human / thing / management"})
    if level == "major" and not major_basis.strip():
        errors.append(
            {
                "key": "major_basis",
                "message": "重大隐患须注明判定依据（如《工贸企业重大事故隐患判定标准》条款）",
            }
        )
    if fixed_on_spot and level != "general":
        errors.append({"key": "fixed_on_spot", "message": "只有一般隐患可以立行立改"})
    if deadline is not None and deadline < found_on:
        errors.append(
            {"key": "deadline", "message": f"整改期限不能早于发现日期 {found_on.isoformat()}"}
        )
    return errors


# ---------------------------------------------------------------- signatures

SIGNER_NAME_MAX = 50  # Inspection.inspector_signer_name / enterprise_signer_name: Varchar(50)


def check_signature(
    signer: str, signer_name: str, has_file: bool, refused_reason: str
) -> list[dict[str, str]]:
    """A signature is a drawn image with the signer's name; only the enterprise may
    instead decline with a reason (拒签), and not both at once. The name fits its column
    (at most ``SIGNER_NAME_MAX`` once trimmed); neither text holds a refused character
    (``safety.text``)."""
    errors = []
    refused = bool(refused_reason.strip())
    if signer not in SIGNERS:
        errors.append({"key": "signer", "message": "signer 须为 inspector / enterprise"})
        return errors
    if signer == "inspector" and refused:
        errors.append({"key": "refused_reason", "message": "检查人员不能拒签"})
    if has_file and refused:
        errors.append({"key": "refused_reason", "message": "已有签字图片时不能同时拒签"})
    if not has_file and not (refused and signer == "enterprise"):
        errors.append(
            {
                "key": "file",
                "message": "请上传签字图片"
                + ("，或填写企业拒签理由" if signer == "enterprise" else ""),
            }
        )
    if has_file and not signer_name.strip():
        errors.append({"key": "signer_name", "message": "请填写签字人姓名"})
    if len(signer_name.strip()) > SIGNER_NAME_MAX:
        message = f"签字人姓名不能超过 {SIGNER_NAME_MAX} 个字"
        errors.append({"key": "signer_name", "message": message})
    # The API and the page alike: what is stored must hold no control characters.
    for key, text in (("signer_name", signer_name), ("refused_reason", refused_reason)):
        problem = text_problem(text)
        if problem:
            errors.append({"key": key, "message": problem})
    return errors


# ---------------------------------------------------------------- self-inspection (企业自查)

SELF = "self"


def may_walk(role: str, *, kind: str, in_group: bool, own_enterprise: bool) -> bool:
    """Who starts an inspection, answers its items, logs its hazards, signs and submits
    it: for a campaign inspection an inspector of its expert group; for a self-inspection
    (kind ``self``) a contact of the enterprise it inspects — any of its contacts, so a
    colleague can finish a walk begun by another — and nobody else (not even an officer:
    they read it, and close its major hazards)."""
    if kind == SELF:
        return role == "enterprise" and own_enterprise
    return role == "inspector" and in_group


def self_signature_problems(signer: str, refused_reason: str) -> list[dict[str, str]]:
    """Signatures of a self-inspection (decision: dev/design/self-inspection): the ``inspector``
    signature is the person who did the check (the enterprise's safety contact) and is
    required; the ``enterprise`` signature is the countersignature of the enterprise's
    principal (主要负责人, e.g. the legal representative), optional. Nobody refuses to sign
    their own enterprise's self-inspection: 拒签 is refused."""
    if signer == "enterprise" and refused_reason.strip():
        return [{"key": "refused_reason", "message": "企业自查不适用拒签"}]
    return []
