"""Patrol test helpers: reports and triages through the real services."""

from __future__ import annotations

from inspections.patrol import service
from inspections.patrol.schemas import PatrolReportIn, TriageIn
from tests import factories as f
from tests.imagegen import jpeg


async def report(worker: dict, **fields) -> dict:
    data = {"description": "消防通道堆放杂物", "address": "东门", **fields}
    return await service.submit_report(f.actor(worker), PatrolReportIn(**data))


async def report_with_photo(worker: dict, **fields) -> dict:
    r = await report(worker, **fields)
    await service.add_report_photo(f.actor(worker), r["id"], jpeg(), "scene.jpg")
    return r


HAZARD = {"action": "hazard", "level": "general", "category": "site", "subcategory": "消防"}


async def triage(officer: dict, report_id: int, **body) -> dict:
    return await service.triage(f.actor(officer), report_id, TriageIn(**body))
