"""The hazard life cycle (闭环 发现 → 整改 → 验收 → 销号) as pure rules: no I/O, no framework.

```
 pending 待整改 ──plan──> rectifying 整改中 ──submit evidence──> submitted 待验收
    │                         ^                                      │
    │                         └──────────── verify: fail ────────────┤
    └── submit evidence (general only) ──> submitted                 └─ pass ──> closed 已销号
 (an officer may void 作废 any hazard not closed, with a reason: ``voided``)
```

Services ask these functions *whether* and *to what*; they own the transaction, the scope
check and the audit event. Every refusal names the current state (409) or the bad field
(400), so the web layer only translates.

Decisions where the product rules is silent (written down here, tested in
tests/unit/test_rectification_rules.py):
- A plan may be revised while ``rectifying`` (the state stays); never once ``submitted``,
  ``closed`` or ``voided``.
- The effective deadline is the ``new_deadline`` of the most recently *approved* extension
  request, else the original deadline (a later approval replaces an earlier one, even with
  an earlier date: the officer's last word counts).
- An extension asks for a date after the current effective deadline; only one request may
  be pending; none once the hazard is submitted, closed or voided.
- Evidence is dated: ``completed_on`` not in the future (in the configured time zone) and
  not before the hazard was found.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from enum import Enum

from inspections.tables import HazardLevel, HazardSource, HazardStatus
from safety.errors import Forbidden, InvalidTransition, ValidationFailed
from safety.tables import Role

P, R, S, C, V = (
    HazardStatus.pending,
    HazardStatus.rectifying,
    HazardStatus.submitted,
    HazardStatus.closed,
    HazardStatus.voided,
)

STATUS_LABELS = {
    "pending": "待整改",
    "rectifying": "整改中",
    "submitted": "待验收",
    "closed": "已销号",
    "voided": "已作废",
}


class Action(str, Enum):
    plan = "plan"  # 整改方案 (五落实 for major hazards)
    submit = "submit"  # 整改反馈: evidence
    verify_pass = "verify_pass"  # 验收通过 → 销号  # noqa: S105 - an action name, not a password
    verify_fail = "verify_fail"  # 验收不通过 → back to rectifying
    void = "void"  # 作废
    extend = "extend"  # 延期申请 (no state change)


# (action, from state) -> to state
_TRANSITIONS: dict[tuple[Action, HazardStatus], HazardStatus] = {
    (Action.plan, P): R,
    (Action.plan, R): R,
    (Action.submit, P): S,  # general hazards only (checked below)
    (Action.submit, R): S,
    (Action.verify_pass, S): C,
    (Action.verify_fail, S): R,
    (Action.void, P): V,
    (Action.void, R): V,
    (Action.void, S): V,
    (Action.extend, P): P,
    (Action.extend, R): R,
}

ACTION_LABELS = {
    Action.plan: "填写整改方案",
    Action.submit: "提交整改反馈",
    Action.verify_pass: "验收通过",
    Action.verify_fail: "验收不通过",
    Action.void: "作废",
    Action.extend: "申请延期",
}


def next_status(status: str, action: Action, level: str) -> HazardStatus:
    """The state ``action`` leads to from ``status``; 409 (naming the current state)
    when it is not allowed from there."""
    current = HazardStatus(status)
    target = _TRANSITIONS.get((action, current))
    if target is None or (
        action is Action.submit and current is P and level != HazardLevel.general.value
    ):
        why = (
            "重大隐患须先填写五落实整改方案"
            if action is Action.submit and current is P
            else "当前状态不允许此操作"
        )
        raise InvalidTransition(
            f"{ACTION_LABELS[action]}：隐患当前状态为「{STATUS_LABELS[current.value]}」，{why}",
            [{"key": "status", "message": f"当前状态：{current.value}"}],
        )
    return target


# ---------------------------------------------------------------- who may act


def may_verify(
    role: str,
    *,
    level: str,
    source: str,
    is_inspector_of_hazard: bool = False,
    is_own_enterprise: bool = False,
) -> bool:
    """验收: an officer always; an inspector of the hazard's inspection for inspection
    hazards; the enterprise itself only for a *general* hazard of its own self-inspection
    (a major one is verified only by an officer)."""
    if role == Role.officer.value:
        return True
    if role == Role.inspector.value:
        return is_inspector_of_hazard and source == HazardSource.inspection.value
    if role == Role.enterprise.value:
        return (
            is_own_enterprise
            and source == HazardSource.self_report.value
            and level == HazardLevel.general.value
        )
    return False


def require_verifier(role: str, **facts: object) -> None:
    if not may_verify(role, **facts):  # type: ignore[arg-type]
        raise Forbidden("您无权验收此隐患")


# ---------------------------------------------------------------- deadlines and overdue


@dataclass(frozen=True)
class Extension:
    new_deadline: dt.date
    status: str  # pending / approved / refused / cancelled (only approved counts)
    decided_at: dt.datetime | None = None


def effective_deadline(deadline: dt.date, extensions: Iterable[Extension]) -> dt.date:
    """The most recently approved extension's date, else the original deadline."""
    approved = [e for e in extensions if e.status == "approved"]
    if not approved:
        return deadline
    latest = max(
        approved,
        key=lambda e: e.decided_at or dt.datetime.min.replace(tzinfo=dt.UTC),
    )
    return latest.new_deadline


def is_overdue(status: str, effective: dt.date, today: dt.date) -> bool:
    """逾期: derived, never stored — open (pending or rectifying) and today (in the
    configured time zone) after the effective deadline."""
    return status in (P.value, R.value) and today > effective


def days_left(effective: dt.date, today: dt.date) -> int:
    """Days until the effective deadline (negative: days overdue)."""
    return (effective - today).days


# ---------------------------------------------------------------- plans (五落实)

# 五落实: the five musts of a major-hazard plan, with the field that carries each.
FIVE_MUSTS: dict[str, str] = {
    "responsible_person": "责任落实（整改责任人）",
    "measures": "措施落实（整改措施）",
    "funds": "资金落实（整改资金）",
    "deadline": "时限落实（整改时限）",
    "contingency_plan": "预案落实（应急预案）",
}


def plan_problems(
    plan: Mapping[str, object], *, level: str, found_on: dt.date, effective: dt.date
) -> list[dict[str, str]]:
    """Field errors of a plan: for a major hazard every one of 五落实 is required; a
    general one needs at least its measures. The plan's deadline may not be before the
    hazard was found, nor after the effective deadline (ask for an extension first)."""
    errors: list[dict[str, str]] = []
    required = FIVE_MUSTS if level == HazardLevel.major.value else {"measures": "整改措施"}
    for key, label in required.items():
        value = plan.get(key)
        if value is None or (isinstance(value, str) and not value.strip()):
            errors.append({"key": key, "message": f"重大隐患须落实：{label}"})
    deadline = plan.get("deadline")
    if isinstance(deadline, dt.date):
        if deadline < found_on:
            errors.append({"key": "deadline", "message": "整改时限不能早于隐患发现日期"})
        elif deadline > effective:
            errors.append(
                {
                    "key": "deadline",
                    "message": f"整改时限晚于整改期限 {effective.isoformat()}，请先申请延期",
                }
            )
    return errors


def require_plan(plan: Mapping[str, object], **facts: object) -> None:
    errors = plan_problems(plan, **facts)  # type: ignore[arg-type]
    if errors:
        raise ValidationFailed("整改方案不完整", errors)


# ---------------------------------------------------------------- evidence


def evidence_problems(
    *, description: str, completed_on: dt.date, found_on: dt.date, today: dt.date
) -> list[dict[str, str]]:
    errors: list[dict[str, str]] = []
    if not description.strip():
        errors.append({"key": "description", "message": "请说明整改情况"})
    if completed_on > today:
        errors.append({"key": "completed_on", "message": "完成日期不能晚于今天"})
    elif completed_on < found_on:
        errors.append(
            {
                "key": "completed_on",
                "message": f"完成日期不能早于隐患发现日期 {found_on.isoformat()}",
            }
        )
    return errors


def min_after_photos(level: str, *, major_min: int, general_min: int) -> int:
    """How many after-photos evidence of a ``level`` hazard needs (the settings
    ``SAFETY_EVIDENCE_MAJOR_MIN_PHOTOS`` / ``SAFETY_EVIDENCE_GENERAL_MIN_PHOTOS``; a major
    hazard never fewer than one, whatever the setting says)."""
    if level == HazardLevel.major.value:
        return max(1, major_min)
    return max(0, general_min)


def evidence_photo_problems(
    level: str, photo_count: int, *, major_min: int, general_min: int
) -> list[dict[str, str]]:
    """``photo_ids`` when fewer after-photos than the level needs (立行立改 hazards are
    closed at the inspection with their own after-photo: they never come here)."""
    needed = min_after_photos(level, major_min=major_min, general_min=general_min)
    if photo_count >= needed:
        return []
    what = "重大隐患" if level == HazardLevel.major.value else "一般隐患"
    return [
        {
            "key": "photo_ids",
            "message": f"{what}的整改反馈须附至少 {needed} 张整改后照片，现有 {photo_count} 张",
        }
    ]


def evidence_plan_problems(plan: Mapping[str, object] | None, *, level: str) -> list[dict]:
    """A major hazard's evidence stands on its complete 五落实 plan, read again when the
    evidence is sent (a plan stored before the rule, or by an import, may lack one): each
    missing one names its plan field. A general hazard needs no plan."""
    if level != HazardLevel.major.value:
        return []
    plan = plan or {}
    errors = []
    for key, label in FIVE_MUSTS.items():
        value = plan.get(key)
        if value is None or (isinstance(value, str) and not value.strip()):
            errors.append(
                {"key": key, "message": f"整改方案未落实：{label}，请先补全整改方案再提交反馈"}
            )
    return errors


# ---------------------------------------------------------------- verification


def verification_problems(result: str, comment: str, *, level: str) -> list[dict[str, str]]:
    """A failed check says why (the enterprise reads it); passing a *major* hazard needs a
    written opinion (验收意见) — the record a regulator reads of who accepted what."""
    if result not in ("pass", "fail"):
        return [{"key": "result", "message": "验收结果须为通过或不通过"}]
    if comment.strip():
        return []
    if result == "fail":
        return [{"key": "comment", "message": "验收不通过须说明原因"}]
    if level == HazardLevel.major.value:
        return [{"key": "comment", "message": "重大隐患验收通过须填写验收意见"}]
    return []


def needs_confirmation(result: str, level: str, confirmed: bool) -> bool:
    """On the pages, passing a major hazard takes two steps: the first shows what is
    about to be closed (the opinion, the evidence) and asks again; only the second,
    ``confirmed``, closes it. The API's caller is a program: one request."""
    return result == "pass" and level == HazardLevel.major.value and not confirmed


def pass_closes(role: str, level: str, *, countersign: bool) -> bool:
    """Whether a pass closes the hazard at once. With ``SAFETY_MAJOR_COUNTERSIGN`` on, an
    inspector's pass of a major hazard is recorded and waits (待会签, still ``submitted``)
    for an officer's pass, which closes it; otherwise every allowed pass closes."""
    return not (countersign and level == HazardLevel.major.value and role == Role.inspector.value)


def awaiting_countersign(
    verifications: Iterable[Mapping[str, object]], latest_submission_id: int | None
) -> bool:
    """A hazard waits for an officer's countersign when its latest submission's latest
    verification is a pass that did not close it (the hazard is still ``submitted``)."""
    mine = [v for v in verifications if v.get("submission_id") == latest_submission_id]
    return bool(mine) and mine[-1].get("result") == "pass"


# ---------------------------------------------------------------- extensions

EXTENSION_STATUS_LABELS = {
    "pending": "待审批",
    "approved": "已批准",
    "refused": "未批准",
    "cancelled": "已取消",
}


def cancelled_by_void(extension_status: str) -> bool:
    """Voiding a hazard cancels its pending extension request (no one would decide it any
    more, and it would hang in 延期审批 for good); decided ones stay as they were."""
    return extension_status == "pending"


def extension_problems(
    *,
    status: str,
    new_deadline: dt.date,
    reason: str,
    effective: dt.date,
    today: dt.date,
    has_pending: bool,
) -> tuple[list[dict[str, str]], str | None]:
    """(field errors → 400, conflict → 409 message) of an extension request."""
    next_status(status, Action.extend, HazardLevel.general.value)  # 409 when closed etc.
    if has_pending:
        return [], "已有一个待审批的延期申请"
    errors: list[dict[str, str]] = []
    if not reason.strip():
        errors.append({"key": "reason", "message": "请说明延期理由"})
    if new_deadline <= effective:
        errors.append(
            {
                "key": "new_deadline",
                "message": f"新期限须晚于当前整改期限 {effective.isoformat()}",
            }
        )
    elif new_deadline < today:
        errors.append({"key": "new_deadline", "message": "新期限不能早于今天"})
    return errors, None


def void_problems(reason: str) -> list[dict[str, str]]:
    if not reason.strip():
        return [{"key": "reason", "message": "作废须说明理由"}]
    return []
