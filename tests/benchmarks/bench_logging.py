"""What the request id middleware and the access log cost per request (safety/logs.py):
``/health`` (a database ping) and a page (``/profile`` of a logged-in admin) through the
app in process (httpx ASGI transport), and the middleware alone around a minimal ASGI app
(no client: the overhead itself, in µs), in four set-ups side by side in one run:

- ``bare``: the app without ``RequestContext`` (no request id, no access line);
- ``off``: the middleware, SAFETY_ACCESS_LOG=off (the id is made and returned);
- ``human``: the middleware and one human access line per request;
- ``json``: the middleware and one JSON access line per request.

Log lines go to a real file (formatted and written, as under journald's pipe). The set-ups
take turns round by round (so drift of a shared machine hits all alike); the figure is
the median over rounds of the mean µs/request of a round.

    .venv/bin/python tests/benchmarks/bench_logging.py --requests 100 --rounds 5

A fresh SQLite database in a temporary folder unless DATABASE_URL is set.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
_TMP = Path(tempfile.mkdtemp(prefix="bench-logging-"))
os.environ.setdefault("DATABASE_URL", f"sqlite:///{_TMP / 'bench.sqlite3'}")
os.environ.setdefault("SAFETY_DATA_DIR", str(_TMP / "data"))
os.environ.setdefault("PICCOLO_CONF", "safety.piccolo_conf")
os.environ.setdefault("SAFETY_SECRET_KEY", "bench-secret-key-not-for-production-use-0123")
os.environ.setdefault("SAFETY_PASSWORD_HASH_TIME_COST", "1")
os.environ.setdefault("SAFETY_PASSWORD_HASH_MEMORY_KIB", "1024")

SETUPS = {
    "bare": None,
    "off": {"access_log": False},
    "human": {"access_log": True, "log_format": "human"},
    "json": {"access_log": True, "log_format": "json"},
}


async def _trivial(scope, receive, send) -> None:
    await send({"type": "http.response.start", "status": 200, "headers": []})
    await send({"type": "http.response.body", "body": b"ok"})


async def _discard(message) -> None:
    pass


async def asgi_alone(app, calls: int) -> float:
    """µs per call of ``app`` with a minimal ASGI request, no client, no network."""
    started = time.perf_counter()
    for _ in range(calls):
        scope = {"type": "http", "method": "GET", "path": "/x", "headers": [], "query_string": b""}
        await app(scope, None, _discard)
    return (time.perf_counter() - started) / calls * 1e6


async def main(args) -> None:
    import httpx

    from safety import logs
    from safety.accounts.service import NewUser, create_user
    from safety.actors import SYSTEM
    from safety.app import create_app
    from safety.migrations import apply_migrations
    from safety.settings import get_settings
    from tests.pages import as_user

    await apply_migrations()
    app = create_app()
    wrapped = app.asgi_handler
    assert isinstance(wrapped, logs.RequestContext)
    sink = (_TMP / "log.txt").open("w", encoding="utf-8")
    settings = get_settings()
    results: dict[tuple[str, str], list[float]] = {}
    async with app.lifespan():
        user = await create_user(
            SYSTEM,
            NewUser(username="benchadmin", password="Bench@Passw0rd", role="admin"),
        )
        cookie = await as_user(user, csrf=False)
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://bench") as client:
            targets = {"/health": {}, "/profile": cookie}
            for path, headers in targets.items():  # warm-up (templates, pool)
                for _ in range(20):
                    assert (await client.get(path, headers=headers)).status_code == 200
            for _ in range(args.rounds):
                for name, changes in SETUPS.items():
                    app.asgi_handler = wrapped.app if changes is None else wrapped
                    logs.configure(settings.model_copy(update=changes or {}), stream=sink)
                    alone = _trivial if changes is None else logs.RequestContext(_trivial)
                    per = await asgi_alone(alone, args.requests * 20)
                    results.setdefault((name, "middleware alone"), []).append(per)
                    for path, headers in targets.items():
                        started = time.perf_counter()
                        for _ in range(args.requests):
                            await client.get(path, headers=headers)
                        per = (time.perf_counter() - started) / args.requests * 1e6
                        results.setdefault((name, path), []).append(per)
    sink.close()
    lines = sum(1 for _ in (_TMP / "log.txt").open(encoding="utf-8"))
    print(
        f"{args.rounds} rounds x {args.requests} requests per set-up and path; "
        f"{lines} log lines written; µs/request (median of rounds), + vs bare"
    )
    columns = ["middleware alone", *targets]
    print(f"{'set-up':<8}" + "".join(f"{p:>24}" for p in columns))
    for name in SETUPS:
        cells = []
        for path in columns:
            value = statistics.median(results[(name, path)])
            bare = statistics.median(results[("bare", path)])
            cells.append(f"{value:>10.1f} ({value - bare:+7.1f} µs)")
        print(f"{name:<8}" + "".join(f"{c:>24}" for c in cells))


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=100)
    parser.add_argument("--rounds", type=int, default=5)
    asyncio.run(main(parser.parse_args()))
