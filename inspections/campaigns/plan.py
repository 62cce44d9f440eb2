"""Picking a campaign's plan of enterprises on the officer's pages, and the choices their
forms offer. Read-only queries within the officer's scope; the writes are the campaign
services' (``inspections.service``), which check everything again.

Two ways to pick (the product rules: an officer plans campaigns):
- by filter: community/grid, industry, key flag, risk colour, a name/code search, always
  within the campaign's street or community (``matching_enterprises``), optionally by a
  risk-based preset (due list, red/orange not inspected for 3 months, open hazards);
- by pasting 统一社会信用代码, one per line (``resolve_codes``). A line may carry more
  than the code (a row copied from Excel: code, tab, name): its first field is taken. Every
  line that names no enterprise the plan may hold is reported with its line number and
  why: malformed, not registered, outside the officer's area, outside the campaign's unit,
  closed, or repeating an earlier line. Nothing is dropped silently; a blank line is no line.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from inspections.tables import ChecklistTemplate
from safety.actors import Actor
from safety.pages import as_int
from safety.registry import service as registry
from safety.rules import check_uscc
from safety.tables import Enterprise, OrgUnit, OrgUnitKind, Role, User

MAX_SHOWN = 500  # enterprises listed with a checkbox; "select all matching" covers the rest
_FIELD_SPLIT = re.compile(r"[\t,，;；| ]+")


@dataclass
class CodeLine:
    line: int  # 1-based, as the officer sees their text
    code: str


@dataclass
class ResolvedCodes:
    ids: list[int] = field(default_factory=list)  # in the order of the lines
    errors: list[dict[str, Any]] = field(default_factory=list)  # {"line","code","message"}


def parse_codes(text: str) -> list[CodeLine]:
    """The non-blank lines of a pasted list, each reduced to its first field, upper-cased."""
    out = []
    for number, raw in enumerate((text or "").splitlines(), start=1):
        first = _FIELD_SPLIT.split(raw.strip(), maxsplit=1)[0] if raw.strip() else ""
        if first:
            out.append(CodeLine(number, first.upper()))
    return out


async def unit_path(org_unit_id: int | None) -> str | None:
    if org_unit_id is None:
        return None
    row = await OrgUnit.select(OrgUnit.path).where(OrgUnit.id == org_unit_id).first().run()
    return row["path"] if row else None


async def resolve_codes(actor: Actor, text: str, org_unit_id: int | None) -> ResolvedCodes:
    """The enterprises named by a pasted list, and every line that names none the
    campaign (covering ``org_unit_id``) may plan."""
    actor.require(Role.officer)
    lines = parse_codes(text)
    result = ResolvedCodes()
    well_formed = {}
    for cl in lines:
        verdict = check_uscc(cl.code)
        if verdict.malformed is None:
            well_formed[verdict.code] = cl
    found: dict[str, dict] = {}
    if well_formed:
        rows = (
            await Enterprise.select(
                Enterprise.id,
                Enterprise.uscc,
                Enterprise.active,
                Enterprise.org_unit.path.as_alias("path"),
            )
            .where(Enterprise.uscc.is_in(list(well_formed)))
            .run()
        )
        found = {r["uscc"]: r for r in rows}
    scope = await registry.officer_prefix(actor)
    campaign_prefix = await unit_path(org_unit_id)
    seen: dict[int, int] = {}
    for cl in lines:
        verdict = check_uscc(cl.code)
        message = None
        row = found.get(verdict.code)
        if verdict.malformed is not None:
            message = ("campaign.codes.malformed", {"reason": verdict.malformed})
        elif row is None or scope is None or not (row["path"] or "").startswith(scope):
            # Outside the officer's area reads as unknown: existence does not leak.
            message = ("campaign.codes.unknown", {})
        elif campaign_prefix is not None and not row["path"].startswith(campaign_prefix):
            message = ("campaign.codes.outside", {})
        elif not row["active"]:
            message = ("campaign.codes.closed", {})
        elif row["id"] in seen:
            message = ("campaign.codes.repeated", {"first": seen[row["id"]]})
        if message is not None:
            result.errors.append(
                {"line": cl.line, "code": cl.code, "key": message[0], "values": message[1]}
            )
            continue
        seen[row["id"]] = cl.line
        result.ids.append(row["id"])
    return result


def enterprise_filter(params: dict[str, Any]) -> registry.EnterpriseFilter:
    """The picker's filter from form values (blank = any)."""
    key = {"1": True, "0": False}.get(str(params.get("key") or ""))
    return registry.EnterpriseFilter(
        q=params.get("q") or None,
        org_unit_id=as_int(params.get("unit")),
        industry=params.get("industry") or None,
        risk_colour=params.get("risk_colour") or None,
        key=key,
        active=True,
    )


async def matching_enterprises(
    actor: Actor, params: dict[str, Any], org_unit_id: int | None, limit: int = MAX_SHOWN
) -> tuple[list[dict], int]:
    """Active enterprises of the officer's area matching the picker's filter, limited to
    the campaign's unit when one is chosen; the first ``limit`` and the total."""
    actor.require(Role.officer)
    flt = enterprise_filter(params)
    prefix = await unit_path(org_unit_id)
    if prefix is not None and flt.org_unit_id is not None:
        # The filter's unit must lie inside the campaign's: else nothing matches.
        inner = await unit_path(flt.org_unit_id)
        if inner is None or not inner.startswith(prefix):
            return [], 0
    elif prefix is not None:
        flt.org_unit_id = org_unit_id
    preset = str(params.get("preset") or "")
    if preset:
        # A risk-based pick (inspections.risk.planning): the due list, red and orange not
        # inspected for 3 months, or enterprises with open hazards; the filter still applies.
        from inspections.risk.planning import picked

        flt.within = await picked(actor, preset)
    return await registry.list_enterprises(actor, flt, limit, 0)


async def all_matching_ids(
    actor: Actor, params: dict[str, Any], org_unit_id: int | None
) -> list[int]:
    """Every id the filter matches ("select all", beyond the rows shown)."""
    rows, _total = await matching_enterprises(actor, params, org_unit_id, limit=10**6)
    return [r["id"] for r in rows]


# ---------------------------------------------------------------- choices for the forms


async def campaign_units(actor: Actor) -> list[tuple[int, str]]:
    """The street and communities of the officer's area a campaign may cover."""
    prefix = await registry.officer_prefix(actor)
    if prefix is None:
        return []
    rows = (
        await OrgUnit.select(OrgUnit.id, OrgUnit.name, OrgUnit.kind)
        .where(
            OrgUnit.path.like(prefix + "%"),
            OrgUnit.kind.is_in([OrgUnitKind.street.value, OrgUnitKind.community.value]),
        )
        .order_by(OrgUnit.path)
        .run()
    )
    return [(r["id"], r["name"]) for r in rows]


async def agency_inspectors(agency_ids: list[int]) -> dict[int, list[dict]]:
    """The active inspectors of each agency (for a batch's expert group)."""
    if not agency_ids:
        return {}
    rows = (
        await User.select(
            User.id, User.display_name, User.username, User.agency, User.qualification
        )
        .where(
            User.role == Role.inspector.value,
            User.active.eq(True),
            User.agency.is_in(agency_ids),
        )
        .order_by(User.display_name)
        .run()
    )
    out: dict[int, list[dict]] = {a: [] for a in agency_ids}
    for r in rows:
        out[r["agency"]].append(r)
    return out


async def checklist_choices() -> list[tuple[int, str]]:
    """The current (latest published) version of each checklist template of the library,
    as (id, "name vN") for the "create the batch's inspections" form."""
    rows = (
        await ChecklistTemplate.select(
            ChecklistTemplate.id,
            ChecklistTemplate.code,
            ChecklistTemplate.name,
            ChecklistTemplate.version,
        )
        .where(ChecklistTemplate.published.eq(True))
        .order_by(ChecklistTemplate.id)
        .run()
    )
    # In the library's order (the general template first), each at its latest version.
    current: dict[str, dict] = {}
    for r in rows:
        if r["code"] not in current or r["version"] > current[r["code"]]["version"]:
            current[r["code"]] = r
    return [(r["id"], f"{r['name']} v{r['version']}") for r in current.values()]
