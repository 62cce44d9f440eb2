"""The org tree, the agencies and the enterprises: per 5,000 enterprises a street of 24
communities × 5 grids; five agencies; enterprises of GB/T 4754 sections (mostly C 制造业)
with valid 统一社会信用代码, spread over the grids."""

from __future__ import annotations

from safety.demo.benchdata.core import Context
from safety.rules import make_uscc

COMMUNITIES, GRIDS_PER_COMMUNITY = 24, 5
ENTERPRISES_PER_STREET = 5_000
INDUSTRIES = ("C",) * 12 + ("F",) * 3 + ("G", "G", "H", "H", "E", "O", "L", "D")
NAMES = ("恒达", "鑫源", "华泰", "金盛", "永安", "瑞丰", "宏远", "立信", "嘉诚", "顺发")
TRADES = ("金属制品", "机械加工", "食品", "包装材料", "建材", "物流", "商贸", "餐饮")
ENTERPRISE_COLUMNS = (
    "id",
    "name",
    "uscc",
    "industry",
    "scale",
    "org_unit",
    "is_key",
    "created_at",
    "updated_at",
)


async def org_tree(ctx: Context) -> None:
    streets = max(1, round(ctx.enterprises / ENTERPRISES_PER_STREET))
    columns = ("id", "name", "kind", "parent", "path", "created_at")
    rows, grids, street_ids = [], [], []
    for s in range(streets):
        (sid,) = ctx.new_ids("org_unit", 1)
        street_ids.append(sid)
        rows.append((sid, f"基准街道{ctx.seed}-{s + 1}", "street", None, f"/{sid}/", ctx.now))
        for c in range(COMMUNITIES):
            (cid,) = ctx.new_ids("org_unit", 1)
            cpath = f"/{sid}/{cid}/"
            rows.append((cid, f"基准社区{c + 1}", "community", sid, cpath, ctx.now))
            for g in range(GRIDS_PER_COMMUNITY):
                (gid,) = ctx.new_ids("org_unit", 1)
                rows.append(
                    (gid, f"基准社区{c + 1}第{g + 1}网格", "grid", cid, f"{cpath}{gid}/", ctx.now)
                )
                grids.append((sid, gid))
    ctx.add("org_unit", columns, rows)
    ctx.made["streets"] = street_ids
    ctx.made["grids"] = grids


async def agencies(ctx: Context) -> None:
    ids = list(ctx.new_ids("agency", 5))
    names = [f"基准安全技术服务公司{ctx.seed}-{k + 1}" for k in range(len(ids))]
    rows = [(i, name, True, ctx.now) for i, name in zip(ids, names, strict=True)]
    ctx.add("agency", ("id", "name", "active", "created_at"), rows)
    ctx.made["agencies"] = ids


async def enterprises(ctx: Context) -> None:
    rng, grids = ctx.rng, ctx.made["grids"]
    by_street: dict[int, list[int]] = {s: [] for s in ctx.made["streets"]}
    grid_of: dict[int, int] = {}
    rows = []
    for k, eid in enumerate(ctx.new_ids("enterprise", ctx.enterprises)):
        street, grid = grids[k % len(grids)]
        by_street[street].append(eid)
        grid_of[eid] = grid
        name = f"济南{rng.choice(NAMES)}{rng.choice(TRADES)}有限公司{eid}"
        uscc = make_uscc(f"9137{ctx.seed % 10000:04d}{eid % 10**9:09d}")
        scale = rng.choice(("small", "micro", "micro"))
        key = rng.random() < 0.02
        rows.append((eid, name, uscc, rng.choice(INDUSTRIES), scale, grid, key, ctx.now, ctx.now))
    ctx.add("enterprise", ENTERPRISE_COLUMNS, rows)
    ctx.made["enterprises_by_street"] = by_street
    ctx.made["grid_of"] = grid_of
