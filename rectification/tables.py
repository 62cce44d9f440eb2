"""Rectification (整改) of a hazard: the plan, evidence submissions, verifications and
deadline extension requests."""

from __future__ import annotations

from enum import Enum

from piccolo.columns import Date, ForeignKey, Integer, Text, Timestamptz, Varchar
from piccolo.columns.base import OnDelete
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.table import Table

from inspections.tables import Hazard
from safety.tables import User

RESTRICT = OnDelete.restrict


class VerificationResult(str, Enum):
    pass_ = "pass"  # noqa: S105 - a checklist answer, not a password
    fail = "fail"


class ExtensionStatus(str, Enum):
    pending = "pending"
    approved = "approved"
    refused = "refused"
    cancelled = "cancelled"  # the hazard was voided while the request was pending


class RectificationPlan(Table, tablename="rectification_plan"):
    """整改方案. For a major hazard all of 五落实 (the five musts: responsible person,
    measures, funds, deadline, contingency plan) are required."""

    hazard = ForeignKey(Hazard, on_delete=RESTRICT, null=False, unique=True)
    responsible_person = Varchar(length=50, default="")  # 责任
    measures = Text(default="")  # 措施
    funds = Varchar(length=100, default="")  # 资金 (amount or source, as people write it)
    deadline = Date(null=True, default=None)  # 时限
    contingency_plan = Text(default="")  # 预案
    submitted_by = ForeignKey(User, on_delete=RESTRICT, null=True)
    created_at = Timestamptz(default=TimestamptzNow())
    updated_at = Timestamptz(default=TimestamptzNow())
    version = Integer(default=1)


class EvidenceSubmission(Table, tablename="evidence_submission"):
    """整改反馈: what was done, when, with after-photos (attachments owned by this row)."""

    hazard = ForeignKey(Hazard, on_delete=RESTRICT, null=False, index=True)
    description = Text(required=True)
    completed_on = Date(required=True)
    submitted_by = ForeignKey(User, on_delete=RESTRICT, null=True)
    submitted_at = Timestamptz(default=TimestamptzNow())


class Verification(Table, tablename="verification"):
    """验收/复查 of a submission: pass closes the hazard, fail sends it back."""

    hazard = ForeignKey(Hazard, on_delete=RESTRICT, null=False, index=True)
    submission = ForeignKey(EvidenceSubmission, on_delete=RESTRICT, null=True, index=True)
    result = Varchar(length=4, choices=VerificationResult, required=True)
    comment = Text(default="")
    verified_by = ForeignKey(User, on_delete=RESTRICT, null=True)
    verified_at = Timestamptz(default=TimestamptzNow())


class ExtensionRequest(Table, tablename="extension_request"):
    """延期申请: a new date and a reason, approved or refused by an officer; ``cancelled``
    when the hazard is voided while it is pending (no one decides it any more)."""

    hazard = ForeignKey(Hazard, on_delete=RESTRICT, null=False, index=True)
    new_deadline = Date(required=True)
    reason = Text(required=True)
    status = Varchar(length=16, choices=ExtensionStatus, default=ExtensionStatus.pending)
    requested_by = ForeignKey(User, on_delete=RESTRICT, null=True)
    requested_at = Timestamptz(default=TimestamptzNow())
    decided_by = ForeignKey(User, on_delete=RESTRICT, null=True)
    decided_at = Timestamptz(null=True, default=None)
    decision_comment = Text(default="")
