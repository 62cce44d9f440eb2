"""The stage the demo's history is played on (``safety.demo.history``): the fixtures, an
event queue run in time order on the demo clock (``safety.demo.clock``), the people
(the officer, one safety contact account per enterprise), and the services' replies cut
down while the history is made.
"""

from __future__ import annotations

import datetime as dt
import heapq
import io
import itertools
import json
import random
from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from safety.actors import SYSTEM, Actor, actor_from_user
from safety.demo.clock import travel_to
from safety.tables import User

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "demo"
CONTACT_PASSWORD = "Yiyuan@2024"


def read_fixture(name: str) -> Any:
    return json.loads((FIXTURES / name).read_text(encoding="utf-8"))


def _signature_png() -> bytes:
    """A drawn signature (a scribble), as the phone's canvas sends it."""
    from PIL import Image, ImageDraw

    img = Image.new("RGB", (240, 80), "white")
    draw = ImageDraw.Draw(img)
    draw.line([(12, 50), (40, 20), (62, 58), (90, 24), (120, 52), (150, 30), (220, 40)], "black", 3)
    buf = io.BytesIO()
    img.save(buf, "PNG")
    return buf.getvalue()


# ---------------------------------------------------------------- the event queue


@dataclass(order=True)
class _Event:
    at: dt.datetime
    seq: int
    run: Callable[[], Awaitable[None]] = field(compare=False)


class _Timeline:
    """Steps to run at their moments, earliest first (a step may schedule later ones)."""

    def __init__(self, zone: str) -> None:
        from zoneinfo import ZoneInfo

        self.zone = ZoneInfo(zone)
        self._heap: list[_Event] = []
        self._seq = itertools.count()

    def at(self, day: dt.date, hour: int, minute: int, run: Callable[[], Awaitable[None]]) -> None:
        moment = dt.datetime(day.year, day.month, day.day, hour, minute, tzinfo=self.zone)
        heapq.heappush(self._heap, _Event(moment, next(self._seq), run))

    async def play(self, until: dt.datetime | None = None) -> None:
        """Run the steps in time order; those after ``until`` (the real now, for the live
        campaign) are dropped: the demo has no future."""
        while self._heap:
            event = heapq.heappop(self._heap)
            if until is not None and event.at > until:
                continue
            local = event.at
            travel_to(local.date(), local.hour, local.minute)
            await event.run()


# ---------------------------------------------------------------- people


async def actor_named(username: str) -> Actor:
    return actor_from_user(await User.select().where(User.username == username).first().run())


async def _contacts(enterprises: list[dict]) -> dict[int, Actor]:
    """One safety contact account per enterprise (the registry's contact person), made by
    ``create_user``. They share the demo password, so it is hashed once."""
    from safety.accounts import service as accounts
    from safety.accounts.service import NewUser, create_user

    existing = {
        r["enterprise"]: actor_from_user(r)
        for r in await User.select()
        .where(User.role == "enterprise", User.enterprise.is_in([e["id"] for e in enterprises]))
        .run()
    }
    real_hash = accounts.hash_password
    digest = await real_hash(CONTACT_PASSWORD)

    async def same_hash(password: str) -> str:
        return digest if password == CONTACT_PASSWORD else await real_hash(password)

    accounts.hash_password = same_hash
    try:
        for e in enterprises:
            if e["id"] in existing:
                continue
            made = await create_user(
                SYSTEM,
                NewUser(
                    username=f"qy{e['id']:04d}",
                    password=CONTACT_PASSWORD,
                    role="enterprise",
                    display_name=e["contact_name"] or e["name"][:20],
                    enterprise_id=e["id"],
                    phone=e["contact_phone"] or None,
                ),
            )
            existing[e["id"]] = actor_from_user(
                await User.select().where(User.id == made["id"]).first().run()
            )
    finally:
        accounts.hash_password = real_hash
    return existing


# ---------------------------------------------------------------- the world


@dataclass
class World:
    """What every step of the history shares: its timeline, the officer, the enterprises'
    contacts, the drawn signature, the seeded randomness, and the counts of what it made."""

    timeline: _Timeline
    officer: Actor
    contacts: dict[int, Actor]
    signature: bytes
    rng: random.Random
    made: dict[str, int] = field(default_factory=dict)


async def make_world(enterprises: list[dict], seed: int) -> World:
    from safety.settings import get_settings

    return World(
        timeline=_Timeline(get_settings().timezone),
        officer=await actor_named("officer"),
        contacts=await _contacts(enterprises),
        signature=_signature_png(),
        rng=random.Random(seed),
    )


@contextmanager
def lean_replies() -> Iterator[None]:
    """While the history is made, the services' replies (the full hazard or inspection
    shape a page or the API shows, a dozen reads each) are cut to the ids and dates the
    loader uses next: the work itself — checks, transitions, audit, notifications — is
    the services' own, unchanged. This alone halves the demo's time."""
    from inspections.services import hazards as hazard_service
    from inspections.services import inspections as inspection_service
    from inspections.tables import Hazard, Inspection
    from rectification.services import plans, verification

    async def hazard_reply(hazard_id: int) -> dict:
        row = (
            await Hazard.select(
                Hazard.id,
                Hazard.found_on,
                Hazard.level,
                Hazard.enterprise,
                Hazard.deadline,
                Hazard.effective_deadline,
            )
            .where(Hazard.id == hazard_id)
            .first()
            .run()
        )
        return {**row, "enterprise_id": row["enterprise"]}

    async def inspection_reply(inspection_id: int) -> dict:
        row = (
            await Inspection.select(Inspection.id, Inspection.enterprise, Inspection.state)
            .where(Inspection.id == inspection_id)
            .first()
            .run()
        )
        return {**row, "enterprise_id": row["enterprise"]}

    async def rectification_reply(actor: Actor, hazard_id: int) -> dict:
        return {"id": hazard_id}

    # (the rectification services each bind ``hazard_detail`` by name: plan and evidence,
    # verification — the ones the history calls that reply with the hazard)
    patched = [
        (hazard_service, "_detail", hazard_reply),
        (inspection_service, "_detail", inspection_reply),
        (plans, "hazard_detail", rectification_reply),
        (verification, "hazard_detail", rectification_reply),
    ]
    saved = [(module, name, getattr(module, name)) for module, name, _ in patched]
    for module, name, reply in patched:
        setattr(module, name, reply)
    try:
        yield
    finally:
        for module, name, value in saved:
            setattr(module, name, value)


def import_services() -> None:
    """Import what the history calls before the clock is patched: a pydantic model defined
    while ``datetime.datetime`` is the demo's stand-in could not be built."""
    import inspections.checklists.service
    import inspections.schemas
    import inspections.services  # noqa: F401
    import rectification.schemas
    import rectification.services  # noqa: F401
    import safety.accounts.service  # noqa: F401
