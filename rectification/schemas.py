"""Rectification In/Out models (hand-written pydantic; field names as the public API)."""

from __future__ import annotations

import datetime as dt

from pydantic import BaseModel, Field

from inspections.schemas import HazardOut, PhotoOut
from rectification.tables import ExtensionStatus, VerificationResult
from safety.schemas import RowId, Text, one_of

Day = dt.date


class PlanIn(BaseModel):
    """整改方案. For a major hazard all five of 五落实 are required."""

    responsible_person: Text = Field(default="", max_length=50)
    measures: Text = Field(default="", max_length=5000)
    funds: Text = Field(default="", max_length=100)
    deadline: Day | None = None
    contingency_plan: Text = Field(default="", max_length=5000)


class PlanOut(BaseModel):
    responsible_person: str
    measures: str
    funds: str
    deadline: Day | None
    contingency_plan: str
    updated_at: dt.datetime


class SubmissionIn(BaseModel):
    """整改反馈: what was done, when, and the after-photos (ids of ``rectified`` photos
    uploaded to the hazard by the same user and not yet used)."""

    description: Text = Field(max_length=5000)
    completed_on: Day
    photo_ids: list[RowId] = Field(default_factory=list, max_length=20)


class SubmissionOut(BaseModel):
    id: int
    description: str
    completed_on: Day
    submitted_by: str
    submitted_at: dt.datetime
    photos: list[PhotoOut]


class VerificationIn(BaseModel):
    """验收/复查: ``pass`` closes the hazard; ``fail`` sends it back (the comment, then
    required, tells the enterprise why)."""

    result: one_of(VerificationResult)
    comment: Text = Field(default="", max_length=5000)


class VerificationOut(BaseModel):
    id: int
    result: one_of(VerificationResult)
    comment: str
    verified_by: str
    verified_at: dt.datetime
    submission_id: int | None


class VoidIn(BaseModel):
    reason: Text = Field(max_length=2000)


class ExtensionIn(BaseModel):
    new_deadline: Day
    reason: Text = Field(max_length=2000)


class DecisionIn(BaseModel):
    approved: bool
    comment: Text = Field(default="", max_length=2000)


class ExtensionOut(BaseModel):
    id: int
    hazard_id: int
    new_deadline: Day
    reason: str
    status: one_of(
        ExtensionStatus
    )  # pending / approved / refused / cancelled (the hazard was voided)
    decision_comment: str
    requested_by: str
    requested_at: dt.datetime
    decided_by: str | None
    decided_at: dt.datetime | None


class HazardDetailOut(HazardOut):
    """The hazard shape with its rectification: plan, submissions, verifications and
    extension requests."""

    plan: PlanOut | None = None
    submissions: list[SubmissionOut] = []  # noqa: RUF012 - a pydantic field: pydantic copies it
    verifications: list[VerificationOut] = []  # noqa: RUF012 - a pydantic field: pydantic copies it
    extension_requests: list[ExtensionOut] = []  # noqa: RUF012 - a pydantic field: pydantic copies it
