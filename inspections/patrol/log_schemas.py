"""API models of the patrol log (网格日志), hand-written."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from pydantic import BaseModel, Field

from inspections.patrol.log_rules import NOTES_MAX
from safety.schemas import RowId, Text


class PatrolLogIn(BaseModel):
    """One grid worker's day in one grid. A second entry for the same worker, grid and day
    is merged into the first: the visited enterprises are joined, the notes appended."""

    org_unit_id: RowId = Field(description="The grid (one of the worker's own)")
    date: dt.date = Field(description="The day walked, not after today")
    visited_enterprise_ids: Annotated[list[RowId], Field(max_length=500)] = []
    notes: Annotated[Text, Field(max_length=NOTES_MAX)] = ""


class VisitedOut(BaseModel):
    id: int
    name: str


class PatrolLogOut(BaseModel):
    id: int
    org_unit_id: int
    org_unit_name: str
    date: dt.date
    worker_id: int
    worker_name: str
    visited_enterprise_ids: list[int]
    visited_enterprises: list[VisitedOut]
    notes: str
    version: int
    created_at: dt.datetime
    updated_at: dt.datetime
    merged: bool = Field(
        default=False, description="True when this entry was merged into the day's log"
    )


class UnvisitedOut(BaseModel):
    """An enterprise in scope with no logged visit in the last ``days`` days."""

    enterprise_id: int
    enterprise_name: str
    address: str | None
    org_unit_id: int
    org_unit_name: str
    last_visited_on: dt.date | None
    days_since: int | None = Field(description="Days since the last visit; null: never")
