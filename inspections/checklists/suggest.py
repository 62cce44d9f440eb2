"""Suggestions for the hazard form: the 3 current library items that read most like what
the inspector types (ranking: ``suggest_rules``), with their legal basis and default level.

The index (every item of every current published checklist) is kept in memory and rebuilt
when the library changes. Its version stamp is the published templates' (count, highest
id): a published version is never edited, every change is a new row, so a new version
always changes the stamp. One small query per request checks it; the rebuild is two more.

Who: the checklist library's readers (admin, officer, inspector, enterprise contact: an
enterprise walks its own self-inspections with the same hazard form); the grid worker
does not log hazards and gets 403, as for the library itself.
"""

from __future__ import annotations

from typing import Any

from piccolo.query.functions.aggregate import Count, Max

from inspections.checklists import suggest_rules
from inspections.checklists.service import READERS, current_ids
from inspections.tables import ChecklistItem, ChecklistTemplate
from safety.actors import Actor

_cache: dict[str, Any] = {"stamp": None, "index": []}
FIELDS = (
    "id",
    "code",
    "text",
    "legal_basis",
    "default_level",
    "major_basis",
    "category",
    "subcategory",
)


async def _stamp() -> tuple[int, int]:
    row = (
        await ChecklistTemplate.select(
            Count(ChecklistTemplate.id, alias="n"), Max(ChecklistTemplate.id, alias="top")
        )
        .where(ChecklistTemplate.published.eq(True))
        .first()
        .run()
    )
    return (row["n"] or 0, row["top"] or 0) if row else (0, 0)


async def _items() -> list[dict[str, Any]]:
    current = await current_ids()
    if not current:
        return []
    templates = {
        t["id"]: t
        for t in await ChecklistTemplate.select(
            ChecklistTemplate.id, ChecklistTemplate.code, ChecklistTemplate.name
        )
        .where(ChecklistTemplate.id.is_in(current))
        .order_by(ChecklistTemplate.code)
        .run()
    }
    rows = (
        await ChecklistItem.select(
            *(getattr(ChecklistItem, f) for f in FIELDS), ChecklistItem.template
        )
        .where(ChecklistItem.template.is_in(list(templates)))
        .order_by(ChecklistItem.template)
        .order_by(ChecklistItem.section)
        .order_by(ChecklistItem.position)
        .order_by(ChecklistItem.id)
        .run()
    )
    return [
        {
            **{f: r[f] for f in FIELDS},
            "checklist_code": templates[r["template"]]["code"],
            "checklist_name": templates[r["template"]]["name"],
        }
        for r in rows
    ]


async def index() -> list[suggest_rules.Entry]:
    """The in-memory index, rebuilt when the library's version stamp moved."""
    stamp = await _stamp()
    if _cache["stamp"] != stamp:
        _cache["index"] = suggest_rules.build(await _items())
        _cache["stamp"] = stamp
    return _cache["index"]


async def suggest(actor: Actor, query: str) -> list[dict[str, Any]]:
    """Up to 3 items, best first, each with its ``score`` (0–100); [] for a query too
    short to mean anything (see ``suggest_rules.MIN_QUERY``)."""
    actor.require(*READERS)
    if len(suggest_rules.normalise(query[: suggest_rules.MAX_QUERY])) < suggest_rules.MIN_QUERY:
        return []
    return [{**e.item, "score": s} for s, e in suggest_rules.rank(query, await index())]
