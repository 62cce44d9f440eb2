"""Risk-based inspection planning and the officer's colour map.

Due list: each active enterprise of the officer's subtree has a suggested inspection
frequency by its colour (settings ``SAFETY_RISK_INSPECT_MONTHS``: red monthly, orange
quarterly, yellow half-yearly, blue yearly, 未评估 quarterly). ``last_inspected_on`` is the
local day of its latest *submitted* inspection of kind ``campaign`` (the street's own and
the third-party experts' inspections, whatever the campaign kind); an enterprise's
self-inspections (kind ``self``) do not count: the frequency is the street's supervision,
which an enterprise cannot satisfy by inspecting itself. ``due_on`` = last + the months
(clamped to the month's end); never inspected: ``due_on`` null, status ``never``, listed
first. A row is listed when it is ``never``, ``overdue`` (due before today) or ``due``
(within ``within_days``, default 30), unless ``due_only`` is off (the campaign pickers).

Colour map: active enterprises by community × industry section, with counts per colour
(one SQL GROUP BY), each cell coloured by its worst colour and opening its enterprises in
the registry list.
"""

from __future__ import annotations

import datetime as dt
from functools import lru_cache
from typing import Any

from piccolo.columns.combination import WhereRaw
from piccolo.query.functions.aggregate import Count
from piccolo.query.methods.select import SelectRaw

from inspections.hazard_figures import AsOf
from inspections.risk.rules import (
    COLOURS,
    UNRATED,
    add_months,
    due_on,
    due_status,
    parse_frequencies,
    worst_colour,
)
from inspections.services.scope import is_row_id, officer_units
from inspections.tables import Hazard, InspectionKind, InspectionState
from safety.actors import Actor
from safety.db import is_sqlite
from safety.errors import ValidationFailed
from safety.orgs import subtree_ids
from safety.settings import get_settings, local_today
from safety.tables import (
    Enterprise,
    Role,
)

DEFAULT_WITHIN_DAYS = 30
PRESETS = ("due", "red_orange_stale", "open_hazards")
STALE_DAYS = 90  # "red and orange not inspected for 3 months"
OPEN_STATUSES = ("pending", "rectifying", "submitted")
ONE_DAY = dt.timedelta(days=1)


@lru_cache
def _frequencies(text: str) -> dict[str, int]:
    return parse_frequencies(text)


def frequencies() -> dict[str, int]:
    """Months between inspections per colour (and ``none`` = 未评估), from settings."""
    return _frequencies(get_settings().risk_inspect_months)


def parse_colours(raw: str | list[str] | None) -> list[str] | None:
    """``red,orange`` (or repeated values) → the colours; ``none`` = 未评估; 400 otherwise."""
    if raw is None or raw == "" or raw == []:
        return None
    parts = raw if isinstance(raw, list) else [raw]
    colours = [c.strip() for p in parts for c in str(p).split(",") if c.strip()]
    bad = [c for c in colours if c not in (*COLOURS, UNRATED)]
    if bad:
        raise ValidationFailed.field(
            "colour", f"colour 须为 red/orange/yellow/blue/none，收到 {'、'.join(bad)}"
        )
    return colours or None


async def _scope(actor: Actor, org_unit_id: int | None) -> list:
    actor.require(Role.officer)
    units = await officer_units(actor)
    if units is None:
        return [Enterprise.id == -1]
    conditions = [Enterprise.org_unit.is_in(units), Enterprise.active.eq(True)]
    if org_unit_id is not None:
        sub = await subtree_ids(org_unit_id) if is_row_id(org_unit_id) else []
        if not sub:
            return [Enterprise.id == -1]
        conditions.append(Enterprise.org_unit.is_in(sub))
    return conditions


def _local_day(value: Any) -> dt.date | None:
    if value is None:
        return None
    if isinstance(value, str):
        value = dt.datetime.fromisoformat(value)
    if value.tzinfo is None:  # SQLite may hand back naive UTC
        value = value.replace(tzinfo=dt.UTC)
    return local_today(value)


# The local day of the enterprise's last submitted campaign inspection, as SQL over the
# ``enterprise`` table (NULL: never inspected).
_LAST = (
    "(SELECT MAX(i.submitted_at) FROM inspection i WHERE i.enterprise = enterprise.id"  # noqa: S608 - enum values, no input
    f" AND i.state = '{InspectionState.submitted.value}'"
    f" AND i.kind = '{InspectionKind.campaign.value}')"
)


def _inspected_after(day: dt.date) -> str:
    """SQL: the last inspection was after local ``day`` (NULL when never inspected)."""
    end = AsOf.make(day, get_settings().timezone, is_sqlite()).instant()
    return f"{_LAST} >= {end}"


def last_day_due(limit: dt.date, months: int) -> dt.date:
    """The latest day of a last inspection whose ``due_on`` falls on or before ``limit``
    (``due_on`` is monotonic in the day; clamped month ends make it many-to-one)."""
    day = add_months(limit, -months)
    while due_on(day + ONE_DAY, months) <= limit:  # type: ignore[operator]
        day += ONE_DAY
    while due_on(day, months) > limit:  # type: ignore[operator]
        day -= ONE_DAY
    return day


def _listed(today: dt.date, within_days: int | None, not_inspected_days: int | None) -> list:
    """The due list's tests in SQL, exactly ``due_status`` and the days since the last
    inspection: due (never inspected, or ``due_on`` within ``within_days`` of today, by
    the colour's frequency) unless ``within_days`` is None; not inspected after
    ``today - not_inspected_days`` when given."""
    out = []
    if within_days is not None:
        limit = today + dt.timedelta(days=within_days)
        months = frequencies()
        cases = " ".join(
            f"WHEN '{c}' THEN {_inspected_after(last_day_due(limit, months[c]))}" for c in COLOURS
        )
        unrated = _inspected_after(last_day_due(limit, months[UNRATED]))
        out.append(
            WhereRaw(f"NOT COALESCE(CASE enterprise.risk_colour {cases} ELSE {unrated} END, FALSE)")
        )
    if not_inspected_days is not None:
        since = today - dt.timedelta(days=not_inspected_days)
        out.append(WhereRaw(f"NOT COALESCE({_inspected_after(since)}, FALSE)"))
    return out


async def due_rows(
    actor: Actor,
    colours: list[str] | None = None,
    org_unit_id: int | None = None,
    not_inspected_days: int | None = None,
    within_days: int = DEFAULT_WITHIN_DAYS,
    due_only: bool = True,
    today: dt.date | None = None,
    enterprise_ids: list[int] | None = None,
) -> list[dict[str, Any]]:
    """The planning rows (officer), most urgent first: never inspected, then by due date.
    ``enterprise_ids``: only these (e.g. the rows of a form), read in the same query."""
    errors = []
    if not_inspected_days is not None and not 0 <= not_inspected_days <= 36500:
        errors.append({"key": "not_inspected_days", "message": "not_inspected_days 须为 0..36500"})
    if not 0 <= within_days <= 3650:
        errors.append({"key": "within_days", "message": "within_days 须为 0..3650"})
    if errors:
        raise ValidationFailed("筛选条件有误", errors)
    conditions = await _scope(actor, org_unit_id)
    if enterprise_ids is not None:
        conditions.append(Enterprise.id.is_in(enterprise_ids or [-1]))
    if colours:
        wanted = [c for c in colours if c != UNRATED]
        parts = [Enterprise.risk_colour.is_in(wanted)] if wanted else []
        if UNRATED in colours:
            parts.append(Enterprise.risk_colour.is_null())
        either = parts[0]
        for p in parts[1:]:
            either = either | p
        conditions.append(either)
    today = today or local_today()
    conditions += _listed(today, within_days if due_only else None, not_inspected_days)
    enterprises = (
        await Enterprise.select(
            Enterprise.id,
            Enterprise.name,
            Enterprise.industry,
            Enterprise.is_key,
            Enterprise.risk_colour,
            Enterprise.org_unit,
            Enterprise.org_unit.name.as_alias("grid_name"),
            Enterprise.org_unit.parent.name.as_alias("community_name"),
            SelectRaw(f"{_LAST} AS last"),
        )
        .where(*conditions)
        .run()
    )
    months = frequencies()
    rows = []
    for e in enterprises:
        colour = e["risk_colour"]
        every = months[colour or UNRATED]
        last = _local_day(e["last"])
        due = due_on(last, every)
        status = due_status(due, today, within_days)
        rows.append(
            {
                "enterprise_id": e["id"],
                "enterprise_name": e["name"],
                "org_unit_id": e["org_unit"],
                "grid_name": e["grid_name"],
                "community_name": e["community_name"],
                "industry": e["industry"],
                "is_key": e["is_key"],
                "colour": colour,
                "frequency_months": every,
                "last_inspected_on": last,
                "due_on": due,
                "status": status or "later",
                "days_overdue": (today - due).days if due and due < today else 0,
            }
        )
    order = {c: i for i, c in enumerate((*COLOURS, None))}
    rows.sort(
        key=lambda r: (
            r["due_on"] is not None,
            r["due_on"] or dt.date.min,
            order[r["colour"]],
            r["enterprise_name"],
        )
    )
    return rows


async def pick_enterprises(actor: Actor, preset: str, org_unit_id: int | None = None) -> list[int]:
    """Enterprise ids for a campaign or batch plan (officer):
    ``due`` — the due list; ``red_orange_stale`` — red and orange not inspected for 3
    months (or never); ``open_hazards`` — with open hazards (pending, rectifying or waiting
    for verification; the overdue ones are among them)."""
    if preset not in PRESETS:
        raise ValidationFailed.field("preset", f"preset 须为 {'/'.join(PRESETS)}")
    if preset == "due":
        return [r["enterprise_id"] for r in await due_rows(actor, org_unit_id=org_unit_id)]
    if preset == "red_orange_stale":
        rows = await due_rows(
            actor,
            colours=["red", "orange"],
            org_unit_id=org_unit_id,
            not_inspected_days=STALE_DAYS,
            due_only=False,
        )
        return [r["enterprise_id"] for r in rows]
    query = await picked(actor, preset, org_unit_id)
    return [r["id"] for r in await query.order_by(Enterprise.id).run()]


async def picked(actor: Actor, preset: str, org_unit_id: int | None = None) -> Any:
    """The enterprises of ``pick_enterprises`` as a sub-select of their ids (for a list
    that filters them further and pages in SQL)."""
    if preset not in PRESETS:
        raise ValidationFailed.field("preset", f"preset 须为 {'/'.join(PRESETS)}")
    conditions = await _scope(actor, org_unit_id)
    if preset == "due":
        conditions += _listed(local_today(), DEFAULT_WITHIN_DAYS, None)
    elif preset == "red_orange_stale":
        conditions.append(Enterprise.risk_colour.is_in(["red", "orange"]))
        conditions += _listed(local_today(), None, STALE_DAYS)
    else:
        open_ones = Hazard.select(Hazard.enterprise).where(Hazard.status.is_in(list(OPEN_STATUSES)))
        conditions.append(Enterprise.id.is_in(open_ones))
    return Enterprise.select(Enterprise.id).where(*conditions)


async def colour_map(actor: Actor, org_unit_id: int | None = None) -> dict[str, Any]:
    """Community × industry counts per colour (``none`` = 未评估) of the officer's active
    enterprises: {"communities": [{"id","name"}], "industries": [letter|None],
    "cells": {(community_id, industry): {"counts": {...}, "total", "worst"}}, "totals"}."""
    conditions = await _scope(actor, org_unit_id)
    community = Enterprise.org_unit.parent
    rows = (
        await Enterprise.select(
            community.id.as_alias("community_id"),
            community.name.as_alias("community_name"),
            community.path.as_alias("community_path"),
            Enterprise.industry,
            Enterprise.risk_colour,
            Count(alias="n"),
        )
        .where(*conditions)
        .group_by(
            community.id,
            community.name,
            community.path,
            Enterprise.industry,
            Enterprise.risk_colour,
        )
        .run()
    )
    communities: dict[int, dict] = {}
    industries: set[str | None] = set()
    cells: dict[tuple[int, str | None], dict] = {}
    totals = {c: 0 for c in (*COLOURS, UNRATED)}
    for r in rows:
        cid = r["community_id"]
        communities[cid] = {
            "id": cid,
            "name": r["community_name"] or "—",
            "path": r["community_path"] or "",
        }
        industries.add(r["industry"])
        cell = cells.setdefault(
            (cid, r["industry"]), {"counts": {c: 0 for c in (*COLOURS, UNRATED)}, "total": 0}
        )
        key = r["risk_colour"] or UNRATED
        cell["counts"][key] += r["n"]
        cell["total"] += r["n"]
        totals[key] += r["n"]
    for cell in cells.values():
        cell["worst"] = worst_colour([c for c, n in cell["counts"].items() if n]) or UNRATED
    return {
        "communities": sorted(communities.values(), key=lambda c: (c["path"], c["name"])),
        "industries": sorted(industries, key=lambda i: (i is None, i or "")),
        "cells": cells,
        "totals": totals,
    }
