"""Risk point and planning JSON models (hand-written pydantic v2)."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field

from safety.schemas import RowId, Text, Version, one_of
from safety.tables import ControlTier, RiskColour, RiskMethod

Name = Annotated[Text, Field(max_length=200)]
Person = Annotated[Text, Field(max_length=50)]
LongText = Annotated[Text, Field(max_length=4000)]
# Scale values: the service names a value off its scale (400); these bounds only keep
# absurd numbers out of the database.
ScaleValue = Annotated[float, Field(ge=-1_000_000, le=1_000_000)]


class ControlMeasures(BaseModel):
    """Control measures by kind (管控措施): 工程技术 / 管理 / 培训教育 / 个体防护 / 应急处置.
    An unknown kind is a 400 naming it."""

    model_config = ConfigDict(extra="forbid")

    engineering: LongText | None = None
    management: LongText | None = None
    training: LongText | None = None
    ppe: LongText | None = None
    emergency: LongText | None = None


class RiskPointIn(BaseModel):
    """A risk point. ``method`` LEC: ``likelihood`` L ∈ {10,6,3,1,0.5,0.2,0.1},
    ``exposure`` E ∈ {10,6,3,2,1,0.5}, ``consequence`` C ∈ {100,40,15,7,3,1}; LS:
    ``likelihood`` and ``severity`` ∈ 1..5. ``accident_types``: GB 6441 names (触电, 火灾 …).
    ``control_tier``: company / workshop / team / post (a red point: company, with a
    ``responsible_person``). Score, level and colour are computed."""

    name: Name | None = None
    hazard_factors: LongText | None = None
    accident_types: (
        Annotated[list[Annotated[Text, Field(max_length=20)]], Field(max_length=20)] | None
    ) = None
    method: Annotated[Text, Field(max_length=8)] | None = None
    likelihood: ScaleValue | None = None
    exposure: ScaleValue | None = None
    consequence: ScaleValue | None = None
    severity: ScaleValue | None = None
    control_measures: ControlMeasures | None = None
    control_tier: Annotated[Text, Field(max_length=16)] | None = None
    responsible_person: Person | None = None
    review_on: dt.date | None = None


class RiskPointPatch(RiskPointIn):
    """Only the fields sent change; ``active: false`` retires the point. ``version`` is the
    one the client read: a stale one is refused with 409."""

    active: bool | None = None
    version: Version


class ControlMeasuresOut(BaseModel):
    engineering: str
    management: str
    training: str
    ppe: str
    emergency: str


class RiskPointOut(BaseModel):
    id: int
    enterprise_id: int
    enterprise_name: str | None
    name: str
    hazard_factors: str
    accident_types: list[str]
    method: one_of(RiskMethod)
    likelihood: float
    exposure: float | None
    consequence: float | None
    severity: float | None
    score: float
    level: str
    colour: one_of(RiskColour)
    control_measures: ControlMeasuresOut
    control_tier: one_of(ControlTier)
    responsible_person: str
    review_on: dt.date | None
    active: bool
    version: Version
    created_at: dt.datetime
    updated_at: dt.datetime


class RiskPointListOut(BaseModel):
    """The enterprise's points (``{"items","total"}``) with its derived colour and the
    counts per colour of its active points."""

    items: list[RiskPointOut]
    total: int
    enterprise_colour: one_of(RiskColour, optional=True)
    counts: dict[str, int]


class RiskImportErrorOut(BaseModel):
    row: int
    field: str
    message: str
    message_en: str = ""
    column: str


class RiskImportOut(BaseModel):
    created: int
    updated: int
    unchanged: int
    errors: list[RiskImportErrorOut]
    enterprise_colour: one_of(RiskColour, optional=True)


class BookingOut(BaseModel):
    """Already planned (已安排) in a campaign that has not ended: an open inspection
    (``inspection_id``, ``starts_on`` = ``ends_on`` = its day), or a place in the plan (its
    batch's window, else the campaign's period; ``inspection_id`` null)."""

    campaign_id: int
    campaign_name: str
    inspection_id: int | None
    starts_on: dt.date
    ends_on: dt.date


class DueOut(BaseModel):
    """One enterprise of the due list. ``status``: never (never inspected), overdue, due
    (within ``within_days``), later (only when ``due_only=false``)."""

    enterprise_id: int
    enterprise_name: str
    org_unit_id: int | None
    grid_name: str | None
    community_name: str | None
    industry: str | None
    is_key: bool
    colour: one_of(RiskColour, optional=True)
    frequency_months: int
    last_inspected_on: dt.date | None
    due_on: dt.date | None
    status: str
    days_overdue: int
    booked: BookingOut | None = None


class PickOut(BaseModel):
    preset: str
    enterprise_ids: list[RowId]
