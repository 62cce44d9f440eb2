"""Patrol report In/Out models (hand-written pydantic v2)."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from pydantic import BaseModel, Field

from inspections.patrol.tables import (
    PatrolReport,
    PatrolReportStatus,
    ReferralDepartment,
    TriageAction,
)
from inspections.schemas import Day, LongText, ShortText
from inspections.tables import Hazard, HazardCategory, HazardFactor, HazardLevel, HazardStatus
from safety.schemas import RowId, fits, one_of
from safety.tables import AttachmentKind

Latitude = Annotated[float, Field(ge=-90, le=90)]
Longitude = Annotated[float, Field(ge=-180, le=180)]
ActionName = one_of(TriageAction)


class PatrolReportIn(BaseModel):
    """随手拍. ``org_unit_id`` is one of the grid worker's grids (default: their grid);
    ``enterprise_id`` (optional: a report may be about a street corner) an enterprise of
    that grid; ``lat``/``lng`` only when the phone shared its position."""

    org_unit_id: RowId | None = None
    enterprise_id: RowId | None = None
    address: fits(PatrolReport.address) = ""
    description: LongText
    lat: Latitude | None = None
    lng: Longitude | None = None


class TriageIn(BaseModel):
    """研判: ``hazard`` (the hazard fields; ``enterprise_id`` when the report names none;
    ``description``/``location`` default to the report's), ``dismiss`` (``reason``),
    ``refer`` (``to`` a department, ``reason`` the note) or ``duplicate``
    (``duplicate_of``: an already triaged report; this one shares its fate)."""

    action: ActionName
    reason: ShortText = ""
    to: fits(PatrolReport.triage_to) = ""
    duplicate_of: RowId | None = None
    enterprise_id: RowId | None = None
    description: LongText | None = None
    location: fits(Hazard.location) | None = None
    level: one_of(HazardLevel, optional=True) = None
    category: one_of(HazardCategory, optional=True) = None
    subcategory: fits(Hazard.subcategory) = "其他"
    factor: one_of(HazardFactor, optional=True) = None
    legal_basis: ShortText = ""
    major_basis: ShortText = ""
    suggestion: ShortText = ""
    deadline: Day | None = None


class PatrolPhotoOut(BaseModel):
    id: int
    kind: one_of(AttachmentKind)
    url: str
    thumbnail_url: str | None


class TriageOut(BaseModel):
    action: one_of(TriageAction)
    reason: str
    to: str | None  # the department, for a referral (and a duplicate of one); else null
    by: str | None
    at: dt.datetime | None
    duplicate_of: int | None = None


class PatrolReportOut(BaseModel):
    id: int
    status: one_of(PatrolReportStatus)
    org_unit_id: int
    org_unit_name: str = ""
    enterprise_id: int | None
    enterprise_name: str | None = None
    address: str
    description: str
    lat: float | None = None
    lng: float | None = None
    photos: list[PatrolPhotoOut]
    reported_by: int
    reported_by_name: str = ""
    reported_at: dt.datetime
    hazard_id: int | None
    hazard_status: one_of(HazardStatus, optional=True)
    triage: TriageOut | None


class DepartmentIn(BaseModel):
    name: fits(ReferralDepartment.name)
    active: bool = True
    position: Annotated[int, Field(ge=0, le=10000)] = 0


class DepartmentPatch(BaseModel):
    name: fits(ReferralDepartment.name) | None = None
    active: bool | None = None
    position: Annotated[int, Field(ge=0, le=10000)] | None = None


class DepartmentOut(BaseModel):
    id: int
    name: str
    active: bool
    position: int
