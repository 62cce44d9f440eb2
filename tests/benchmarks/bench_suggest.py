"""Top-3 hit rate and latency of the hazard form's suggestions over the checklist library's
own items, reworded the way an inspector would type them.

    .venv/bin/python tests/benchmarks/bench_suggest.py [--seed 19] [--repeat 3]

The library is fixtures/checklists/*.json (what ``safety migrate`` loads). Each item gives
several rewordings, built programmatically (no hand-picked queries):
- ``modal``: 应 / 须 / 必须 / 应当 removed;
- ``clause``: one comma-separated clause only (the longest), as someone naming the fault;
- ``reorder``: the clauses in reverse order;
- ``synonyms``: common safety words swapped for everyday ones (SYNONYMS below);
- ``negate``: the requirement phrased as the fault ("未" + the clause, the modal gone);
- ``truncate``: the first 8 characters only (typing stopped early);
- ``mixed``: synonyms + reorder + modal removed + one random clause dropped.
A hit is the item itself among the 3 suggestions. Duplicate texts (the same requirement in
two checklists) count as a hit for either item.
"""

from __future__ import annotations

import argparse
import json
import random
import re
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from inspections.checklists import suggest_rules  # noqa: E402

SYNONYMS = {
    "灭火器": "灭火瓶",
    "配电箱": "电箱",
    "疏散通道": "逃生通道",
    "安全出口": "逃生出口",
    "防护罩": "保护罩",
    "接地": "接地线",
    "作业人员": "工人",
    "从业人员": "员工",
    "操作规程": "操作规定",
    "警示标志": "警示牌",
    "检验": "检测",
    "有效期": "期限",
    "建立": "制定",
    "设置": "安装",
    "配备": "配置",
    "堆放": "堆",
    "明显": "显眼",
    "定期": "按时",
    "台账": "记录",
    "培训": "教育",
    "齐全": "完整",
    "牢固": "结实",
    "符合": "满足",
    "规定": "要求",
}
_CLAUSE = re.compile(r"[，,；;。、]")
_MODAL = re.compile(r"必须|应当|应|须")


def library() -> list[dict]:
    items = []
    for path in sorted((ROOT / "fixtures" / "checklists").glob("*.json")):
        data = json.loads(path.read_text(encoding="utf-8"))
        for section in data["sections"]:
            for it in section["items"]:
                items.append({**it, "checklist": data["code"]})
    return items


def clauses(text: str) -> list[str]:
    return [c for c in _CLAUSE.split(text) if c.strip()]


def synonyms(text: str) -> str:
    for word, other in SYNONYMS.items():
        text = text.replace(word, other)
    return text


def rewordings(text: str, rnd: random.Random) -> dict[str, str]:
    parts = clauses(text)
    longest = max(parts, key=len)
    out = {
        "modal": _MODAL.sub("", text),
        "clause": longest,
        "reorder": "，".join(reversed(parts)),
        "synonyms": synonyms(text),
        "negate": "未" + _MODAL.sub("", longest),
        "truncate": text[:8],
    }
    kept = list(reversed(parts))
    if len(kept) > 1:
        kept.pop(rnd.randrange(len(kept)))
    out["mixed"] = _MODAL.sub("", synonyms("，".join(kept)))
    return out


def run(seed: int, repeat: int) -> dict:
    items = library()
    index = suggest_rules.build(items)
    rnd = random.Random(seed)
    same_text: dict[str, set[int]] = {}
    for n, it in enumerate(items):
        same_text.setdefault(suggest_rules.normalise(it["text"]), set()).add(n)
    hits: dict[str, list[int]] = {}
    times: list[float] = []
    by_id = {id(e.item): n for n, e in enumerate(index)}
    for it in items:
        wanted = same_text[suggest_rules.normalise(it["text"])]
        for kind, query in rewordings(it["text"], rnd).items():
            for _ in range(repeat):
                start = time.perf_counter()
                top = suggest_rules.rank(query, index)
                times.append(time.perf_counter() - start)
            got = {by_id[id(e.item)] for _, e in top}
            hits.setdefault(kind, []).append(1 if got & wanted else 0)
    every = [h for v in hits.values() for h in v]
    times.sort()
    return {
        "items": len(items),
        "queries": len(every),
        "hit_rate": sum(every) / len(every),
        "by_kind": {k: sum(v) / len(v) for k, v in hits.items()},
        "median_ms": statistics.median(times) * 1000,
        "p95_ms": times[int(len(times) * 0.95)] * 1000,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=int, default=19)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    r = run(args.seed, args.repeat)
    print(f"library items: {r['items']}, reworded queries: {r['queries']}")
    print(f"top-3 hit rate: {r['hit_rate']:.1%} (goal >= 80%)")
    for kind, rate in r["by_kind"].items():
        print(f"  {kind:<9} {rate:.1%}")
    print(
        f"latency per query (ranking only): median {r['median_ms']:.2f} ms,"
        f" p95 {r['p95_ms']:.2f} ms"
    )


if __name__ == "__main__":
    main()
