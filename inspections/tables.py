"""Checklist templates (versioned), inspections, item results, hazards and their
status history; risk points (安全风险分级管控, inspections.risk)."""

from __future__ import annotations

from enum import Enum

from piccolo.columns import (
    JSON,
    Boolean,
    Date,
    Float,
    ForeignKey,
    Integer,
    Text,
    Timestamptz,
    Varchar,
)
from piccolo.columns.base import OnDelete
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.columns.reference import LazyTableReference
from piccolo.table import Table

from safety.tables import Attachment, Batch, Campaign, Enterprise, User

RESTRICT = OnDelete.restrict


class InspectionState(str, Enum):
    planned = "planned"
    in_progress = "in_progress"
    submitted = "submitted"
    cancelled = "cancelled"


class ItemResultValue(str, Enum):
    pass_ = "pass"  # noqa: S105 - a checklist answer, not a password
    fail = "fail"
    na = "na"


class HazardLevel(str, Enum):
    general = "general"  # 一般隐患
    major = "major"  # 重大隐患


class HazardCategory(str, Enum):
    management = "management"  # 基础管理类
    site = "site"  # 现场管理类


class HazardFactor(str, Enum):
    human = "human"  # 人的不安全行为
    thing = "thing"  # 物的不安全状态
    management = "management"  # 管理缺陷


class HazardStatus(str, Enum):
    pending = "pending"  # 待整改
    rectifying = "rectifying"  # 整改中
    submitted = "submitted"  # 待验收
    closed = "closed"  # 已销号
    voided = "voided"  # 作废


class HazardSource(str, Enum):
    inspection = "inspection"
    self_report = "self_report"  # 企业自查
    patrol = "patrol"  # 网格巡查上报


class InspectionKind(str, Enum):
    campaign = "campaign"  # part of a campaign (专项行动/检查活动)
    self_ = "self"  # 企业自查: an enterprise inspecting itself, outside any campaign


class ChecklistTemplate(Table, tablename="checklist_template"):
    """检查表, versioned: a published version is never edited; a change is a new version.
    An inspection pins the row (code + version) it used."""

    code = Varchar(length=64, required=True, index=True)
    version = Integer(default=1)
    name = Varchar(length=200, required=True)
    domain = Varchar(length=64, default="")  # 通用 / 消防 / 电气 …
    description = Text(default="")
    published = Boolean(default=True)
    created_at = Timestamptz(default=TimestamptzNow())


class ChecklistSection(Table, tablename="checklist_section"):
    template = ForeignKey(ChecklistTemplate, on_delete=RESTRICT, null=False, index=True)
    title = Varchar(length=200, required=True)
    position = Integer(default=0)


class ChecklistItem(Table, tablename="checklist_item"):
    template = ForeignKey(ChecklistTemplate, on_delete=RESTRICT, null=False, index=True)
    section = ForeignKey(ChecklistSection, on_delete=RESTRICT, null=False, index=True)
    code = Varchar(length=32, required=True)
    text = Text(required=True)
    legal_basis = Text(default="")  # 依据: law/standard and clause
    category = Varchar(length=16, choices=HazardCategory, default=HazardCategory.site)
    subcategory = Varchar(length=32, default="其他")
    default_level = Varchar(length=8, choices=HazardLevel, default=HazardLevel.general)
    major_basis = Text(default="")  # clause of 《工贸企业重大事故隐患判定标准》 when major
    position = Integer(default=0)


class Inspection(Table, tablename="inspection"):
    """One visit to one enterprise. Submitted inspections are immutable; a correction is a
    new record pointing at the one it corrects."""

    kind = Varchar(length=16, choices=InspectionKind, default=InspectionKind.campaign)
    campaign = ForeignKey(Campaign, on_delete=RESTRICT, null=True, index=True)
    batch = ForeignKey(Batch, on_delete=RESTRICT, null=True, index=True)
    enterprise = ForeignKey(Enterprise, on_delete=RESTRICT, null=False, index=True)
    checklist = ForeignKey(ChecklistTemplate, on_delete=RESTRICT, null=False, index=True)
    state = Varchar(length=16, choices=InspectionState, default=InspectionState.planned, index=True)
    scheduled_on = Date(required=True)
    started_at = Timestamptz(null=True, default=None)
    submitted_at = Timestamptz(null=True, default=None)
    cancelled_at = Timestamptz(null=True, default=None)
    cancel_reason = Text(default="")
    summary = Text(default="")
    inspector_signature = ForeignKey(Attachment, on_delete=RESTRICT, null=True)
    inspector_signer_name = Varchar(length=50, default="")
    enterprise_signature = ForeignKey(Attachment, on_delete=RESTRICT, null=True)
    enterprise_signer_name = Varchar(length=50, default="")
    # 拒签: the enterprise declined to sign; recorded with its reason, as on paper.
    enterprise_refused_reason = Text(default="")
    corrects = ForeignKey("self", on_delete=RESTRICT, null=True)
    created_by = ForeignKey(User, on_delete=RESTRICT, null=True)
    created_at = Timestamptz(default=TimestamptzNow())
    version = Integer(default=1)


class InspectionInspector(Table, tablename="inspection_inspector"):
    """The expert group of an inspection; ``is_lead`` marks the leader."""

    inspection = ForeignKey(Inspection, on_delete=RESTRICT, null=False, index=True)
    user = ForeignKey(User, on_delete=RESTRICT, null=False, index=True)
    is_lead = Boolean(default=False)


class ItemResult(Table, tablename="item_result"):
    inspection = ForeignKey(Inspection, on_delete=RESTRICT, null=False, index=True)
    item = ForeignKey(ChecklistItem, on_delete=RESTRICT, null=False, index=True)
    result = Varchar(length=4, choices=ItemResultValue, required=True)
    note = Text(default="")
    updated_at = Timestamptz(default=TimestamptzNow())


class Hazard(Table, tablename="hazard"):
    """隐患. ``status`` is the current state; ``HazardTransition`` keeps every change with
    its time, so figures "as of a date" are reconstructed, not relabelled. Overdue is
    derived, never stored."""

    inspection = ForeignKey(Inspection, on_delete=RESTRICT, null=True, index=True)
    enterprise = ForeignKey(Enterprise, on_delete=RESTRICT, null=False, index=True)
    campaign = ForeignKey(Campaign, on_delete=RESTRICT, null=True, index=True)
    source = Varchar(length=16, choices=HazardSource, default=HazardSource.inspection)
    description = Text(required=True)
    location = Varchar(length=200, default="")  # 部位
    category = Varchar(length=16, choices=HazardCategory, required=True)
    subcategory = Varchar(length=32, default="其他")
    factor = Varchar(length=16, choices=HazardFactor, null=True, default=None)
    level = Varchar(length=8, choices=HazardLevel, required=True, index=True)
    major_basis = Text(default="")  # clause of 《工贸企业重大事故隐患判定标准》 etc.
    item = ForeignKey(ChecklistItem, on_delete=RESTRICT, null=True)
    legal_basis = Text(default="")
    suggestion = Text(default="")
    found_on = Date(required=True)
    deadline = Date(required=True)
    # The deadline in force: the latest approved extension's date, else ``deadline``
    # (kept in the same transaction as the decision, so overdue lists are one indexed
    # comparison; overdue itself is derived, never stored).
    effective_deadline = Date(null=True, default=None, index=True)
    status = Varchar(length=16, choices=HazardStatus, default=HazardStatus.pending, index=True)
    fixed_on_spot = Boolean(default=False)  # 立行立改
    rectified_on = Date(null=True, default=None)
    closed_at = Timestamptz(null=True, default=None)
    void_reason = Text(default="")
    created_by = ForeignKey(User, on_delete=RESTRICT, null=True)
    created_at = Timestamptz(default=TimestamptzNow())
    version = Integer(default=1)
    # The risk point whose control failed (the two pillars joined: 风险分级管控 ↔ 隐患排查).
    risk_point = ForeignKey(
        LazyTableReference("RiskPoint", module_path=__name__),
        on_delete=RESTRICT,
        null=True,
        index=True,
    )


class HazardTransition(Table, tablename="hazard_transition"):
    """Every status change of a hazard (creation included, from_status empty)."""

    hazard = ForeignKey(Hazard, on_delete=RESTRICT, null=False, index=True)
    from_status = Varchar(length=16, default="")
    to_status = Varchar(length=16, required=True)
    at = Timestamptz(default=TimestamptzNow(), index=True)
    actor = ForeignKey(User, on_delete=RESTRICT, null=True)
    note = Text(default="")


class RiskPoint(Table, tablename="risk_point"):
    """风险点 of an enterprise (a place or an activity), graded by LEC (D = L×E×C) or LS
    (R = L×S). ``score``, ``level`` and ``colour`` are computed by inspections.risk.rules
    from the bands in force when it was last written. An inactive point (停用) no longer
    counts toward the enterprise's colour. The name is unique per enterprise (a database
    index): it is the identity the 风险分级管控清单 import matches on."""

    enterprise = ForeignKey(Enterprise, on_delete=RESTRICT, null=False, index=True)
    name = Varchar(length=200, required=True)  # 风险点名称: place / activity
    hazard_factors = Text(default="")  # 危险有害因素
    accident_types = JSON(default="[]")  # GB 6441 types, e.g. ["触电", "火灾"]
    method = Varchar(length=3, required=True)  # LEC / LS
    likelihood = Float(required=True)  # L
    exposure = Float(null=True, default=None)  # E (LEC only)
    consequence = Float(null=True, default=None)  # C (LEC only)
    severity = Float(null=True, default=None)  # S (LS only)
    score = Float(required=True)  # D or R
    level = Varchar(length=16, required=True)  # major / significant / general / low
    colour = Varchar(length=8, required=True, index=True)  # red / orange / yellow / blue
    # Control measures by kind (管控措施).
    measure_engineering = Text(default="")  # 工程技术
    measure_management = Text(default="")  # 管理
    measure_training = Text(default="")  # 培训教育
    measure_ppe = Text(default="")  # 个体防护
    measure_emergency = Text(default="")  # 应急处置
    control_tier = Varchar(length=16, default="company")  # company/workshop/team/post
    responsible_person = Varchar(length=50, default="")
    review_on = Date(null=True, default=None)  # next review 复评日期
    active = Boolean(default=True)
    created_by = ForeignKey(User, on_delete=RESTRICT, null=True)
    created_at = Timestamptz(default=TimestamptzNow())
    updated_at = Timestamptz(default=TimestamptzNow())
    version = Integer(default=1)
