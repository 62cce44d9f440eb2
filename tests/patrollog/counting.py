"""Count the statements the database engine runs inside a ``with`` block."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass


@dataclass
class Counter:
    count: int = 0


@contextmanager
def count_queries() -> Iterator[Counter]:
    from safety.db import engine

    cls = type(engine())
    counter = Counter()
    saved = {}
    for name in ("run_querystring", "run_ddl"):
        original = saved[name] = getattr(cls, name)

        async def counted(self, *args, _original=original, **kwargs):
            counter.count += 1
            return await _original(self, *args, **kwargs)

        setattr(cls, name, counted)
    try:
        yield counter
    finally:
        for name, original in saved.items():
            setattr(cls, name, original)
