"""API models of campaigns, batches, inspections and hazards (hand-written; field names
as the API contract fixes them, more fields added where useful)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Annotated

from litestar.datastructures import UploadFile
from pydantic import BaseModel, Field

from inspections.tables import (
    Hazard,
    HazardCategory,
    HazardFactor,
    HazardLevel,
    HazardSource,
    HazardStatus,
    InspectionKind,
    InspectionState,
    ItemResultValue,
)
from safety.schemas import RowId, Text, Version, fits, one_of
from safety.tables import AttachmentKind, Batch, Campaign, CampaignKind

# Free text in a request: bounded, so a body cannot be megabytes of one field.
ShortText = Annotated[Text, Field(max_length=2000)]
LongText = Annotated[Text, Field(max_length=4000)]
Days = Annotated[int, Field(ge=1, le=3650)]
IdList = Annotated[list[RowId], Field(max_length=5000)]
# A day of a plan or a deadline: bounded, so deadline arithmetic never leaves the calendar.
Day = Annotated[dt.date, Field(ge=dt.date(2000, 1, 1), le=dt.date(2999, 12, 31))]

CampaignKindName = one_of(CampaignKind)
LevelName = one_of(HazardLevel)
CategoryName = one_of(HazardCategory)
FactorName = one_of(HazardFactor)
ResultName = one_of(ItemResultValue)


# ---------------------------------------------------------------- campaigns and batches


class DeadlineDays(BaseModel):
    """Default rectification days per hazard level."""

    general: Days = 15
    major: Days = 60


class CampaignIn(BaseModel):
    """A campaign and its plan: ``enterprise_ids`` and/or ``enterprise_codes`` (统一社会信用
    代码, as officers paste them from a list); every one must lie in ``org_unit_id``'s
    subtree."""

    name: fits(Campaign.name)
    kind: CampaignKindName
    starts_on: Day
    ends_on: Day
    org_unit_id: RowId
    enterprise_ids: IdList = []
    enterprise_codes: Annotated[
        list[Annotated[Text, Field(max_length=40)]], Field(max_length=5000)
    ] = []
    deadline_days: DeadlineDays = DeadlineDays()
    description: ShortText = ""


class InspectorOut(BaseModel):
    id: int
    display_name: str
    is_lead: bool


class BatchIn(BaseModel):
    """Part of the plan for an agency's expert group. ``inspector_ids`` are inspectors of
    ``agency_id``; the lead (组长) is ``lead_id``, or the first one listed."""

    name: fits(Batch.name)
    agency_id: RowId | None = None
    enterprise_ids: IdList = []
    inspector_ids: IdList = []
    lead_id: RowId | None = None
    starts_on: Day
    ends_on: Day


class BatchOut(BaseModel):
    id: int
    campaign_id: int
    name: str
    agency_id: int | None
    agency_name: str | None
    starts_on: dt.date
    ends_on: dt.date
    enterprise_ids: list[int]
    inspectors: list[InspectorOut]
    version: Version


class CampaignOut(BaseModel):
    id: int
    name: str
    kind: one_of(CampaignKind)
    starts_on: dt.date
    ends_on: dt.date
    org_unit_id: int
    org_unit_name: str | None
    deadline_days: DeadlineDays
    description: str
    enterprises_planned: int
    created_at: dt.datetime
    version: Version


class PlannedEnterpriseOut(BaseModel):
    """One enterprise of the plan: its batch, and its latest inspection in the campaign
    (null when none is planned yet)."""

    enterprise_id: int
    enterprise_name: str
    org_unit_id: int | None
    batch_id: int | None
    batch_name: str | None
    inspection_id: int | None
    inspection_state: one_of(InspectionState, optional=True)
    scheduled_on: dt.date | None


class CampaignDetailOut(CampaignOut):
    batches: list[BatchOut]
    enterprises: list[PlannedEnterpriseOut]


class BatchInspectionsIn(BaseModel):
    checklist_id: RowId
    scheduled_on: Day


# ---------------------------------------------------------------- inspections


class InspectionIn(BaseModel):
    """One planned inspection of an enterprise of the campaign's plan."""

    campaign_id: RowId
    batch_id: RowId | None = None
    enterprise_id: RowId
    checklist_id: RowId
    inspector_ids: Annotated[list[RowId], Field(min_length=1, max_length=50)]
    lead_id: RowId | None = None
    scheduled_on: Day


class InspectionSummaryOut(BaseModel):
    """An inspection in a list (the detail adds items, hazards and signatures)."""

    id: int
    kind: one_of(InspectionKind)
    state: one_of(InspectionState)
    campaign_id: int | None
    campaign_name: str | None
    batch_id: int | None
    enterprise_id: int
    enterprise_name: str
    enterprise_address: str | None
    checklist_id: int
    checklist_name: str
    scheduled_on: dt.date
    started_at: dt.datetime | None
    submitted_at: dt.datetime | None
    cancelled_at: dt.datetime | None
    cancel_reason: str
    inspectors: list[InspectorOut]
    items_total: int
    items_answered: int
    hazards_count: int
    version: Version


class SkippedOut(BaseModel):
    """An enterprise of the batch that already has an inspection in the campaign (open or
    submitted): no second one is made."""

    enterprise_id: int
    enterprise_name: str
    inspection_id: int
    state: str
    scheduled_on: dt.date


class BatchInspectionsOut(BaseModel):
    created: int
    items: list[InspectionSummaryOut]
    skipped: list[SkippedOut] = []


class InspectionItemOut(BaseModel):
    """A checklist item of the pinned version with this inspection's result."""

    id: int
    code: str
    section: str
    section_id: int
    text: str
    legal_basis: str
    category: one_of(HazardCategory)
    subcategory: str
    default_level: one_of(HazardLevel)
    result: one_of(ItemResultValue, optional=True)
    note: str


class HazardSummaryOut(BaseModel):
    id: int
    description: str
    location: str
    level: one_of(HazardLevel)
    category: one_of(HazardCategory)
    subcategory: str
    item_id: int | None
    found_on: dt.date
    deadline: dt.date
    status: one_of(HazardStatus)
    fixed_on_spot: bool
    overdue: bool


class InspectorSignatureOut(BaseModel):
    signer_name: str
    url: str
    attachment_id: int


class EnterpriseSignatureOut(BaseModel):
    """A drawn signature (``url``), or the enterprise's recorded refusal (``url`` null,
    ``refused_reason`` set)."""

    signer_name: str
    url: str | None
    refused_reason: str | None
    attachment_id: int | None


class SignaturesOut(BaseModel):
    inspector: InspectorSignatureOut | None
    enterprise: EnterpriseSignatureOut | None


class InspectionOut(InspectionSummaryOut):
    checklist_code: str
    checklist_version: int
    items: list[InspectionItemOut]
    hazards: list[HazardSummaryOut]
    signatures: SignaturesOut


class ResultIn(BaseModel):
    item_id: RowId
    result: ResultName
    note: ShortText = ""


ResultsIn = Annotated[list[ResultIn], Field(max_length=1000)]


class SavedResultOut(BaseModel):
    item_id: int
    result: one_of(ItemResultValue)
    note: str
    updated_at: dt.datetime


class ResultsOut(BaseModel):
    """What the autosave stored, and the progress it makes."""

    items: list[SavedResultOut]
    items_total: int
    items_answered: int


class CancelIn(BaseModel):
    reason: ShortText


@dataclass
class SignatureForm:
    """``signer`` inspector|enterprise; ``file`` the drawn signature (PNG/JPEG), or, for
    the enterprise only, ``refused_reason`` (拒签) instead. The texts are bounded by
    ``rules.check_signature`` (length, control characters), which the page shares."""

    signer: str
    signer_name: str = ""
    refused_reason: str = ""
    file: UploadFile | None = None


# ---------------------------------------------------------------- hazards


class HazardIn(BaseModel):
    """A hazard found in the inspection. ``deadline`` defaults to the inspection day plus
    the campaign's days for the level; ``major_basis`` is required for a major hazard;
    ``fixed_on_spot`` (立行立改, general only) closes it at once."""

    description: LongText
    location: fits(Hazard.location) = ""
    level: LevelName
    category: CategoryName
    subcategory: fits(Hazard.subcategory) = "其他"
    factor: one_of(HazardFactor, optional=True) = None
    item_id: RowId | None = None
    legal_basis: ShortText = ""
    major_basis: ShortText = ""
    suggestion: ShortText = ""
    deadline: Day | None = None
    fixed_on_spot: bool = False
    # The risk point (风险点) of the same enterprise whose control failed, if known.
    risk_point_id: RowId | None = None


class PhotoOut(BaseModel):
    id: int
    kind: one_of(AttachmentKind)
    url: str
    thumbnail_url: str | None


class TimelineOut(BaseModel):
    at: dt.datetime
    actor: str | None
    action: str
    from_status: str
    to_status: str
    note: str


class ExtensionRequestOut(BaseModel):
    id: int
    new_deadline: dt.date
    reason: str
    status: str  # pending/approved/refused/cancelled: rectification.tables.ExtensionStatus
    decision_comment: str


class HazardOut(BaseModel):
    """The hazard shape of the API contract. ``plan``, ``submissions``, ``verifications`` and
    ``extension_requests`` are filled by rectification (null/empty until then)."""

    id: int
    inspection_id: int | None
    enterprise_id: int
    enterprise_name: str
    campaign_id: int | None
    source: one_of(HazardSource)
    description: str
    location: str
    category: one_of(HazardCategory)
    subcategory: str
    factor: one_of(HazardFactor, optional=True)
    level: one_of(HazardLevel)
    major_basis: str
    item_id: int | None
    legal_basis: str
    suggestion: str
    found_on: dt.date
    deadline: dt.date
    effective_deadline: dt.date
    overdue: bool
    status: one_of(HazardStatus)
    fixed_on_spot: bool
    rectified_on: dt.date | None
    closed_at: dt.datetime | None
    photos: list[PhotoOut]
    plan: dict | None = None
    submissions: list[dict] = []
    verifications: list[dict] = []
    extension_requests: list[ExtensionRequestOut] = []
    timeline: list[TimelineOut]
    created_at: dt.datetime
    version: Version
    risk_point_id: int | None = None
    risk_point_name: str | None = None


class HazardListItemOut(BaseModel):
    """A hazard in a list: the shape without its history."""

    id: int
    inspection_id: int | None
    enterprise_id: int
    enterprise_name: str
    campaign_id: int | None
    source: one_of(HazardSource)
    description: str
    location: str
    category: one_of(HazardCategory)
    subcategory: str
    level: one_of(HazardLevel)
    found_on: dt.date
    deadline: dt.date
    effective_deadline: dt.date
    overdue: bool
    status: one_of(HazardStatus)
    fixed_on_spot: bool
    rectified_on: dt.date | None
    version: Version
    grid_name: str | None = None  # the enterprise's grid (网格)
    community_name: str | None = None  # and its community (社区)
    risk_point_id: int | None = None
    risk_point_name: str | None = None


@dataclass
class HazardPhotoForm:
    """``file`` (JPEG/PNG/WebP, ≤ 15 MB); ``kind`` problem (default) or recheck; an
    inspector may add ``rectified`` to a hazard fixed on the spot (the after-photo)."""

    file: UploadFile
    kind: str = "problem"
