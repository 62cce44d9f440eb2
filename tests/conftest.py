"""Test set-up: a real database, never a mock.

SQLite: a fresh file in a temporary folder (not ``:memory:``: Piccolo opens a connection
per query). PostgreSQL: when ``SAFETY_TEST_DATABASE_URL`` is set, that database's public
schema is emptied and migrated afresh. The environment is set before any project module is
imported, so settings and the Piccolo engine see it.
"""

from __future__ import annotations

import asyncio
import os
import tempfile
from pathlib import Path

_TMP = Path(tempfile.mkdtemp(prefix="safety-tests-"))
_PG_URL = os.environ.get("SAFETY_TEST_DATABASE_URL")
_WORKER = os.environ.get("PYTEST_XDIST_WORKER")  # gw0, gw1 … under pytest -n N


def _worker_database(url: str, worker: str) -> str:
    """Under pytest-xdist each worker gets a database of its own beside the given one
    (``<name>_gw0`` …), made here, before any project module reads DATABASE_URL."""
    from urllib.parse import urlsplit, urlunsplit

    import asyncpg

    parts = urlsplit(url)
    name = f"{parts.path.lstrip('/')}_{worker}"

    async def create() -> None:
        conn = await asyncpg.connect(url)
        try:
            await conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            await conn.execute(f'CREATE DATABASE "{name}"')
        finally:
            await conn.close()

    asyncio.run(create())
    return urlunsplit(parts._replace(path=f"/{name}"))


if _PG_URL and _WORKER:
    _PG_URL = _worker_database(_PG_URL, _WORKER)
os.environ["DATABASE_URL"] = _PG_URL or f"sqlite:///{_TMP / 'test.sqlite3'}"
os.environ["SAFETY_DATA_DIR"] = str(_TMP / "data")
os.environ["SAFETY_SECRET_KEY"] = "test-secret-key-not-for-production"
os.environ.setdefault("PICCOLO_CONF", "safety.piccolo_conf")
# The suite shares a busy machine: sheet parsing workers at normal priority, so import tests
# take the time they took in a thread (production keeps the default niceness of 10).
os.environ.setdefault("SAFETY_SHEET_WORKER_NICE", "0")
# The pre-subset PDF fonts take ~25 s to build once: keep them across runs (var/ is
# ignored by git; .ci/setup builds them there).
os.environ.setdefault(
    "SAFETY_PDF_FONT_DIR", str(Path(__file__).resolve().parent.parent / "var" / "fonts")
)
# Cheap argon2 parameters, for tests only: the suite hashes hundreds of passwords, each
# ~0.25 s with the production cost on this machine (test_revocation_and_sessions checks the
# production cost separately).
os.environ["SAFETY_PASSWORD_HASH_TIME_COST"] = "1"
os.environ["SAFETY_PASSWORD_HASH_MEMORY_KIB"] = "1024"
os.environ["SAFETY_PASSWORD_HASH_PARALLELISM"] = "1"

import asyncpg  # noqa: E402
import httpx  # noqa: E402
import pytest  # noqa: E402

from safety.migrations import apply_migrations  # noqa: E402

ENGINE = "postgresql" if _PG_URL else "sqlite"


def pytest_report_header(config):
    return f"safety test database: {ENGINE} ({os.environ['DATABASE_URL'].split('@')[-1]})"


@pytest.fixture(scope="session")
def tmp_root() -> Path:
    return _TMP


@pytest.fixture(scope="session", autouse=True)
async def database():
    if _PG_URL:
        conn = await asyncpg.connect(_PG_URL)
        try:
            await conn.execute("DROP SCHEMA IF EXISTS public CASCADE; CREATE SCHEMA public")
        finally:
            await conn.close()
    await apply_migrations()
    yield ENGINE


@pytest.fixture(scope="session")
async def app(database):
    from safety.app import create_app

    return create_app()


@pytest.fixture(scope="session")
async def client(app):
    # Not litestar's AsyncTestClient: it runs the app and its lifespan (which opens the
    # PostgreSQL pool) on a second event loop in another thread, and the pool opened there
    # breaks as soon as a test's factories use it from this loop (litestar issue #1920).
    # httpx's ASGI transport runs the app, its startup and shutdown hooks on this loop.
    # The lifespan is held by a task of its own: pytest-asyncio tears a fixture down in
    # another task, and the lifespan's task group must be left by the task that entered it.
    started, stop = asyncio.Event(), asyncio.Event()

    async def hold_lifespan() -> None:
        async with app.lifespan():
            started.set()
            await stop.wait()

    lifespan = asyncio.create_task(hold_lifespan())
    waiting = asyncio.create_task(started.wait())
    await asyncio.wait({lifespan, waiting}, return_when=asyncio.FIRST_COMPLETED)
    if lifespan.done():
        waiting.cancel()
        lifespan.result()  # startup failed: raise its error here
    try:
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://testserver.local") as c:
            yield c
    finally:
        stop.set()
        await lifespan
