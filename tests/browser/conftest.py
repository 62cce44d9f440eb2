"""Browser tests: a real `safety` server (demo data) in a subprocess, driven by Debian's
Chromium through Playwright. The server gets its own database on the engine under test
(a fresh SQLite file, or a fresh PostgreSQL database next to the test database)."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import uuid
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import asyncpg
import httpx
import pytest

CHROMIUM = os.environ.get("SAFETY_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _with_database(url: str, name: str) -> str:
    parts = urlsplit(url)
    return urlunsplit(parts._replace(path="/" + name))


@pytest.fixture(scope="session")
async def server_database(tmp_root: Path):
    url = os.environ["DATABASE_URL"]
    if not url.startswith("postgres"):
        yield f"sqlite:///{tmp_root / 'browser.sqlite3'}"
        return
    name = f"safety_browser_{uuid.uuid4().hex[:8]}"
    admin = await asyncpg.connect(_with_database(url, "postgres"))
    try:
        await admin.execute(f'CREATE DATABASE "{name}"')
        yield _with_database(url, name)
        await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    finally:
        await admin.close()


@pytest.fixture(scope="session")
def live_server(server_database: str, tmp_root: Path):
    """Base URL of a running demo server (migrated and seeded by `safety demo`)."""
    env = {
        **os.environ,
        "DATABASE_URL": server_database,
        "SAFETY_DATA_DIR": str(tmp_root / "browser-data"),
    }
    cli = [sys.executable, "-m", "safety.cli"]
    subprocess.run([*cli, "demo", "--no-serve"], env=env, check=True, capture_output=True)
    port = _free_port()
    log = open(tmp_root / "browser-server.log", "wb")  # noqa: SIM115 - closed below
    proc = subprocess.Popen(
        [*cli, "serve", "--port", str(port)], env=env, stdout=log, stderr=subprocess.STDOUT
    )
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(100):
            try:
                if httpx.get(base + "/health", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if proc.poll() is not None:
                raise RuntimeError((tmp_root / "browser-server.log").read_text())
            time.sleep(0.1)
        else:
            raise RuntimeError("server did not become healthy")
        yield base
    finally:
        proc.terminate()
        proc.wait(timeout=10)
        log.close()


@pytest.fixture(scope="session")
async def browser():
    if not shutil.which(CHROMIUM):
        pytest.fail(f"Chromium not found at {CHROMIUM}: run .ci/setup (installs Debian chromium)")
    from playwright.async_api import async_playwright

    async with async_playwright() as pw:
        b = await pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield b
        await b.close()


@pytest.fixture
async def page(browser):
    context = await browser.new_context(locale="zh-CN", viewport={"width": 390, "height": 844})
    p = await context.new_page()
    yield p
    await context.close()
