"""The four homes on the demo itself (issue 19 point 1: "the four homes show the right
counts on the demo"). The demo server of the browser tests (``live_server``: ``safety
demo --no-serve`` once a session, on the engine under test) is logged into as each demo
login; every count tile of its home must equal a count the test makes itself in SQL from
the tables (not through ``rectification.home.queries``), and the list each tile opens must
hold that many rows.

The SQL here restates the definitions of docs/home.md in plain SQL, on the same database
file / PostgreSQL database the server uses."""

from __future__ import annotations

import datetime as dt
import re
import sqlite3
from urllib.parse import urlsplit

import asyncpg
import httpx
import pytest

from safety.demo.load import DEMO_LOGINS
from safety.settings import get_settings, local_today
from tests.safety.test_home_page import ROWS, _rows, _tiles

PASSWORDS = {username: password for _, username, password in DEMO_LOGINS}
# The first test loads the demo (its history through the services: minutes on PostgreSQL
# on a busy machine), as tests/safety/test_demo.py allows.
pytestmark = pytest.mark.timeout(900)
OPEN = "('pending', 'rectifying')"


class Db:
    """Plain SQL on the server's database (sqlite3 or asyncpg, not the app's engine)."""

    def __init__(self, url: str):
        self.url = url

    async def value(self, sql: str) -> int:
        if self.url.startswith("sqlite"):
            with sqlite3.connect(urlsplit(self.url).path) as conn:
                return conn.execute(sql).fetchone()[0]
        conn = await asyncpg.connect(self.url)
        try:
            return await conn.fetchval(sql)
        finally:
            await conn.close()


async def _user(db: Db, username: str) -> dict[str, int]:
    ids = {}
    for key in ("id", "enterprise", "org_unit"):
        ids[key] = await db.value(f"SELECT {key} FROM app_user WHERE username = '{username}'")
    return ids


async def _login(base: str, username: str) -> httpx.AsyncClient:
    client = httpx.AsyncClient(base_url=base, timeout=30)
    form = await client.get("/login")
    token = re.search(r'name="_csrf_token" value="([^"]+)"', form.text).group(1)
    r = await client.post(
        "/login",
        data={
            "username": username,
            "password": PASSWORDS[username],
            "_csrf_token": token,
            "next": "/",
        },
    )
    assert r.status_code in (200, 302, 303) and "session" in str(client.cookies), r.text[:500]
    return client


def _day(day: dt.date) -> str:
    return f"'{day.isoformat()}'"


# ---------------------------------------------------------------- the expected counts


async def enterprise_counts(db: Db, me: dict, today: dt.date) -> dict[str, int]:
    mine = f"FROM hazard WHERE enterprise = {me['enterprise']} AND status IN {OPEN}"
    last = today + dt.timedelta(days=get_settings().remind_due_days)
    since = dt.datetime.now(dt.UTC) - dt.timedelta(days=30)
    return {
        "todo": await db.value(f"SELECT COUNT(*) {mine}"),
        "due": await db.value(
            f"SELECT COUNT(*) {mine} AND effective_deadline BETWEEN {_day(today)} AND {_day(last)}"
        ),
        "overdue": await db.value(f"SELECT COUNT(*) {mine} AND effective_deadline < {_day(today)}"),
        "returned": await db.value(
            "SELECT COUNT(*) FROM hazard h WHERE h.enterprise = "
            f"{me['enterprise']} AND h.status = 'rectifying' AND 'fail' = (SELECT v.result "
            "FROM verification v WHERE v.hazard = h.id ORDER BY v.id DESC LIMIT 1)"
        ),
        "decided": await db.value(
            "SELECT COUNT(*) FROM extension_request x JOIN hazard h ON h.id = x.hazard "
            f"WHERE h.enterprise = {me['enterprise']} AND x.status IN ('approved', 'refused')"
            f" AND x.decided_at >= '{since.strftime('%Y-%m-%d %H:%M:%S.%f+00:00')}'"
        ),
        "self": await db.value(
            f"SELECT COUNT(*) FROM inspection WHERE enterprise = {me['enterprise']} "
            "AND kind = 'self' AND state IN ('planned', 'in_progress')"
        ),
    }


async def officer_counts(db: Db, me: dict, today: dt.date) -> dict[str, int]:
    units = f"(SELECT id FROM org_unit WHERE path LIKE '%/{me['org_unit']}/%')"
    area = f"(SELECT id FROM enterprise WHERE org_unit IN {units})"
    hazards = f"FROM hazard WHERE enterprise IN {area}"
    return {
        "verify": await db.value(f"SELECT COUNT(*) {hazards} AND status = 'submitted'"),
        "extensions": await db.value(
            f"SELECT COUNT(*) FROM extension_request WHERE status = 'pending' "
            f"AND hazard IN (SELECT id {hazards})"
        ),
        "overdue": await db.value(
            f"SELECT COUNT(*) {hazards} AND status IN {OPEN} AND effective_deadline < {_day(today)}"
        ),
        "triage": await db.value(
            f"SELECT COUNT(*) FROM patrol_report WHERE status = 'new' AND org_unit IN {units}"
        ),
        "today": await db.value(
            f"SELECT COUNT(*) FROM inspection WHERE enterprise IN {area} "
            f"AND scheduled_on = {_day(today)} AND state <> 'cancelled'"
        ),
    }


async def inspector_counts(db: Db, me: dict, today: dt.date) -> dict[str, int]:
    mine = (
        "FROM inspection WHERE id IN "
        f'(SELECT inspection FROM inspection_inspector WHERE "user" = {me["id"]})'
    )
    return {
        "today": await db.value(
            f"SELECT COUNT(*) {mine} AND state = 'planned' AND scheduled_on = {_day(today)}"
        ),
        "overdue": await db.value(
            f"SELECT COUNT(*) {mine} AND state = 'planned' AND scheduled_on < {_day(today)}"
        ),
        "in_progress": await db.value(f"SELECT COUNT(*) {mine} AND state = 'in_progress'"),
        "recheck": await db.value(
            f"SELECT COUNT(*) FROM hazard WHERE status = 'submitted' AND inspection IN "
            f"(SELECT id {mine})"
        ),
    }


async def grid_counts(db: Db, me: dict, today: dt.date) -> dict[str, int]:
    reports = f"FROM patrol_report WHERE reported_by = {me['id']}"
    plain = "AND COALESCE(triage_action, '') <> 'duplicate'"
    counts = {
        status: await db.value(f"SELECT COUNT(*) {reports} AND status = '{status}' {plain}")
        for status in ("new", "hazard", "referred", "dismissed")
    }
    counts["duplicate"] = await db.value(
        f"SELECT COUNT(*) {reports} AND triage_action = 'duplicate'"
    )
    counts["log"] = await db.value(
        f"SELECT COUNT(*) FROM patrol_log WHERE worker = {me['id']} AND day = {_day(today)}"
    )
    visited = (
        "SELECT v.enterprise FROM patrol_log_visit v JOIN patrol_log l ON l.id = v.log "
        f"WHERE l.worker = {me['id']} AND l.day BETWEEN {_day(today.replace(day=1))} "
        f"AND {_day(today)}"
    )
    counts["unvisited"] = await db.value(
        "SELECT COUNT(*) FROM enterprise WHERE active = TRUE AND org_unit IN "
        f"(SELECT id FROM org_unit WHERE path LIKE '%/{me['org_unit']}/%') "
        f"AND id NOT IN ({visited})"
    )
    return counts


HOMES = {
    "enterprise": enterprise_counts,
    "officer": officer_counts,
    "inspector": inspector_counts,
    "grid": grid_counts,
}

# ---------------------------------------------------------------- the rows a tile opens


def _section(html: str, ident: str) -> str:
    return html.split(f'id="{ident}"', 1)[1].split("</section>", 1)[0]


async def _opened_rows(client: httpx.AsyncClient, home: str, href: str) -> int:
    """The rows of the list ``href`` opens (a section of the home for ``#…``)."""
    path, _, anchor = href.partition("#")
    html = home if not path else (await client.get(path)).text
    if path.startswith("/inspections/today"):
        return len(re.findall(r"data-visit=", _section(html, anchor)))
    if path == "/self-inspections":  # the list holds every state: the open ones count
        return len(re.findall(r'class="visit (?:planned|in_progress)"[^>]*data-self', html))
    if path.startswith("/hazards?status="):
        body = html.split("<tbody>", 1)[1].split("</tbody>", 1)[0]
        return len(re.findall(r'<tr><td><a href="/hazards/\d+"', body))
    if not path:
        return len(re.findall(r"<li", _section(html, anchor)))
    assert any(path.startswith(prefix) for prefix in ROWS), href
    return _rows(html, path)


@pytest.mark.parametrize("username", list(HOMES))
async def test_each_demo_home_counts_what_the_tables_hold(live_server, server_database, username):
    db = Db(server_database)
    me, today = await _user(db, username), local_today()
    expected = await HOMES[username](db, me, today)
    client = await _login(live_server, username)
    try:
        home = await client.get("/")
        assert home.status_code == 200, home.text[:500]
        tiles = _tiles(home.text)
        assert {k: n for k, (n, _) in tiles.items()} == expected
        shared: dict[str, int] = {}  # tiles opening the same list (the inspector's 待检)
        for n, href in tiles.values():
            shared[href] = shared.get(href, 0) + n
        for href, n in shared.items():
            assert await _opened_rows(client, home.text, href) == n, href
        if username == "enterprise":
            await _assert_self_tile(db, me, today, home.text)
        if username == "inspector":  # 我的检查记录 (n): the submitted ones it opens
            await _assert_history_link(db, me, client, home.text)
    finally:
        await client.aclose()


async def _assert_self_tile(db: Db, me: dict, today: dt.date, html: str) -> None:
    last = await db.value(
        f"SELECT MAX(scheduled_on) FROM inspection WHERE enterprise = {me['enterprise']} "
        "AND kind = 'self' AND state = 'submitted'"
    )
    tile = re.search(r'id="tile-self_due">\s*<span class="q-text">(.*?)</span>\s*<span', html)
    assert tile, html
    text = re.sub(r"<[^>]+>", "", tile.group(1))
    if last is None:
        assert text == "尚未自查，请开始自查"
        return
    next_on = dt.date.fromisoformat(str(last)[:10]) + dt.timedelta(
        days=get_settings().self_inspect_days
    )
    over = (today - next_on).days
    want = f"自查已到期 {over} 天" if over > 0 else f"下次自查 {next_on.isoformat()}"
    assert text == want


async def _assert_history_link(db: Db, me: dict, client: httpx.AsyncClient, html: str) -> None:
    submitted = await db.value(
        "SELECT COUNT(*) FROM inspection WHERE state = 'submitted' AND id IN "
        f'(SELECT inspection FROM inspection_inspector WHERE "user" = {me["id"]})'
    )
    link = re.search(r'<a href="([^"]+)" id="history">[^<]*（(\d+)）', html)
    assert link and int(link.group(2)) == submitted
    listed = await client.get(link.group(1).replace("&amp;", "&"))
    assert f'id="records-count">共 {submitted} 次检查' in listed.text
