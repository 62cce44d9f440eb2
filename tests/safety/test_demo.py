"""``safety demo``: the seeded 怡园街道 data set, loaded once into an empty database.

The shared test database is never empty, so the loader runs as a real ``safety demo
--no-serve`` process against a database of its own: a fresh SQLite file, and also a fresh
PostgreSQL database when the suite runs on PostgreSQL.
"""

from __future__ import annotations

import asyncio
import json
import os
import sqlite3
import sys
import uuid
from pathlib import Path

import asyncpg
import pytest

from safety.accounts.auth import verify_password_sync
from safety.demo.load import DEMO_LOGINS, FIXTURES
from safety.rules import check_uscc, password_problems
from safety.settings import local_today
from tests.conftest import ENGINE

SAFETY = Path(sys.executable).with_name("safety")

COUNTS = {
    "communities": "SELECT count(*) FROM org_unit WHERE kind = 'community'",
    "grids": "SELECT count(*) FROM org_unit WHERE kind = 'grid'",
    "streets": "SELECT count(*) FROM org_unit WHERE kind = 'street'",
    "enterprises": "SELECT count(*) FROM enterprise",
    "key_enterprises": "SELECT count(*) FROM enterprise WHERE is_key",
    "users": "SELECT count(*) FROM app_user",
    "agencies": "SELECT count(*) FROM agency",
    "audit_events": "SELECT count(*) FROM audit_event",
}


async def safety_demo(database_url: str, tmp_path: Path) -> str:
    env = dict(os.environ, DATABASE_URL=database_url, SAFETY_DATA_DIR=str(tmp_path / "data"))
    proc = await asyncio.create_subprocess_exec(
        str(SAFETY),
        "demo",
        "--no-serve",
        cwd=tmp_path,
        env=env,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.STDOUT,
    )
    # The demo makes its history through the services (a few hundred inspections and
    # hazards): allow for a busy shared machine.
    out, _ = await asyncio.wait_for(proc.communicate(), timeout=600)
    text = out.decode()
    assert proc.returncode == 0, text
    return text


class SqliteDb:
    def __init__(self, tmp_path: Path):
        self.path = tmp_path / "demo.sqlite3"
        self.url = f"sqlite:///{self.path}"

    async def query(self, sql: str) -> list[tuple]:
        with sqlite3.connect(self.path) as conn:
            return conn.execute(sql).fetchall()


class PostgresDb:
    """A database created for the test on the server of the test database, then dropped."""

    def __init__(self):
        self.admin_url = os.environ["DATABASE_URL"]
        self.name = f"safety_demo_{uuid.uuid4().hex[:12]}"
        self.url = self.admin_url.rsplit("/", 1)[0] + "/" + self.name

    async def create(self) -> None:
        conn = await asyncpg.connect(self.admin_url)
        try:
            await conn.execute(f'CREATE DATABASE "{self.name}"')
        finally:
            await conn.close()

    async def drop(self) -> None:
        conn = await asyncpg.connect(self.admin_url)
        try:
            await conn.execute(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)')
        finally:
            await conn.close()

    async def query(self, sql: str) -> list[tuple]:
        conn = await asyncpg.connect(self.url)
        try:
            return [tuple(r) for r in await conn.fetch(sql)]
        finally:
            await conn.close()


async def counts(db) -> dict[str, int]:
    return {key: (await db.query(sql))[0][0] for key, sql in COUNTS.items()}


ENGINES = ["sqlite", "postgresql"] if ENGINE == "postgresql" else ["sqlite"]
# The module's fixture runs `safety demo` (its history included) once per engine.
pytestmark = pytest.mark.timeout(900)


@pytest.fixture(scope="module", params=ENGINES)
async def demo_db(request, tmp_path_factory):
    """A fresh database on which ``safety demo --no-serve`` ran once (its output kept)."""
    tmp = tmp_path_factory.mktemp("demo")
    db = SqliteDb(tmp) if request.param == "sqlite" else PostgresDb()
    if request.param == "postgresql":
        await db.create()
    try:
        db.first_output = await safety_demo(db.url, tmp)
        db.tmp = tmp
        yield db
    finally:
        if request.param == "postgresql":
            await db.drop()


async def test_it_loads_the_street_into_an_empty_database_once(demo_db):
    assert "demo data loaded" in demo_db.first_output
    loaded = await counts(demo_db)
    assert loaded["streets"] == 1
    assert loaded["communities"] == 24
    assert loaded["grids"] == 120
    assert loaded["enterprises"] >= 100
    assert loaded["key_enterprises"] == 5
    assert loaded["users"] >= 4
    assert loaded["agencies"] == 1

    again = await safety_demo(demo_db.url, demo_db.tmp)
    assert "database not empty" in again
    assert await counts(demo_db) == loaded


async def test_demo_rows_are_valid_and_placed_in_the_tree(demo_db):
    codes = await demo_db.query("SELECT uscc FROM enterprise")
    assert codes and all(check_uscc(c).acceptable for (c,) in codes)
    # Every enterprise sits in a grid of 怡园街道, every grid in one of its communities.
    placed = await demo_db.query(
        "SELECT count(*) FROM enterprise e JOIN org_unit g ON g.id = e.org_unit "
        "JOIN org_unit s ON g.path LIKE s.path || '%' "
        "WHERE g.kind = 'grid' AND s.kind = 'street' AND s.name = '怡园街道'"
    )
    assert placed[0][0] == (await counts(demo_db))["enterprises"]
    grids = await demo_db.query(
        "SELECT g.name, c.name FROM org_unit g JOIN org_unit c ON c.id = g.parent "
        "WHERE g.kind = 'grid'"
    )
    assert all(
        g.startswith(c) and g[len(c) :] in {f"第{k}网格" for k in range(1, 6)} for g, c in grids
    )
    names = {n for (n,) in await demo_db.query("SELECT name FROM org_unit")}
    assert {"寨北社区", "后峰西社区", "东涝台社区", "卧龙山社区"} <= names
    levels = await demo_db.query(
        "SELECT standardisation_level, standardisation_date FROM enterprise WHERE is_key"
    )
    assert {lvl for lvl, _ in levels} <= {"level3", "level2"}
    assert all(day is not None for _, day in levels)


async def test_demo_logins_work_and_are_linked(demo_db):
    users = {
        r[0]: r
        for r in await demo_db.query(
            "SELECT username, role, password_hash, org_unit, agency, enterprise, qualification "
            "FROM app_user"
        )
    }
    roles = set()
    for role, username, password in DEMO_LOGINS:
        assert password_problems(password, username) == []
        _, stored_role, password_hash, org_unit, agency, enterprise, qualification = users[username]
        assert stored_role == role
        assert verify_password_sync(password_hash, password)
        roles.add(role)
        if role == "officer":
            assert org_unit is not None
        if role == "inspector":
            assert agency is not None and qualification.startswith("注册安全工程师")
        if role == "enterprise":
            assert enterprise is not None
        if role == "grid_worker":
            assert org_unit is not None  # linked to a grid (or a community)
    assert roles == {"admin", "officer", "inspector", "enterprise", "grid_worker"}
    street_officer = await demo_db.query(
        "SELECT o.name FROM app_user u JOIN org_unit o ON o.id = u.org_unit "
        "WHERE u.username = 'officer'"
    )
    assert street_officer == [("怡园街道",)]


def test_committed_fixtures_are_what_the_generator_makes(tmp_path):
    sys.path.insert(0, str(FIXTURES))
    try:
        import make_demo
    finally:
        sys.path.remove(str(FIXTURES))
    for written in make_demo.write(tmp_path):
        committed = FIXTURES / written.name
        assert json.loads(written.read_text()) == json.loads(committed.read_text()), written.name


async def test_the_demo_inspector_has_work_today_in_a_live_campaign(demo_db):
    """Today in SAFETY_TIMEZONE, as the loader computed it (the test runs the same day)."""
    today = local_today().isoformat()
    live = "i.campaign = (SELECT id FROM campaign WHERE name = '2026年冬季安全生产大检查')"
    rows = await demo_db.query(
        "SELECT i.state, CAST(i.scheduled_on AS TEXT), ii.is_lead FROM inspection i "
        "JOIN inspection_inspector ii ON ii.inspection = i.id "
        "JOIN app_user u ON u.id = ii.\"user\" WHERE u.username = 'inspector' AND " + live
    )
    todays = [r for r in rows if r[1] == today]
    assert len([r for r in todays if r[0] == "planned"]) >= 3
    assert [r[0] for r in rows].count("in_progress") == 1
    assert any(r[0] == "planned" and r[1] < today for r in rows)  # an overdue one
    assert all(lead for _, _, lead in rows)  # the demo inspector leads the group
    member = await demo_db.query(
        'SELECT count(*) FROM inspection_inspector ii JOIN app_user u ON u.id = ii."user" '
        "JOIN inspection i ON i.id = ii.inspection "
        "WHERE u.username = 'inspector2' AND NOT ii.is_lead AND " + live
    )
    assert member[0][0] == len(rows)

    campaign = await demo_db.query(
        "SELECT c.name, c.kind, CAST(c.starts_on AS TEXT), CAST(c.ends_on AS TEXT), "
        "(SELECT count(*) FROM campaign_enterprise ce WHERE ce.campaign = c.id) FROM campaign c "
        "WHERE c.name = '2026年冬季安全生产大检查'"
    )
    assert len(campaign) == 1
    name, kind, starts_on, ends_on, planned = campaign[0]
    assert (name, kind) == ("2026年冬季安全生产大检查", "seasonal")
    assert starts_on <= today <= ends_on and planned == 40

    # The visit in progress: a few answers, one failed item and the hazard logged from it.
    walk = await demo_db.query(
        "SELECT i.id, (SELECT count(*) FROM item_result r WHERE r.inspection = i.id), "
        "(SELECT count(*) FROM item_result r WHERE r.inspection = i.id AND r.result = 'fail') "
        "FROM inspection i WHERE i.state = 'in_progress'"
    )
    inspection_id, answered, failed = walk[0]
    assert 3 <= answered < 20 and failed == 1
    hazards = await demo_db.query(
        "SELECT h.status, h.level, h.legal_basis, ci.code, h.campaign IS NOT NULL "
        "FROM hazard h JOIN checklist_item ci ON ci.id = h.item "
        f"WHERE h.inspection = {inspection_id}"
    )
    assert hazards == [
        ("pending", "general", "《中华人民共和国安全生产法》第四十二条第二款", "GM-11", True)
    ]
    audited = await demo_db.query(
        "SELECT count(*) FROM audit_event WHERE action = 'hazard.create' AND object_id = "
        f"(SELECT h.id FROM hazard h WHERE h.inspection = {inspection_id})"
    )
    assert audited[0][0] == 1


# The figures of each campaign as the figures service computes them (for the street
# officer), run against the demo's database in a process of its own.
FIGURES = """
import asyncio, datetime as dt, json, sys
from rectification.figures.service import campaign_stats
from safety.actors import actor_from_user
from safety.tables import Campaign, User

async def main():
    officer = actor_from_user(await User.select().where(User.username == "officer").first().run())
    out = {}
    for c in await Campaign.select(Campaign.id, Campaign.name).run():
        out[c["name"]] = {
            "now": await campaign_stats(officer, c["id"], group_by="batch"),
            "early": await campaign_stats(officer, c["id"], as_of=dt.date(2020, 12, 1)),
        }
    print(json.dumps(out, default=str, ensure_ascii=False))

asyncio.run(main())
"""


async def demo_figures(demo_db) -> dict:
    env = dict(os.environ, DATABASE_URL=demo_db.url, SAFETY_DATA_DIR=str(demo_db.tmp / "data"))
    proc = await asyncio.create_subprocess_exec(
        sys.executable,
        "-c",
        FIGURES,
        env=env,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    out, err = await asyncio.wait_for(proc.communicate(), timeout=300)
    assert proc.returncode == 0, err.decode()
    return json.loads(out)


async def test_the_demo_reproduces_the_seed_case(demo_db):
    """PRODUCT's seed case: the winter campaign inspected 96 of 96 and found 300+ hazards,
    all rectified; the third-party 第二批次 covered 30 enterprises, all rectified. The
    figures service computes them from the history the services recorded."""
    figures = await demo_figures(demo_db)
    winter = figures["2020年冬季安全生产大检查"]["now"]
    assert (winter["enterprises_planned"], winter["enterprises_inspected"]) == (96, 96)
    assert winter["inspection_completion_rate"] == 1
    assert winter["hazards_found"] >= 300 and winter["hazards_major"] > 0
    assert winter["hazards_closed"] == winter["hazards_found"]
    assert winter["rectification_rate"] == 1 and winter["major_rectification_rate"] == 1
    assert winter["hazards_overdue"] == 0

    third = figures["2025年度第三方专家安全隐患排查"]["now"]
    second = next(g for g in third["groups"] if g["label"] == "第二批次")
    assert (second["enterprises_planned"], second["enterprises_inspected"]) == (30, 30)
    assert second["hazards_found"] > 0 and second["rectification_rate"] == 1

    # As of 2020-12-01 the winter campaign was under way: the history, not today's
    # states, says what stood then (fewer visits, fewer hazards, some still open).
    early = figures["2020年冬季安全生产大检查"]["early"]
    assert 0 < early["enterprises_inspected"] < 96
    assert 0 < early["hazards_found"] < winter["hazards_found"]
    assert early["hazards_closed"] < early["hazards_found"]

    # The live campaign has work in progress: open, overdue and major hazards.
    live = figures["2026年冬季安全生产大检查"]["now"]
    assert live["hazards_overdue"] >= 2 and live["hazards_major"] >= 1
    assert live["hazards_closed"] < live["hazards_found"]
    assert 0 < live["enterprises_inspected"] < live["enterprises_planned"]


async def test_the_history_carries_its_back_dated_times(demo_db):
    """Transitions, submissions and closings happened in 2020/2025, not when the demo was
    loaded; every closed hazard has its rectification day and verification."""
    rows = await demo_db.query(
        "SELECT CAST(min(t.at) AS TEXT), CAST(max(t.at) AS TEXT) FROM hazard_transition t "
        "JOIN hazard h ON h.id = t.hazard JOIN campaign c ON c.id = h.campaign "
        "WHERE c.name = '2020年冬季安全生产大检查'"
    )
    first, last = rows[0]
    assert first[:7] == "2020-11" and last[:4] in ("2020", "2021")
    stamps = await demo_db.query(
        "SELECT CAST(min(i.submitted_at) AS TEXT), CAST(max(h.closed_at) AS TEXT), "
        "count(*) FILTER (WHERE h.rectified_on IS NULL) FROM hazard h "
        "JOIN inspection i ON i.id = h.inspection JOIN campaign c ON c.id = h.campaign "
        "WHERE c.name = '2025年度第三方专家安全隐患排查'"
    )
    submitted, closed, unrectified = stamps[0]
    assert submitted[:4] == "2025" and closed[:4] == "2025" and unrectified == 0
    descriptions = await demo_db.query(
        "SELECT count(DISTINCT description), count(*) FROM hazard h "
        "WHERE h.item IS NOT NULL AND h.legal_basis <> ''"
    )
    distinct, total = descriptions[0]
    assert total >= 380 and distinct >= 30  # the findings library, with its legal bases


async def test_some_demo_enterprises_ran_self_inspections(demo_db):
    """企业自查 in the demo: three enterprises, submitted; their general hazards closed by
    themselves, one major waiting for the officer's verification."""
    runs = await demo_db.query(
        "SELECT count(DISTINCT enterprise), count(*) FROM inspection "
        "WHERE kind = 'self' AND state = 'submitted'"
    )
    assert runs[0] == (3, 3)
    hazards = await demo_db.query(
        "SELECT h.level, h.status, count(*) FROM hazard h WHERE h.source = 'self_report' "
        "GROUP BY h.level, h.status ORDER BY h.level, h.status"
    )
    assert hazards == [
        ("general", "closed", 5),
        ("general", "rectifying", 1),
        ("major", "submitted", 1),
    ]
    closers = await demo_db.query(
        "SELECT DISTINCT u.role FROM verification v JOIN hazard h ON h.id = v.hazard "
        "JOIN app_user u ON u.id = v.verified_by WHERE h.source = 'self_report'"
    )
    assert closers == [("enterprise",)]
    told = await demo_db.query(
        'SELECT count(*) FROM notification n JOIN app_user u ON u.id = n."user" '
        "WHERE n.kind = 'hazard.self_major' AND u.username = 'officer'"
    )
    assert told[0][0] == 1
