"""The ``safety`` command, run as a real subprocess against a real database."""

from __future__ import annotations

import hashlib
import os
import re
import secrets
import sqlite3
from pathlib import Path

import asyncpg
import click
import httpx
import pytest
from click.testing import CliRunner

from inspections.checklists.service import LIBRARY
from safety.accounts.auth import verify_password
from safety.cli import main
from safety.db import sqlite_path
from safety.demo.load import DEMO_LOGINS
from safety.tables import AuditEvent, User
from tests import factories as f
from tests.safety import dbtools
from tests.safety.dbtools import (
    IS_PG,
    ROOT,
    SESSION_URL,
    cli,
    free_port,
    fresh_database,
    run,
    served,
)

GOOD_PASSWORD = "Zhang@2026safe"
DEMO_PASSWORD = dict((u, p) for _, u, p in DEMO_LOGINS)["officer"]


def _command_paths(group: click.Group, prefix: tuple[str, ...] = ()) -> list[tuple[str, ...]]:
    paths = []
    for name, command in sorted(group.commands.items()):
        paths.append((*prefix, name))
        if isinstance(command, click.Group):
            paths.extend(_command_paths(command, (*prefix, name)))
    return paths


def _migration_ids() -> list[str]:
    ids = []
    for app in ("safety", "inspections", "rectification"):
        for path in sorted((ROOT / app / "piccolo_migrations").glob("*.py")):
            found = re.search(r'^ID = "([^"]+)"', path.read_text(), re.M)
            if found:
                ids.append(found.group(1))
    return ids


def _username(prefix: str = "cli") -> str:
    return f"{prefix}_{secrets.token_hex(4)}"


# ---------------------------------------------------------------- help


async def test_the_installed_safety_command_prints_its_help():
    result = await run([str(ROOT / ".venv" / "bin" / "safety"), "--help"], SESSION_URL)
    assert result.code == 0, result
    for name in ("migrate", "createuser", "serve", "demo", "audit"):
        assert name in result.out


@pytest.mark.parametrize("path", _command_paths(main), ids=" ".join)
def test_every_subcommand_has_help(path):
    result = CliRunner().invoke(main, [*path, "--help"])
    assert result.exit_code == 0, result.output
    assert "Usage:" in result.output
    assert path[-1] in result.output


# ---------------------------------------------------------------- createuser


async def test_createuser_makes_a_user_who_can_log_in():
    username = _username()
    result = await cli(
        "createuser",
        "--username",
        username,
        "--password",
        GOOD_PASSWORD,
        "--role",
        "admin",
        url=SESSION_URL,
    )
    assert result.code == 0, result
    assert f"created user {username}" in result.out
    user = await User.select().where(User.username == username).first().run()
    assert user["role"] == "admin" and user["active"] is True
    assert await verify_password(user["password_hash"], GOOD_PASSWORD)
    assert (
        await AuditEvent.exists()
        .where(AuditEvent.action == "user.create", AuditEvent.object_id == user["id"])
        .run()
    )


async def test_createuser_refuses_a_username_that_is_taken():
    taken = await f.user("admin")
    result = await cli(
        "createuser",
        "--username",
        taken["username"],
        "--password",
        GOOD_PASSWORD,
        "--role",
        "admin",
        url=SESSION_URL,
    )
    assert result.code != 0, result
    assert "username taken" in result.err or "已存在" in result.err, result
    assert await User.count().where(User.username == taken["username"]).run() == 1


@pytest.mark.parametrize(
    "password, reason",
    [
        ("Ab1!", "at least 8 characters"),
        ("alllowercaseletters", "needs 3 of"),
    ],
)
async def test_createuser_refuses_a_weak_password_and_says_why(password, reason):
    username = _username()
    result = await cli(
        "createuser",
        "--username",
        username,
        "--password",
        password,
        "--role",
        "admin",
        url=SESSION_URL,
    )
    assert result.code != 0, result
    assert "user not created" in result.err
    assert reason in result.err, result
    assert not await User.exists().where(User.username == username).run()


async def test_createuser_refuses_a_password_containing_the_username():
    username = _username("wangwu")
    result = await cli(
        "createuser",
        "--username",
        username,
        "--password",
        f"X1!{username}",
        "--role",
        "admin",
        url=SESSION_URL,
    )
    assert result.code != 0, result
    assert "must not contain the username" in result.err, result


async def test_createuser_refuses_an_enterprise_user_without_an_enterprise():
    username = _username()
    result = await cli(
        "createuser",
        "--username",
        username,
        "--password",
        GOOD_PASSWORD,
        "--role",
        "enterprise",
        url=SESSION_URL,
    )
    assert result.code != 0, result
    assert "enterprise_id" in result.err, result
    assert not await User.exists().where(User.username == username).run()


# ---------------------------------------------------------------- serve


async def test_serve_refuses_to_start_with_pending_migrations():
    async with fresh_database() as url:
        result = await cli("serve", "--port", str(free_port()), url=url, seconds=60)
    assert result.code != 0, result
    assert "not applied" in result.err
    assert "safety migrate" in result.err
    for migration_id in _migration_ids():
        assert migration_id in result.err, f"{migration_id} not named:\n{result.err}"


# ---------------------------------------------------------------- audit verify


TAMPER = (
    "UPDATE audit_event SET action = 'user.delete' WHERE id = (SELECT min(id) FROM audit_event)"
)


async def _tamper_with_first_audit_event(url: str) -> None:
    """What an intruder with database access would do: lift the append-only trigger and
    edit a row."""
    if IS_PG:
        conn = await asyncpg.connect(url)
        try:
            await conn.execute("ALTER TABLE audit_event DISABLE TRIGGER audit_event_no_change")
            await conn.execute(TAMPER)
        finally:
            await conn.close()
        return
    with sqlite3.connect(sqlite_path(url)) as conn:
        conn.execute("DROP TRIGGER audit_event_no_update")
        conn.execute(TAMPER)
    conn.close()


async def test_audit_verify_says_ok_on_a_fresh_database_and_names_a_tampered_row():
    async with fresh_database() as url:
        assert (await cli("migrate", url=url)).code == 0
        # migrate publishes the checklist library: one audited version per template
        library = len(list(LIBRARY.glob("*.json")))
        fresh = await cli("audit", "verify", url=url)
        assert fresh.code == 0, fresh
        assert fresh.out.startswith(f"OK: {library} audit events")
        again = await cli("migrate", url=url)
        assert again.code == 0 and f"checklists unchanged: {library}" in again.out, again

        for _ in range(2):
            made = await cli(
                "createuser",
                "--username",
                _username(),
                "--password",
                GOOD_PASSWORD,
                "--role",
                "admin",
                url=url,
            )
            assert made.code == 0, made
        two = await cli("audit", "verify", url=url)
        assert two.code == 0, two
        assert two.out.startswith(f"OK: {library + 2} audit events")

        await _tamper_with_first_audit_event(url)
        broken = await cli("audit", "verify", url=url)
        assert broken.code == 1, broken
        assert re.search(r"FAILED at audit event id \d+", broken.err), broken


# ---------------------------------------------------------------- no database


def _unreachable_url(tmp_path) -> str:
    if IS_PG:  # a database that does not exist on the same server
        return SESSION_URL.rsplit("/", 1)[0] + f"/absent_{secrets.token_hex(4)}"
    folder = tmp_path / "a-folder-not-a-file.sqlite3"
    folder.mkdir()
    return f"sqlite:///{folder}"


@pytest.mark.parametrize("command", [["migrate"], ["serve", "--port", "0"], ["audit", "verify"]])
async def test_commands_explain_a_database_they_cannot_open(tmp_path, command):
    result = await cli(*command, url=_unreachable_url(tmp_path), seconds=60)
    assert result.code == 1, result
    assert "database error" in result.err, result
    assert "Traceback" not in result.err, result


def _pinned_env(data_dir: Path):
    """``dbtools.subprocess_env`` with one data directory for every process of a test (the
    demo loader, the server and ``audit verify`` must share the file store)."""

    def env(url: str) -> dict[str, str]:
        out = dict(os.environ, DATABASE_URL=url, SAFETY_DATA_DIR=str(data_dir))
        out["PICCOLO_CONF"] = "safety.piccolo_conf"
        out.pop("SAFETY_TEST_DATABASE_URL", None)
        return out

    return env


def _noise_jpeg() -> bytes:
    from PIL import Image

    from tests import imagegen

    noise = Image.frombytes("RGB", (160, 120), os.urandom(160 * 120 * 3))
    return imagegen.encode(noise, "JPEG", quality=85)


async def test_audit_verify_is_clean_on_the_demo_and_names_a_changed_or_missing_upload(
    tmp_path, monkeypatch
):
    """The demo's store verifies clean (its signatures and patrol photos, and the
    triage's copies of them, all recorded); so does a photo uploaded through a served API;
    changing that photo's bytes, then deleting it, is named, with exit 1."""
    monkeypatch.setattr(dbtools, "subprocess_env", _pinned_env(tmp_path / "data"))
    async with fresh_database() as url:
        demo = await cli("demo", "--no-serve", url=url, seconds=900)
        assert demo.code == 0, demo
        clean = await cli("audit", "verify", url=url)
        assert clean.code == 0, clean
        files_line = re.search(r"^files: (\d+) checked \((\d+) attachments", clean.out, re.M)
        assert files_line and int(files_line[1]) > 0, clean
        assert "0 missing, 0 changed, 0 not as uploaded, 0 rows removed" in clean.out
        assert clean.out.rstrip().endswith(
            "OK: every stored file matches its sha256 and its upload event"
        )

        async with served(url) as base, httpx.AsyncClient(base_url=base, timeout=60) as http:
            login = await http.post(
                "/api/v1/auth/token", json={"username": "officer", "password": DEMO_PASSWORD}
            )
            assert login.status_code == 200, login.text
            auth = {"Authorization": f"Bearer {login.json()['access_token']}"}
            listed = await http.get("/api/v1/enterprises", params={"limit": 1}, headers=auth)
            enterprise = listed.json()["items"][0]["id"]
            r = await http.post(
                f"/api/v1/enterprises/{enterprise}/photos",
                files={"file": ("site.jpg", _noise_jpeg(), "image/jpeg")},
                headers=auth,
            )
            assert r.status_code == 201, r.text
            photo = r.json()["id"]
            stored = await http.get(f"/api/v1/files/{photo}", headers=auth)
        sha = hashlib.sha256(stored.content).hexdigest()
        path = tmp_path / "data" / "files" / sha[:2] / sha[2:4] / sha
        assert path.read_bytes() == stored.content

        after = await cli("audit", "verify", url=url)
        assert after.code == 0, after
        assert f"({int(files_line[2]) + 1} attachments" in after.out, after

        named = f"attachment {photo} (enterprise {enterprise}, scene)"
        swapped = stored.content[:-1] + b"\x00"
        path.write_bytes(swapped)
        changed = await cli("audit", "verify", url=url)
        assert changed.code == 1, changed
        assert changed.out.startswith("OK: ")  # the chain is intact: the file is not
        assert changed.err.splitlines() == [
            f"CHANGED: {path} — bytes changed since upload (they now hash to "
            f"{hashlib.sha256(swapped).hexdigest()}); used by {named}"
        ], changed
        assert ", 0 missing, 1 changed," in changed.out

        path.unlink()
        missing = await cli("audit", "verify", url=url)
        assert missing.code == 1, missing
        assert missing.err.splitlines() == [
            f"MISSING: {path} — the original of {named} is not in the store"
        ], missing
        assert ", 1 missing, 0 changed," in missing.out

        chain_only = await cli("audit", "verify", "--no-files", url=url)
        assert chain_only.code == 0 and "files:" not in chain_only.out, chain_only
