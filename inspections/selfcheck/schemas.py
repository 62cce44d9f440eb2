"""API model of a self-inspection (企业自查) request (hand-written)."""

from __future__ import annotations

from pydantic import BaseModel

from inspections.schemas import Day
from safety.schemas import RowId


class SelfInspectionIn(BaseModel):
    """A self-inspection of the caller's own enterprise with a checklist of the library.
    ``enterprise_id`` may be left out (it is the caller's); naming another enterprise is
    a 404, as for any object outside one's scope."""

    checklist_id: RowId
    scheduled_on: Day
    enterprise_id: RowId | None = None
