"""Factories and personas for tests: real rows through the real services.

Every call makes uniquely named rows, so tests never depend on each other's data and the
database is not wiped between tests.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass

from safety.accounts.auth import issue_token
from safety.accounts.service import NewUser, create_user
from safety.actors import SYSTEM, Actor, actor_from_user
from safety.orgs import AgencyIn, OrgUnitIn, create_agency, create_org_unit
from safety.rules import make_uscc
from safety.tables import Enterprise, User

_seq = itertools.count(1)
PASSWORD = "Test@Passw0rd"


def n() -> int:
    return next(_seq)


async def org_tree() -> dict[str, dict]:
    """A fresh street with one community and two grids."""
    i = n()
    street = await create_org_unit(SYSTEM, OrgUnitIn(name=f"测试街道{i}", kind="street"))
    community = await create_org_unit(
        SYSTEM, OrgUnitIn(name=f"社区{i}", kind="community", parent_id=street["id"])
    )
    grid1 = await create_org_unit(
        SYSTEM, OrgUnitIn(name=f"网格{i}-1", kind="grid", parent_id=community["id"])
    )
    grid2 = await create_org_unit(
        SYSTEM, OrgUnitIn(name=f"网格{i}-2", kind="grid", parent_id=community["id"])
    )
    return {"street": street, "community": community, "grid1": grid1, "grid2": grid2}


def uscc(i: int | None = None) -> str:
    """A valid code (computed check character), unique per call."""
    i = n() if i is None else i
    return make_uscc(f"91370102{i:09d}")


async def enterprise(grid_id: int, **fields) -> dict:
    """An enterprise row inserted directly (registry services come with the registry)."""
    i = n()
    row = Enterprise(
        name=fields.pop("name", f"测试企业{i}"),
        uscc=fields.pop("uscc", uscc(i)),
        org_unit=grid_id,
        industry=fields.pop("industry", "C"),
        contact_name=fields.pop("contact_name", "张三"),
        contact_phone=fields.pop("contact_phone", "13800000000"),
        **fields,
    )
    await row.save().run()
    return await Enterprise.select().where(Enterprise.id == row.id).first().run()


async def agency() -> dict:
    return await create_agency(SYSTEM, AgencyIn(name=f"测试机构{n()}"))


async def user(role: str, **links) -> dict:
    i = n()
    data = NewUser(
        username=f"{role}{i}", password=PASSWORD, role=role, display_name=f"{role} {i}", **links
    )
    created = await create_user(SYSTEM, data)
    return await User.select().where(User.id == created["id"]).first().run()


def headers(u: dict) -> dict[str, str]:
    token, _ = issue_token(u["id"], u["token_epoch"])
    return {"Authorization": f"Bearer {token}"}


def actor(u: dict) -> Actor:
    return actor_from_user(u)


@dataclass
class World:
    """Personas around two streets: 'own' objects and a 'foreign' street's objects."""

    tree: dict
    foreign_tree: dict
    agency: dict
    enterprise: dict
    foreign_enterprise: dict
    admin: dict
    officer: dict
    foreign_officer: dict
    inspector: dict
    enterprise_user: dict
    foreign_enterprise_user: dict
    # 网格员 of the own street's grid1 and of the foreign street's grid1.
    grid_worker: dict | None = None
    foreign_grid_worker: dict | None = None


async def world() -> World:
    tree = await org_tree()
    foreign = await org_tree()
    ag = await agency()
    ent = await enterprise(tree["grid1"]["id"])
    fent = await enterprise(foreign["grid1"]["id"])
    return World(
        tree=tree,
        foreign_tree=foreign,
        agency=ag,
        enterprise=ent,
        foreign_enterprise=fent,
        admin=await user("admin"),
        officer=await user("officer", org_unit_id=tree["street"]["id"]),
        foreign_officer=await user("officer", org_unit_id=foreign["street"]["id"]),
        inspector=await user("inspector", agency_id=ag["id"]),
        enterprise_user=await user("enterprise", enterprise_id=ent["id"]),
        foreign_enterprise_user=await user("enterprise", enterprise_id=fent["id"]),
        grid_worker=await user("grid_worker", org_unit_id=tree["grid1"]["id"]),
        foreign_grid_worker=await user("grid_worker", org_unit_id=foreign["grid1"]["id"]),
    )
