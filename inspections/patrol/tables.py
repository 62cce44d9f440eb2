"""Patrol reports (网格巡查上报) and the departments a report may be referred to (转办).

A report ends in exactly one triage: a hazard (``hazard`` set), a dismissal with its
reason, a referral to a department with a note, or a link to an earlier triaged report it
duplicates (it then shares that report's fate). The triage columns are written once.
"""

from __future__ import annotations

from enum import Enum

from piccolo.columns import Boolean, Float, ForeignKey, Integer, Text, Timestamptz, Varchar
from piccolo.columns.base import OnDelete
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.table import Table

from inspections.tables import Hazard
from safety.tables import Enterprise, OrgUnit, User

RESTRICT = OnDelete.restrict


class PatrolReportStatus(str, Enum):
    new = "new"  # 待研判
    hazard = "hazard"  # 已转为隐患
    dismissed = "dismissed"  # 不予立案 (with a reason)
    referred = "referred"  # 已转办


class TriageAction(str, Enum):
    hazard = "hazard"
    dismiss = "dismiss"
    refer = "refer"
    duplicate = "duplicate"  # the same thing as an already triaged report


class PatrolReport(Table, tablename="patrol_report"):
    """随手拍: what a grid worker saw on their round."""

    org_unit = ForeignKey(OrgUnit, on_delete=RESTRICT, null=False, index=True)  # a grid
    enterprise = ForeignKey(Enterprise, on_delete=RESTRICT, null=True, index=True)
    address = Varchar(length=200, default="")
    description = Text(required=True)
    lat = Float(null=True, default=None)
    lng = Float(null=True, default=None)
    status = Varchar(
        length=16, choices=PatrolReportStatus, default=PatrolReportStatus.new, index=True
    )
    reported_by = ForeignKey(User, on_delete=RESTRICT, null=False, index=True)
    reported_at = Timestamptz(default=TimestamptzNow(), index=True)
    hazard = ForeignKey(Hazard, on_delete=RESTRICT, null=True, index=True)
    duplicate_of = ForeignKey("self", on_delete=RESTRICT, null=True)
    triage_action = Varchar(length=16, default="")
    triage_reason = Text(default="")
    triage_to = Varchar(length=100, default="")  # the department referred to
    triaged_by = ForeignKey(User, on_delete=RESTRICT, null=True)
    triaged_at = Timestamptz(null=True, default=None)
    version = Integer(default=1)


class ReferralDepartment(Table, tablename="referral_department"):
    """转办: a department a report may be referred to, kept by the admin."""

    name = Varchar(length=100, required=True, unique=True)
    active = Boolean(default=True)
    position = Integer(default=0)
    created_at = Timestamptz(default=TimestamptzNow())
