"""Checklist JSON API (/api/v1/checklists…). Pages: ``inspections.checklists.pages``."""

from __future__ import annotations

from typing import Any

from litestar import Router, get, post
from litestar.di import NamedDependency
from litestar.params import JSONBody

from inspections.checklists import service
from inspections.checklists.schemas import ChecklistIn, ChecklistOut
from safety.accounts.actor import ACTOR
from safety.actors import Actor
from safety.web import Limit, Offset, Page, PathId, error_responses, paging


def _out(row: dict[str, Any]) -> ChecklistOut:
    return ChecklistOut(**row)


@get(
    "/",
    summary="The current published version of each checklist template",
    responses=error_responses(400, 401, 403),
)
async def list_checklists(
    actor: NamedDependency[Actor],
    limit: Limit = None,
    offset: Offset = None,
) -> Page[ChecklistOut]:
    """One entry per template code (its highest published version), ordered by code,
    each with ``sections`` → ``items``."""
    lim, off = paging(limit, offset)
    rows, total = await service.list_current(actor, lim, off)
    return Page[ChecklistOut](items=[_out(r) for r in rows], total=total)


@get(
    "/{checklist_id:int}",
    summary="One checklist version (older versions stay readable)",
    responses=error_responses(400, 401, 403, 404),
)
async def get_checklist(actor: NamedDependency[Actor], checklist_id: PathId) -> ChecklistOut:
    return _out(await service.get_checklist(actor, checklist_id))


@post(
    "/",
    summary="Publish a checklist template (an existing code makes a new version)",
    status_code=201,
    responses=error_responses(400, 401, 403),
)
async def create_checklist(
    actor: NamedDependency[Actor], data: JSONBody[ChecklistIn]
) -> ChecklistOut:
    """Admins only. Every bad field is named by its path, e.g.
    ``sections[0].items[3].major_basis``. Content equal to the current version of the
    code publishes nothing and returns that version (same ``id`` and ``version``)."""
    done = await service.publish(actor, data.model_dump(exclude_unset=True))
    return _out(done.checklist)


router = Router(
    path="/api/v1/checklists",
    tags=["checklists"],
    dependencies=ACTOR,
    route_handlers=[list_checklists, get_checklist, create_checklist],
)
