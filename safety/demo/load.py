"""The demo data set: 怡园街道 (24 communities, 120 grids), one agency, ~110 enterprises and
one account per role, read from fixtures/demo/*.json (made by fixtures/demo/make_demo.py),
and a live campaign whose inspections are due today (safety/demo/campaign.py,
fixtures/demo/campaign.json), after the street's past campaigns (safety/demo/history.py,
fixtures/demo/history.json).

``load_demo`` loads it only into an empty database (no users and no org units), in one
write transaction, through the same services an admin uses, so org-unit paths and the
audit trail are exactly what the application would have made.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

from safety import audit
from safety.accounts.service import NewUser, create_user
from safety.actors import SYSTEM
from safety.db import write_transaction
from safety.demo.campaign import load_campaign
from safety.demo.history import load_history
from safety.demo.patrol import PATROL_LOGINS, seed_patrol
from safety.demo.patrol_log import seed_patrol_month
from safety.demo.selfcheck import load_self_inspections
from safety.orgs import AgencyIn, OrgUnitIn, create_agency, create_org_unit
from safety.tables import Enterprise, OrgUnit, User

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "demo"


def _read(name: str) -> Any:
    return json.loads((FIXTURES / name).read_text(encoding="utf-8"))


_PEOPLE = _read("people.json")

# (role, username, password) of the demo accounts, printed by ``safety demo``.
DEMO_LOGINS: list[tuple[str, str, str]] = [
    (u["role"], u["username"], u["password"]) for u in _PEOPLE["users"]
]
DEMO_LOGINS += PATROL_LOGINS  # 网格员 (safety/demo/patrol.py)


async def _is_empty() -> bool:
    return not (await User.exists().run() or await OrgUnit.exists().run())


async def _unit(name: str, kind: str, parent: dict | None, code: str | None) -> dict:
    data = OrgUnitIn(name=name, kind=kind, parent_id=parent["id"] if parent else None, code=code)
    return await create_org_unit(SYSTEM, data)


async def _load_org_units() -> dict[str, dict]:
    """The tree, returned by name (names are unique in the demo)."""
    spec = _read("org_units.json")
    district = await _unit(spec["district"]["name"], "district", None, spec["district"]["code"])
    street = await _unit(spec["street"]["name"], "street", district, spec["street"]["code"])
    units = {district["name"]: district, street["name"]: street}
    for c in spec["communities"]:
        community = await _unit(c["name"], "community", street, c["code"])
        units[community["name"]] = community
        for g in c["grids"]:
            units[g["name"]] = await _unit(g["name"], "grid", community, g["code"])
    return units


async def _load_enterprises(units: dict[str, dict]) -> dict[str, int]:
    """Insert the enterprises in one statement, then audit each; returns uscc → id."""
    rows = _read("enterprises.json")
    await Enterprise.insert(
        *[
            Enterprise(
                name=e["name"],
                uscc=e["uscc"],
                industry=e["industry"],
                industry_detail=e["industry_detail"],
                scale=e["scale"],
                address=e["address"],
                org_unit=units[e["grid"]]["id"],
                legal_representative=e["legal_representative"],
                contact_name=e["contact_name"],
                contact_phone=e["contact_phone"],
                is_key=e["is_key"],
                standardisation_level=e["standardisation_level"],
                standardisation_date=(
                    dt.date.fromisoformat(e["standardisation_date"])
                    if e["standardisation_date"]
                    else None
                ),
            )
            for e in rows
        ]
    ).run()
    stored = (
        await Enterprise.select()
        .where(Enterprise.uscc.is_in([e["uscc"] for e in rows]))
        .order_by(Enterprise.id)
        .run()
    )
    for row in stored:
        await audit.record(SYSTEM, "enterprise.create", "enterprise", row["id"], after=row)
    return {row["uscc"]: row["id"] for row in stored}


async def _load_people(units: dict[str, dict], enterprise_ids: dict[str, int]) -> None:
    agency = await create_agency(SYSTEM, AgencyIn(**_PEOPLE["agency"]))
    for u in _PEOPLE["users"]:
        await create_user(
            SYSTEM,
            NewUser(
                username=u["username"],
                password=u["password"],
                role=u["role"],
                display_name=u["display_name"],
                org_unit_id=units[u["org_unit"]]["id"] if u.get("org_unit") else None,
                agency_id=agency["id"] if u.get("agency") else None,
                enterprise_id=(
                    enterprise_ids[u["enterprise_uscc"]] if u.get("enterprise_uscc") else None
                ),
                qualification=u.get("qualification"),
                specialty=u.get("specialty"),
                phone=u.get("phone"),
            ),
        )


async def load_demo() -> bool:
    """Load the demo data if the database is empty; return whether it was loaded. All or
    nothing: one transaction (the services' own transactions join it)."""
    async with write_transaction():
        if not await _is_empty():
            return False
        units = await _load_org_units()
        enterprise_ids = await _load_enterprises(units)
        await _load_people(units, enterprise_ids)
        await load_history()
        await load_campaign()
        # Risk registers (safety.demo.risk): key enterprises in full, others a few.
        from safety.demo.risk import load_risk_points

        demo_uscc = next(
            (u["enterprise_uscc"] for u in _PEOPLE["users"] if u.get("enterprise_uscc")), ""
        )
        await load_risk_points(demo_uscc=demo_uscc)
        await load_self_inspections()
        # 网格日志 and a month of triaged reports for those grid workers.
        await seed_patrol_month(await seed_patrol())
    return True
