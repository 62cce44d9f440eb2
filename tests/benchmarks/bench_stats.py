"""The figures at scale: the stats endpoints (every group_by, today and as of a past day)
and the hazard list page, each timed beside ONE hand-written SQL query computing the same
numbers (written here independently of rectification.figures, and checked equal), with
the ratio endpoint / hand-written SQL.

    DATABASE_URL=sqlite:////tmp/bench.db .venv/bin/python tests/benchmarks/bench_stats.py \\
        --enterprises 10000 --hazards 200000
    DATABASE_URL=postgresql://postgres@127.0.0.1:5432/stats_bench \\
        .venv/bin/python tests/benchmarks/bench_stats.py --enterprises 50000 --hazards 1000000

The database must be empty or absent (it is migrated and filled with ``safety bench-data``'s
generator; ``--reuse`` skips the fill when it already holds the data). Endpoints are called
through the app (httpx ASGI transport, a bearer token of the bench street's officer), so
their times include authentication and JSON; each figure is the median of ``--repeat``
runs after one warm-up.
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

GROUPS = (None, "batch", "community", "grid", "industry", "agency")
FIGURES = ("found", "major", "closed", "major_closed", "on_time", "overdue")


def lit(value, sqlite: bool, kind: str) -> str:
    if kind == "date":
        return f"'{value.isoformat()}'" if sqlite else f"DATE '{value.isoformat()}'"
    text = str(value.astimezone(dt.UTC))
    return f"'{text}'" if sqlite else f"TIMESTAMPTZ '{text}'"


# ---------------------------------------------------------------- hand-written SQL

HAND_KEYS = {
    None: ("0", ""),
    "batch": ("i.batch", "LEFT JOIN inspection i ON i.id = h.inspection"),
    "community": (
        "CASE WHEN g.kind = 'community' THEN g.id ELSE g.parent END",
        "LEFT JOIN org_unit g ON g.id = e.org_unit",
    ),
    "grid": ("e.org_unit", ""),
    "industry": ("e.industry", ""),
    "agency": (
        "b.agency",
        "LEFT JOIN inspection i ON i.id = h.inspection LEFT JOIN batch b ON b.id = i.batch",
    ),
}
PLAN_KEYS = {
    None: ("0", ""),
    "batch": (
        "be.batch",
        "LEFT JOIN (SELECT be.enterprise, be.batch FROM batch_enterprise be"
        " JOIN batch bb ON bb.id = be.batch WHERE bb.campaign = {cid}) be"
        " ON be.enterprise = ce.enterprise",
    ),
    "community": HAND_KEYS["community"],
    "grid": ("e.org_unit", ""),
    "industry": ("e.industry", ""),
    "agency": (
        "bb.agency",
        "LEFT JOIN (SELECT be.enterprise, bb.agency FROM batch_enterprise be"
        " JOIN batch bb ON bb.id = be.batch WHERE bb.campaign = {cid}) bb"
        " ON bb.enterprise = ce.enterprise",
    ),
}


def hand_sql(
    sqlite: bool, where: str, group_by, day: dt.date, current: bool, end, path_like, campaign=None
) -> str:
    """One query: per group, the hazard counts (and, for a campaign, planned/inspected)."""
    key, joins = HAND_KEYS[group_by]
    today = lit(day, sqlite, "date")
    with_ = ""
    if current:  # today: the current columns
        hz = (
            f"SELECT {key} AS k, h.level, h.rectified_on, h.status AS st,"
            " COALESCE(h.effective_deadline, h.deadline) AS eff"
            f" FROM hazard h JOIN enterprise e ON e.id = h.enterprise {joins} WHERE {where}"
        )
    else:  # the last transition before the end of the day, by a window
        e_ = lit(end, sqlite, "ts")
        only = f" AND t.hazard IN (SELECT id FROM hazard WHERE campaign = {campaign})"
        only = only if campaign else ""
        with_ = (
            "WITH t AS MATERIALIZED (SELECT hazard, to_status FROM (SELECT t.hazard,"
            " t.to_status, ROW_NUMBER() OVER (PARTITION BY t.hazard ORDER BY t.at DESC,"
            f" t.id DESC) AS rn FROM hazard_transition t WHERE t.at < {e_}{only}) w"
            " WHERE rn = 1),"
            " x AS MATERIALIZED (SELECT hazard, new_deadline FROM (SELECT x.hazard,"
            " x.new_deadline, ROW_NUMBER() OVER (PARTITION BY x.hazard ORDER BY x.decided_at"
            " DESC, x.id DESC) AS rn FROM extension_request x WHERE x.status = 'approved'"
            f" AND x.decided_at < {e_}) w WHERE rn = 1) "
        )
        hz = (
            f"SELECT {key} AS k, h.level, h.rectified_on, t.to_status AS st,"
            " COALESCE(x.new_deadline, h.deadline) AS eff"
            f" FROM hazard h JOIN enterprise e ON e.id = h.enterprise {joins}"
            " JOIN t ON t.hazard = h.id LEFT JOIN x ON x.hazard = h.id"
            f" WHERE {where} AND h.created_at < {e_}"
        )
    counts = (
        "SELECT k, SUM(CASE WHEN st <> 'voided' THEN 1 ELSE 0 END) AS found,"
        " SUM(CASE WHEN st <> 'voided' AND level = 'major' THEN 1 ELSE 0 END) AS major,"
        " SUM(CASE WHEN st = 'closed' THEN 1 ELSE 0 END) AS closed,"
        " SUM(CASE WHEN st = 'closed' AND level = 'major' THEN 1 ELSE 0 END) AS major_closed,"
        " SUM(CASE WHEN st = 'closed' AND rectified_on <= eff THEN 1 ELSE 0 END) AS on_time,"
        f" SUM(CASE WHEN st IN ('pending', 'rectifying') AND eff < {today} THEN 1 ELSE 0 END)"
        " AS overdue, 0 AS planned, 0 AS inspected"
        f" FROM ({hz}) s GROUP BY k"
    )
    counts = with_ + counts
    if campaign is None:
        return counts
    pkey, pjoins = PLAN_KEYS[group_by]
    e_ = lit(end, sqlite, "ts")
    plan = (
        f"SELECT {pkey} AS k, 0, 0, 0, 0, 0, 0, COUNT(DISTINCT ce.enterprise),"
        " COUNT(DISTINCT CASE WHEN ins.enterprise IS NOT NULL THEN ce.enterprise END)"
        " FROM campaign_enterprise ce JOIN enterprise e ON e.id = ce.enterprise"
        f" {pjoins.format(cid=campaign)}"
        " LEFT JOIN (SELECT DISTINCT enterprise FROM inspection WHERE campaign ="
        f" {campaign} AND state = 'submitted' AND submitted_at < {e_}) ins"
        " ON ins.enterprise = ce.enterprise"
        f" WHERE ce.campaign = {campaign} AND e.org_unit IN (SELECT id FROM org_unit WHERE"
        f" path LIKE '{path_like}')" + (f" GROUP BY {pkey}" if group_by else "")
    )
    return f"{counts} UNION ALL {plan}"


# ---------------------------------------------------------------- the run


def median_ms(samples: list[float]) -> float:
    return statistics.median(samples) * 1000


async def timed(fn, repeat: int) -> tuple[float, object]:
    result = await fn()  # warm-up
    samples = []
    for _ in range(repeat):
        started = time.perf_counter()
        result = await fn()
        samples.append(time.perf_counter() - started)
    return median_ms(samples), result


async def main(args) -> None:
    import httpx

    from safety.demo import benchdata
    from safety.migrations import apply_migrations
    from safety.settings import get_settings

    settings = get_settings()
    url = settings.resolved_database_url
    sqlite = url.startswith("sqlite:")
    await apply_migrations()
    from safety.db import close_pool, open_pool
    from safety.tables import Campaign, OrgUnit

    if not args.reuse:
        started = time.perf_counter()
        counts = await benchdata.generate(
            url, args.enterprises, args.hazards, args.seed, settings.timezone
        )
        print(f"bench-data: {counts} in {time.perf_counter() - started:.1f} s", flush=True)
    await open_pool()
    street = (
        await OrgUnit.select(OrgUnit.id, OrgUnit.path)
        .where(OrgUnit.kind == "street", OrgUnit.name.like(f"基准街道{args.seed}-%"))
        .order_by(OrgUnit.id)
        .first()
        .run()
    )
    campaign = (
        await Campaign.select(Campaign.id)
        .where(Campaign.org_unit == street["id"])
        .order_by(Campaign.id)
        .first()
        .run()
    )["id"]
    from safety.accounts.auth import issue_token
    from safety.accounts.service import NewUser, create_user
    from safety.actors import SYSTEM
    from safety.tables import User

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
    token, _ = issue_token(user["id"], user["token_epoch"])
    headers = {"Authorization": f"Bearer {token}"}
    from rectification.figures.definitions import end_of_day
    from safety.app import create_app
    from safety.settings import local_today

    app = create_app()
    today = local_today()
    past = today - dt.timedelta(days=90)
    zone = settings.timezone
    path_like = f"{street['path']}%"
    rows = []
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://bench.local"
    ) as client:

        async def endpoint(path, params):
            async def go():
                r = await client.get(path, params=params, headers=headers)
                assert r.status_code == 200, r.text
                return r.json()

            return go

        async def hand(sql):
            async def go():
                return await OrgUnit.raw(sql).run()

            return go

        def compare(out, hand_rows, group_by, with_plan):
            """The endpoint's numbers equal the hand-written query's."""
            merged: dict = {}
            for r in hand_rows:
                k = r["k"] if group_by else None
                k = int(k) if isinstance(k, float | int) and group_by else k
                m = merged.setdefault(k, {})
                for c in (*FIGURES, "planned", "inspected"):
                    m[c] = (
                        m.get(c, 0) + int(list(r.values())[list(r).index(c)] or 0) if c in r else 0
                    )
            groups = out["groups"] if group_by else [out]
            for g in groups:
                k = g.get("key") if group_by else None
                want = merged.get(k, {})
                for f in FIGURES:
                    name = "hazards_closed_on_time" if f == "on_time" else f"hazards_{f}"
                    assert g[name] == want.get(f, 0), (group_by, k, f, g, want)
                if with_plan:
                    assert g["enterprises_planned"] == want.get("planned", 0), (
                        group_by,
                        k,
                        g,
                        want,
                    )
                    assert g["enterprises_inspected"] == want.get("inspected", 0), (group_by, k)

        for scope in ("campaign", "street"):
            for as_of in (None, past):
                for group_by in GROUPS:
                    if scope == "street" and group_by in ("batch", "agency"):
                        continue
                    params = {}
                    if as_of:
                        params["as_of"] = as_of.isoformat()
                    if group_by:
                        params["group_by"] = group_by
                    end = end_of_day(as_of or today, zone)
                    subtree = (
                        f"e.org_unit IN (SELECT id FROM org_unit WHERE path LIKE '{path_like}')"
                    )
                    day, current = as_of or today, as_of is None
                    if scope == "campaign":
                        path = f"/api/v1/campaigns/{campaign}/stats"
                        where = f"h.campaign = {campaign} AND {subtree}"
                        sql = hand_sql(
                            sqlite, where, group_by, day, current, end, path_like, campaign
                        )
                    else:
                        path = f"/api/v1/org-units/{street['id']}/stats"
                        sql = hand_sql(sqlite, subtree, group_by, day, current, end, path_like)
                    t_api, out = await timed(await endpoint(path, params), args.repeat)
                    t_sql, hand_rows = await timed(await hand(sql), args.repeat)
                    compare(out, hand_rows, group_by, scope == "campaign")
                    rows.append((scope, group_by or "-", str(as_of or "today"), t_api, t_sql))
                    print(
                        f"{scope:9} {group_by or '-':9} {as_of or 'today'!s:10}"
                        f" endpoint {t_api:9.1f} ms  hand SQL {t_sql:9.1f} ms"
                        f"  ratio {t_api / t_sql:5.2f}",
                        flush=True,
                    )
        # the hazard list: 50 rows with enterprise and grid names, and the total
        for figure, as_of in (("overdue", None), ("found", past)):
            params = {"limit": 50, "figure": figure, "org_unit_id": street["id"]}
            if as_of:
                params["as_of"] = as_of.isoformat()
            t_api, out = await timed(await endpoint("/api/v1/hazards", params), args.repeat)
            if as_of is None:
                pred = (
                    "h.status IN ('pending','rectifying') AND"
                    f" COALESCE(h.effective_deadline, h.deadline) < {lit(today, sqlite, 'date')}"
                )
            else:
                e_ = lit(end_of_day(as_of, zone), sqlite, "ts")
                pred = (
                    f"h.created_at < {e_} AND (SELECT t.to_status FROM hazard_transition t"
                    f" WHERE t.hazard = h.id AND t.at < {e_} ORDER BY t.at DESC, t.id DESC"
                    " LIMIT 1) <> 'voided'"
                )
            base = (
                f" FROM hazard h JOIN enterprise e ON e.id = h.enterprise JOIN org_unit g"
                f" ON g.id = e.org_unit WHERE g.path LIKE '{path_like}' AND {pred}"
            )
            sql = (
                f"SELECT h.*, e.name AS enterprise_name, g.name AS grid_name,"
                f" (SELECT COUNT(*){base}) AS total{base}"
                " ORDER BY h.found_on DESC, h.id DESC LIMIT 50"
            )
            t_sql, hand_rows = await timed(await hand(sql), args.repeat)
            assert out["total"] == (hand_rows[0]["total"] if hand_rows else 0), (out["total"],)
            assert [h["id"] for h in out["items"]] == [r["id"] for r in hand_rows]
            label = f"list {figure}"
            rows.append(("hazards", label, str(as_of or "today"), t_api, t_sql))
            print(
                f"{'hazards':9} {label:9} {as_of or 'today'!s:10} endpoint {t_api:9.1f} ms"
                f"  hand SQL {t_sql:9.1f} ms  ratio {t_api / t_sql:5.2f}",
                flush=True,
            )
    await close_pool()
    worst = max(r[3] / r[4] for r in rows if r[0] != "hazards")
    print(f"worst stats ratio: {worst:.2f} (target <= 1.5)")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--enterprises", type=int, default=10_000)
    parser.add_argument("--hazards", type=int, default=200_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--reuse", action="store_true")
    asyncio.run(main(parser.parse_args()))
