"""The server stops in bounded time with its worker pools busy: a PDF render (or a
worker's warm-up — the first builds the document fonts) still running at shutdown is
killed after a grace period instead of holding the stop (systemd, uvicorn's reload, the
benchmarks' 30 s) until it ends; and the render then fails rather than starting a new
pool behind the stopping server."""

from __future__ import annotations

import json

from tests.safety.dbtools import SESSION_URL, python

BUSY_AT_SHUTDOWN = """
import asyncio, json, time
from safety.app import create_app
from safety.reports import pool

async def main():
    app = create_app()
    async with app.lifespan():
        render = asyncio.ensure_future(pool.run(time.sleep, 45))
        await asyncio.sleep(2)
        stopping = time.perf_counter()
    took = time.perf_counter() - stopping
    try:
        await render
        outcome = "finished"
    except Exception as exc:
        outcome = type(exc).__name__
    restarted = pool._POOL.executor is not None
    print(json.dumps({"stop_s": took, "outcome": outcome, "restarted": restarted}))

asyncio.run(main())
"""


async def test_the_server_stops_in_bounded_time_while_a_render_runs():
    result = await python(BUSY_AT_SHUTDOWN, SESSION_URL)
    assert result.code == 0, result
    seen = json.loads(result.out.strip().splitlines()[-1])
    assert seen["stop_s"] < 20, seen  # the grace (5 s) and a kill, not the render's 45 s
    assert seen["outcome"] != "finished", seen
    assert seen["restarted"] is False, seen
