"""The figures' JSON shapes (hand-written pydantic models)."""

from __future__ import annotations

import datetime as dt

from pydantic import BaseModel


class Fraction(BaseModel):
    """A rate's exact numerator and denominator (display rounds; the API does not)."""

    numerator: int
    denominator: int


class HazardFigures(BaseModel):
    hazards_found: int
    hazards_major: int
    hazards_general: int
    hazards_closed: int
    hazards_major_closed: int
    hazards_general_closed: int
    hazards_closed_on_time: int
    hazards_overdue: int
    hazards_open: int
    rectification_rate: float | None
    major_rectification_rate: float | None
    general_rectification_rate: float | None
    on_time_rate: float | None
    fractions: dict[str, Fraction]


class CampaignFigures(HazardFigures):
    enterprises_planned: int
    enterprises_inspected: int
    inspection_completion_rate: float | None


class CampaignGroupOut(CampaignFigures):
    key: int | str | None
    label: str


class HazardGroupOut(HazardFigures):
    key: int | str | None
    label: str


class CampaignStatsOut(CampaignFigures):
    """The campaign's figures as of ``as_of`` (totals), and ``groups`` with ``group_by``."""

    campaign_id: int
    campaign_name: str
    as_of: dt.date
    group_by: str | None = None
    groups: list[CampaignGroupOut] | None = None


class OrgUnitStatsOut(HazardFigures):
    """An org unit subtree's hazard figures (all campaigns and sources) as of ``as_of``."""

    org_unit_id: int
    org_unit_name: str
    as_of: dt.date
    found_from: dt.date | None = None  # ?from=
    found_to: dt.date | None = None  # ?to=
    source: str | None = None
    by_source: list[HazardGroupOut]
    group_by: str | None = None
    groups: list[HazardGroupOut] | None = None


class CampaignEnterpriseOut(BaseModel):
    id: int
    name: str
    uscc: str
    industry: str | None
    grid_id: int | None
    grid_name: str | None
    community_id: int | None
    community_name: str | None
    inspected: bool
