"""The one logging set-up (safety/logs.py): the request id in and out and on every line of
its request, human and JSON lines, the access log switch, audit events logged once and
only when kept, secrets that never print, a bad time zone refused at start."""

from __future__ import annotations

import io
import json
import os
import re
import signal
import subprocess
import sys
import time

import httpx
import pytest
from pydantic import ValidationError

from safety import audit, logs
from safety.db import write_transaction
from safety.settings import Settings, get_settings
from tests import factories as f
from tests.safety.dbtools import ROOT, SESSION_URL, free_port, subprocess_env

HUMAN_LINE = re.compile(r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d (DEBUG|INFO |WARNING|ERROR|CRITICAL) ")
HEX_ID = re.compile(r"^[0-9a-f]{32}$")


@pytest.fixture
def capture():
    """``capture(**settings)``: the real handler and formatter, writing to a buffer."""
    buf = io.StringIO()

    def use(**changes) -> io.StringIO:
        logs.configure(get_settings().model_copy(update=changes), stream=buf)
        buf.seek(0)
        buf.truncate()
        return buf

    yield use
    logs.configure()


def _lines(buf: io.StringIO) -> list[str]:
    return [line for line in buf.getvalue().splitlines() if HUMAN_LINE.match(line)]


# ---------------------------------------------------------------- the request id


@pytest.mark.parametrize("given", ["abc-123", "trace.ID_9", "x" * 64])
async def test_a_sane_request_id_comes_back(client, given):
    r = await client.get("/health", headers={"X-Request-ID": given})
    assert r.headers["x-request-id"] == given


@pytest.mark.parametrize("given", ["", "has space", "x" * 65, "ümlaut", "a;b", "a\tb"])
async def test_an_insane_request_id_is_replaced_by_a_new_one(client, given):
    r = await client.get("/health", headers={"X-Request-ID": given.encode()})
    assert HEX_ID.match(r.headers["x-request-id"]), r.headers["x-request-id"]


@pytest.mark.parametrize(
    ("path", "status"),
    [("/health", 200), ("/no-such-page", 404), ("/api/v1/me", 401), ("/static/app.css", 200)],
)
async def test_every_response_gets_a_new_id_when_none_is_given(client, path, status):
    first = await client.get(path)
    second = await client.get(path)
    assert first.status_code == second.status_code == status
    assert HEX_ID.match(first.headers["x-request-id"])
    assert first.headers["x-request-id"] != second.headers["x-request-id"]
    assert len(first.headers.get_list("x-request-id")) == 1


async def test_every_line_of_a_request_carries_its_id(client, capture):
    buf = capture()
    u = await f.user("admin")
    buf.seek(0)
    buf.truncate()
    r = await client.post(
        "/api/v1/auth/token",
        json={"username": u["username"], "password": "wrong-Passw0rd"},
        headers={"X-Request-ID": "login-try-1"},
    )
    assert r.status_code == 401
    lines = _lines(buf)
    assert any("safety.audit" in line and "auth.login_failed" in line for line in lines), lines
    assert any("safety.access" in line and "POST /api/v1/auth/token 401" in line for line in lines)
    assert all("[req=login-try-1]" in line for line in lines), lines


async def test_the_access_line_names_the_user_and_never_the_query(client, capture):
    buf = capture()
    u = await f.user("admin")
    buf.seek(0)
    buf.truncate()
    r = await client.get("/api/v1/me?token=s3cret-in-query", headers=f.headers(u))
    assert r.status_code == 200
    (line,) = [x for x in _lines(buf) if "safety.access" in x]
    assert line.endswith(f"GET /api/v1/me 200 {line.split()[-3]} ms user={u['id']}")
    assert "s3cret-in-query" not in buf.getvalue()


async def test_an_error_logs_its_traceback_once_with_the_request_id(client, capture, monkeypatch):
    from safety import outages

    async def broken():
        raise RuntimeError("boom for the log test")

    monkeypatch.setattr(outages, "current", broken)
    buf = capture()
    r = await client.get("/health", headers={"X-Request-ID": "err-500"})
    assert r.status_code == 500
    assert r.headers["x-request-id"] == "err-500"
    text = buf.getvalue()
    assert text.count("Traceback (most recent call last)") == 1, text
    assert text.count("RuntimeError: boom for the log test") == 1
    (error,) = [line for line in _lines(buf) if " ERROR " in line]
    assert "[req=err-500]" in error and "GET /health" in error


# ---------------------------------------------------------------- formats and switches


async def test_json_lines_parse_one_by_one(client, capture):
    buf = capture(log_format="json")
    u = await f.user("admin")
    await client.post(
        "/api/v1/auth/token",
        json={"username": u["username"], "password": "wrong-Passw0rd"},
        headers={"X-Request-ID": "json-1"},
    )
    await client.get("/no-such-page", headers={"X-Request-ID": "json-2"})
    entries = [json.loads(line) for line in buf.getvalue().splitlines()]
    for entry in entries:
        assert {"time", "level", "logger", "message", "request_id"} <= entry.keys()
    access = [e for e in entries if e["logger"] == "safety.access"]
    assert [(e["request_id"], e["status"], e["path"]) for e in access[-2:]] == [
        ("json-1", 401, "/api/v1/auth/token"),
        ("json-2", 404, "/no-such-page"),
    ]
    assert all(isinstance(e["duration_ms"], float) for e in access)
    (failed,) = [e for e in entries if e.get("action") == "auth.login_failed"]
    assert failed["request_id"] == "json-1"
    assert failed["username"] == u["username"] and failed["success"] is False


async def test_the_access_log_switch(client, capture):
    buf = capture(access_log=True)
    await client.get("/health")
    assert len([x for x in _lines(buf) if "safety.access" in x]) == 1
    buf = capture(access_log=False)
    r = await client.get("/health")
    assert r.headers["x-request-id"]  # the id is still made and returned
    assert "safety.access" not in buf.getvalue()


async def test_the_level_setting_drops_lower_lines(client, capture):
    buf = capture(log_level="WARNING")
    await client.get("/health")
    assert buf.getvalue() == ""


@pytest.mark.parametrize(
    ("env", "value"),
    [("SAFETY_LOG_LEVEL", "loud"), ("SAFETY_LOG_FORMAT", "xml"), ("SAFETY_ACCESS_LOG", "maybe")],
)
def test_bad_logging_settings_are_refused(monkeypatch, env, value):
    monkeypatch.setenv(env, value)
    with pytest.raises(ValidationError, match=env.removeprefix("SAFETY_").lower()):
        Settings()


def test_logging_settings_read_any_case(monkeypatch):
    monkeypatch.setenv("SAFETY_LOG_LEVEL", "warning")
    monkeypatch.setenv("SAFETY_LOG_FORMAT", "JSON")
    monkeypatch.setenv("SAFETY_ACCESS_LOG", "off")
    s = Settings()
    assert (s.log_level, s.log_format, s.access_log) == ("WARNING", "json", False)


# ---------------------------------------------------------------- audit events


async def test_an_audit_event_is_logged_once_and_only_when_kept(capture):
    buf = capture()
    with pytest.raises(RuntimeError):
        async with write_transaction():
            await audit.record(None, "auth.login_failed", "user", None, success=False, username="x")
            raise RuntimeError("rolled back")
    assert "auth.login_failed" not in buf.getvalue()
    async with write_transaction():
        await audit.record(None, "auth.login_failed", "user", None, success=False, username="y")
        assert "auth.login_failed" not in buf.getvalue()  # not before the commit
    lines = [x for x in _lines(buf) if "auth.login_failed" in x]
    assert lines == [lines[0]] and "auth.login_failed by anonymous (y): refused" in lines[0]
    async with write_transaction():
        await audit.record(None, "enterprise.create", "enterprise", 1)  # not audit-worthy
    assert "enterprise.create" not in buf.getvalue()


async def test_a_ledger_export_is_logged_once(client, capture):
    buf = capture()
    w = await f.world()
    r = await client.get(
        "/api/v1/hazards/export.xlsx", headers={**f.headers(w.officer), "X-Request-ID": "ledger-1"}
    )
    assert r.status_code == 200
    (line,) = [x for x in _lines(buf) if "ledger.export" in x]
    assert "[req=ledger-1]" in line and f"ledger.export by user {w.officer['id']} (" in line


# ---------------------------------------------------------------- secrets and the time zone

SECRETS = {
    "SAFETY_SECRET_KEY": "sk-" + "Q7w" * 15,
    "SAFETY_SMTP_PASSWORD": "smtp-pw-Zx81",
    "SAFETY_WEBHOOK_URL": "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=hook-key-4411",
}


def test_secrets_never_print_in_the_settings(monkeypatch):
    for name, value in SECRETS.items():
        monkeypatch.setenv(name, value)
    monkeypatch.setenv("DATABASE_URL", "postgresql://safety:db-pw-5150@db.local:5432/safety")
    s = Settings()
    for text in (repr(s), str(s), repr(s.model_dump()), s.model_dump_json()):
        for secret in ("Q7wQ7w", "smtp-pw-Zx81", "hook-key-4411", "db-pw-5150"):
            assert secret not in text
    assert "**********" in repr(s)
    assert s.resolved_database_url.endswith("db-pw-5150@db.local:5432/safety")  # still usable
    assert s.webhook_url.get_secret_value() == SECRETS["SAFETY_WEBHOOK_URL"]
    shown = repr(get_settings())
    assert os.environ["SAFETY_SECRET_KEY"] not in shown and SESSION_URL not in shown


def _safety(*args: str, **env: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "safety.cli", *args],
        cwd=ROOT,
        env={**subprocess_env(SESSION_URL), **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.mark.parametrize("command", [["info"], ["serve", "--port", "1"]])
def test_a_bad_time_zone_is_refused_in_one_line(command):
    done = _safety(*command, SAFETY_TIMEZONE="Mars/Base")
    assert done.returncode == 1
    assert done.stderr.strip().count("\n") == 0, done.stderr
    assert "SAFETY_TIMEZONE" in done.stderr and "Mars/Base" in done.stderr
    assert "Traceback" not in done.stderr


def test_a_bad_time_zone_stops_the_settings():
    with pytest.raises(ValidationError, match="timezone"):
        Settings(timezone="Mars/Base")
    assert Settings(timezone="Europe/Berlin").timezone == "Europe/Berlin"


def test_a_served_start_writes_one_format_and_no_secret(tmp_path):
    """A real ``safety serve`` at DEBUG: uvicorn's lines come in our format (not its own
    ``INFO:     …``), the request's id is on its access line, no secret is printed."""
    port = free_port()
    env = {**subprocess_env(SESSION_URL), **SECRETS, "SAFETY_LOG_LEVEL": "DEBUG"}
    err = (tmp_path / "stderr").open("w+")
    proc = subprocess.Popen(
        [sys.executable, "-m", "safety.cli", "serve", "--port", str(port)],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=err,
        start_new_session=True,
    )
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                r = httpx.get(
                    f"http://127.0.0.1:{port}/health", headers={"X-Request-ID": "start-1"}
                )
                break
            except httpx.TransportError:
                assert proc.poll() is None and time.monotonic() < deadline
                time.sleep(0.2)
        assert r.headers["x-request-id"] == "start-1"
    finally:
        for sig in (signal.SIGTERM, signal.SIGKILL):  # the server, then its workers
            try:
                os.killpg(proc.pid, sig)
            except ProcessLookupError:
                pass
            if sig == signal.SIGTERM:
                try:
                    proc.wait(30)
                except subprocess.TimeoutExpired:
                    pass
    err.seek(0)
    text = err.read()
    for secret in ("Q7wQ7w", "smtp-pw-Zx81", "hook-key-4411"):
        assert secret not in text
    assert not re.search(r"^(INFO|WARNING|ERROR): ", text, re.M), text  # uvicorn's own format
    assert re.search(r"^\S+ \S+ INFO  uvicorn.error Uvicorn running on", text, re.M), text
    assert re.search(r"INFO  safety.access \[req=start-1\] GET /health 200 ", text), text


async def test_a_user_change_names_the_fields_never_their_values(client, capture):
    buf = capture()
    admin, other = await f.user("admin"), await f.user("admin")
    r = await client.patch(
        f"/api/v1/users/{other['id']}",
        json={"display_name": "王秘密", "active": False},
        headers={**f.headers(admin), "X-Request-ID": "user-change-1"},
    )
    assert r.status_code == 200, r.text
    (line,) = [x for x in _lines(buf) if "user.update" in x]
    assert f"user.update by user {admin['id']} ({admin['username']}) on user {other['id']}" in line
    assert line.endswith(": ok active=False changed=active,display_name,sessions_ended"), line
    assert "[req=user-change-1]" in line and "王秘密" not in buf.getvalue()
