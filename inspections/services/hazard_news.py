"""Telling an enterprise of its hazards (隐患告知): the one path by which a hazard that reaches
an enterprise becomes an in-app notification of kind ``hazard.new`` to the enterprise's
contacts (its active users), linking the hazard. The daily digest (``safety remind``,
rectification.reminders) lists the same notifications again, so what the bell said is what
the digest says.

Each source calls ``announce_hazards`` at the moment the hazard reaches the enterprise:
- **inspection** (检查): when the inspection is *submitted* — the paper notice is handed over
  at the end of the visit, and a draft inspection's hazard list may still change. A hazard
  fixed on the spot (立行立改), closed at once, is told as found *and closed* (its title says
  so, the digest lists it apart), never as something to rectify. A hazard voided before the
  submit is not told.
- **self_report** (企业自查): the enterprise found it itself. A *major* one is escalated to the
  officers at once (``hazard.self_major``, when it is logged); the enterprise's *other*
  contacts get ``hazard.new`` at the same moment (it now has a deadline the street office
  follows); the contact who logged it is not told of their own act. A general self-found
  hazard stays the enterprise's own business: nobody is notified.
- **patrol** (网格巡查): when an officer triages a grid worker's report into a hazard.

A new source must be given its moment here and a case in
tests/rectification/test_hazard_notifications.py (which iterates over ``HazardSource``).

Cost: one SELECT of the hazards, one of the contacts and one INSERT per 500 notifications,
whatever the number of hazards and contacts (``notify_each``).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from inspections.checklists.rules import LEVEL_LABELS
from inspections.services.scope import enterprise_contacts
from inspections.tables import Hazard, HazardSource
from safety.actors import Actor
from safety.notifications.service import Message, notify_each
from safety.text import short

HAZARD_NEW = "hazard.new"  # the notification kind, for every source

# What found it, as the title says it.
FOUND_BY = {
    HazardSource.inspection.value: "检查发现",
    HazardSource.self_report.value: "企业自查上报",
    HazardSource.patrol.value: "网格巡查发现",
}


def announcement(
    source: str, level: str, fixed_on_spot: bool, deadline: dt.date | None
) -> str | None:
    """The title of the ``hazard.new`` notice of a hazard (without the enterprise's name),
    or None when the enterprise is not to be told (its own general self-found hazard).
    Chinese only: the row is stored once and shown as stored."""
    if source == HazardSource.self_report.value and level != "major":
        return None
    what = f"{FOUND_BY.get(source, '发现')}{LEVEL_LABELS.get(level, '')}隐患"
    if fixed_on_spot:
        return f"{what}，已立行立改销号"
    if deadline is None:
        return f"{what}，请整改"
    return f"{what}，请于 {deadline.isoformat()} 前整改"


async def announce_hazards(actor: Actor, where: Any) -> list[int]:
    """Tell the enterprises' contacts of the hazards matching ``where`` (a Piccolo condition
    on ``Hazard``), voided ones left out, the actor skipped. Call inside the source's write
    transaction, so the hazard and the notice of it land together. Returns the new
    notifications' ids."""
    rows = (
        await Hazard.select(
            Hazard.id,
            Hazard.enterprise,
            Hazard.enterprise.name.as_alias("enterprise_name"),
            Hazard.source,
            Hazard.level,
            Hazard.description,
            Hazard.fixed_on_spot,
            Hazard.deadline,
            Hazard.effective_deadline,
        )
        .where(where, Hazard.status != "voided")
        .order_by(Hazard.id)
        .run()
    )
    titled = [(r, _title(r)) for r in rows]
    titled = [(r, t) for r, t in titled if t is not None]
    if not titled:
        return []
    contacts = await enterprise_contacts({r["enterprise"] for r, _ in titled})
    return await notify_each(
        Message(
            user_ids=tuple(u for u in contacts.get(r["enterprise"], []) if u != actor.user_id),
            kind=HAZARD_NEW,
            title=f"{title}：{r['enterprise_name']}",
            body=short(r["description"], 120),
            link=f"/hazards/{r['id']}",
            object_type="hazard",
            object_id=r["id"],
        )
        for r, title in titled
    )


def _title(row: dict) -> str | None:
    deadline = row["effective_deadline"] or row["deadline"]
    if deadline is not None and not isinstance(deadline, dt.date):
        deadline = dt.date.fromisoformat(str(deadline)[:10])
    return announcement(row["source"], row["level"], bool(row["fixed_on_spot"]), deadline)
