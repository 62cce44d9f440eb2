"""The officer's figures pages at scale: /dashboard and a campaign's /figures page (today
and as of a past day, each grouping), and the chart series alone, over ``safety
bench-data``'s synthetic street (safety/demo/benchdata/; without its patrol year).

    DATABASE_URL=sqlite:////tmp/figpages.db .venv/bin/python \\
        tests/benchmarks/bench_figures_pages.py --enterprises 2000 --hazards 72000
    DATABASE_URL=postgresql://postgres@127.0.0.1:5432/figpages_bench .venv/bin/python \\
        tests/benchmarks/bench_figures_pages.py --enterprises 2000 --hazards 72000

The database must be empty or absent (``--reuse`` skips the fill when it holds the data).
Pages are requested through the app (httpx ASGI transport, a session of the bench street's
officer), so the times include the session, the figures, the charts and the template; each
is the median of ``--repeat`` runs after one warm-up.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("PICCOLO_CONF", "safety.piccolo_conf")
os.environ.setdefault("SAFETY_SECRET_KEY", "bench-secret-key-not-for-production-use-0123")
os.environ.setdefault("SAFETY_PASSWORD_HASH_TIME_COST", "1")
os.environ.setdefault("SAFETY_PASSWORD_HASH_MEMORY_KIB", "1024")


async def timed(fn, repeat: int) -> float:
    await fn()  # warm-up
    samples = []
    for _ in range(repeat):
        started = time.perf_counter()
        await fn()
        samples.append((time.perf_counter() - started) * 1000)
    return statistics.median(samples)


async def main(args) -> None:
    import httpx

    from safety.demo import benchdata
    from safety.migrations import apply_migrations
    from safety.settings import get_settings

    settings = get_settings()
    url = settings.resolved_database_url
    await apply_migrations()
    if not args.reuse:
        started = time.perf_counter()
        counts = await benchdata.generate(
            url, args.enterprises, args.hazards, args.seed, settings.timezone
        )
        print(f"bench-data: {counts} in {time.perf_counter() - started:.1f} s", flush=True)

    from inspections.tables import Hazard
    from rectification.figures import series
    from safety.accounts.service import NewUser, create_user
    from safety.accounts.sessions import SESSION_COOKIE, create_session
    from safety.actors import SYSTEM, actor_from_user
    from safety.app import create_app
    from safety.db import close_pool, open_pool
    from safety.settings import local_today
    from safety.tables import Campaign, OrgUnit, User

    await open_pool()
    street = (
        await OrgUnit.select(OrgUnit.id)
        .where(OrgUnit.kind == "street", OrgUnit.name.like(f"基准街道{args.seed}-%"))
        .order_by(OrgUnit.id)
        .first()
        .run()
    )
    campaigns = await Campaign.select(Campaign.id).where(Campaign.org_unit == street["id"]).run()
    sizes = {
        c["id"]: await Hazard.count().where(Hazard.campaign == c["id"]).run() for c in campaigns
    }
    campaign = max(sizes, key=sizes.get)
    name = f"bench_officer_{street['id']}"
    user = await User.select().where(User.username == name).first().run()
    if user is None:
        await create_user(
            SYSTEM,
            NewUser(
                username=name,
                password="Bench@Passw0rd",
                role="officer",
                display_name="bench",
                org_unit_id=street["id"],
            ),
        )
        user = await User.select().where(User.username == name).first().run()
    actor = actor_from_user(user)
    session = await create_session(user["id"], "127.0.0.1", "bench")
    headers = {"Cookie": f"{SESSION_COOKIE}={session}"}
    today = local_today()
    past = today - dt.timedelta(days=90)
    print(
        f"campaign {campaign}: {sizes[campaign]} hazards "
        f"({sum(sizes.values())} in the street's {len(sizes)} campaigns)",
        flush=True,
    )
    rows = []
    app = create_app()
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://bench.local"
    ) as client:

        def page(path):
            async def go():
                r = await client.get(path, headers=headers)
                assert r.status_code == 200, r.text[:500]

            return go

        rows.append(("GET /dashboard", await timed(page("/dashboard"), args.repeat)))
        for day, label in ((today, "today"), (past, "90 days ago")):
            for group_by in ("community", "batch", "grid", "industry", "agency"):
                path = f"/campaigns/{campaign}/figures?as_of={day}&group_by={group_by}"
                ms = await timed(page(path), args.repeat)
                rows.append((f"figures page, {group_by}, {label}", ms))
            for fn in (
                series.campaign_weekly,
                series.campaign_by_subcategory,
                series.campaign_by_community,
            ):

                async def go(fn=fn, day=day):
                    await fn(actor, campaign, day)

                rows.append((f"{fn.__name__}, {label}", await timed(go, args.repeat)))
    await close_pool()
    engine = "SQLite" if url.startswith("sqlite:") else "PostgreSQL"
    print(f"\n{engine}, median of {args.repeat} (ms)")
    for label, ms in rows:
        print(f"  {label:<48} {ms:8.1f}")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--enterprises", type=int, default=2_000)
    parser.add_argument("--hazards", type=int, default=72_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--reuse", action="store_true")
    asyncio.run(main(parser.parse_args()))
