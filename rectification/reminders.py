"""``safety remind``: nobody chases anybody by phone.

Once a day (cron or a systemd timer, see docs/ops/commands.md) this finds
- hazards due within ``remind_due_days`` (default 3) → the enterprise's contacts;
- overdue hazards (逾期) → the enterprise's contacts and the officers over it;
- submissions waiting for verification longer than ``remind_verify_days`` (default 2)
  → the officers over it and the inspectors of the hazard's inspection;
- pending extension requests → the officers over it;
- grid workers' patrol reports untriaged longer than ``patrol_untriaged_days`` (default 2)
  → the officers over the grid;
- hazards that reached an enterprise (the ``hazard.new`` notices of
  inspections.services.hazard_news, every source alike) in the 24 hours before the run
  → the contacts who were told: to rectify, or (立行立改) already closed;
and leaves each person ONE digest a day (an in-app notification whose ``dedupe_key`` is
``digest:<day>:<user>``), then delivers the new digests — and any of today's whose e-mail or
webhook failed before — by e-mail and webhook where configured. Running it twice a day
sends nothing twice.

A constant number of queries whatever the size: one per kind of reminder (two for the
inspectors of waiting hazards and for new hazards, whose links are not foreign keys the
query builder can follow) and two for the recipients; the grouping by person is done here,
over rows already fetched. Every query is Piccolo's builder (docs/dev/sql.md).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from piccolo.query.functions.aggregate import Max
from piccolo.query.functions.conditional import Coalesce

from inspections.patrol import rules as patrol_rules
from inspections.patrol.tables import PatrolReport
from inspections.services.hazard_news import HAZARD_NEW
from inspections.services.scope import active_officers, enterprise_contacts, officers_over_path
from inspections.tables import Hazard, InspectionInspector
from rectification import rules
from rectification.tables import EvidenceSubmission, ExtensionRequest
from safety.db import write_transaction
from safety.notifications.service import deliver
from safety.settings import get_settings, local_midnight, local_today
from safety.tables import Notification
from safety.text import short

SHOWN = 8  # items listed per section of a digest; the rest are counted
DESCRIBED = 30  # characters of a hazard's or report's description in a digest line


@dataclass
class Digest:
    sections: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))

    def add(self, section: str, line: str) -> None:
        self.sections[section].append(line)

    def render(self) -> tuple[str, str]:
        counts = [f"{name} {len(lines)} 项" for name, lines in self.sections.items()]
        title = "安全隐患提醒：" + "，".join(counts)
        parts = []
        for name, lines in self.sections.items():
            parts.append(f"【{name}】{len(lines)} 项")
            parts.extend(f"· {line}" for line in lines[:SHOWN])
            if len(lines) > SHOWN:
                parts.append(f"· …… 另有 {len(lines) - SHOWN} 项")
        return title, "\n".join(parts)


@dataclass
class RemindReport:
    day: dt.date
    hazards_due: int = 0
    hazards_overdue: int = 0
    waiting_verification: int = 0
    pending_extensions: int = 0
    patrol_untriaged: int = 0
    hazards_new: int = 0
    digests_created: int = 0
    digests_existing: int = 0
    deliveries: dict[str, int] = field(default_factory=dict)


def _end_of_local_day(day: dt.date) -> dt.datetime:
    """The last instant of ``day`` in the configured time zone, as an aware datetime."""
    return local_midnight(day + dt.timedelta(days=1)) - dt.timedelta(microseconds=1)


def _as_datetime(value: Any) -> dt.datetime:
    """A timestamp as the engine returns it (SQLite: text) → an aware datetime."""
    if not isinstance(value, dt.datetime):
        value = dt.datetime.fromisoformat(str(value))
    return value if value.tzinfo else value.replace(tzinfo=dt.UTC)


def _as_date(value: Any) -> dt.date:
    return value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value)[:10])


OPEN = ("pending", "rectifying")


def _effective(hazard: Any = Hazard) -> Coalesce:
    """The deadline in force (kept by rectification.services when an extension is approved)
    of ``hazard`` (the table, or a foreign key leading to it), as ``effective``."""
    return Coalesce(hazard.effective_deadline, hazard.deadline, alias="effective")


async def collect(today: dt.date) -> tuple[dict[int, Digest], RemindReport]:
    s = get_settings()
    report = RemindReport(day=today)
    contacts, officers = await enterprise_contacts(), await active_officers()
    digests: dict[int, Digest] = defaultdict(Digest)

    open_rows = (
        await Hazard.select(
            Hazard.id,
            Hazard.enterprise,
            Hazard.status,
            Hazard.description,
            Hazard.enterprise.name.as_alias("enterprise_name"),
            Hazard.enterprise.org_unit.path.as_alias("path"),
            _effective(),
        )
        .where(Hazard.status.is_in(list(OPEN)))
        .order_by(Hazard.id)
        .run()
    )
    for r in open_rows:
        effective = _as_date(r["effective"])
        left = rules.days_left(effective, today)
        what = f"{r['enterprise_name']}：{short(r['description'], DESCRIBED)}（期限 {effective})"
        if rules.is_overdue(r["status"], effective, today):
            report.hazards_overdue += 1
            line = f"{what}，已逾期 {-left} 天"
            for uid in contacts.get(r["enterprise"], []):
                digests[uid].add("已逾期", line)
            for uid in officers_over_path(r["path"], officers):
                digests[uid].add("已逾期", line)
        elif 0 <= left <= s.remind_due_days:
            report.hazards_due += 1
            line = f"{what}，还剩 {left} 天" if left else f"{what}，今天到期"
            for uid in contacts.get(r["enterprise"], []):
                digests[uid].add("即将到期", line)

    cutoff = dt.datetime.now(dt.UTC) - dt.timedelta(days=s.remind_verify_days)
    h = EvidenceSubmission.hazard
    grouped = (h, h.description, h.source, h.level, h.enterprise)
    waiting = [
        r
        for r in await EvidenceSubmission.select(
            h.as_alias("id"),
            h.description.as_alias("description"),
            h.source.as_alias("source"),
            h.level.as_alias("level"),
            h.enterprise.as_alias("enterprise"),
            h.enterprise.name.as_alias("enterprise_name"),
            h.enterprise.org_unit.path.as_alias("path"),
            Max(EvidenceSubmission.submitted_at, alias="submitted_at"),
        )
        .where(h.status == "submitted")
        .group_by(*grouped, h.enterprise.name, h.enterprise.org_unit.path)
        .order_by(h)
        .run()
        if _as_datetime(r["submitted_at"]) < cutoff
    ]
    # The inspectors of each waiting inspection hazard: the hazards, then their groups.
    from_inspection = (Hazard.status == "submitted") & (Hazard.source == "inspection")
    by_inspection: dict[int, list[int]] = defaultdict(list)
    for r in (
        await InspectionInspector.select(InspectionInspector.inspection, InspectionInspector.user)
        .where(
            InspectionInspector.inspection.is_in(
                Hazard.select(Hazard.inspection).where(from_inspection)
            )
        )
        .order_by(InspectionInspector.id)
        .run()
    ):
        by_inspection[r["inspection"]].append(r["user"])
    inspectors: dict[int, list[int]] = {
        r["id"]: by_inspection[r["inspection"]]
        for r in await Hazard.select(Hazard.id, Hazard.inspection).where(from_inspection).run()
        if r["inspection"] in by_inspection
    }
    for r in waiting:
        report.waiting_verification += 1
        line = f"{r['enterprise_name']}：{short(r['description'], DESCRIBED)}"
        if r["source"] == "self_report" and r["level"] == "general":
            # 企业自查: the enterprise verifies its own general finding (rules.may_verify).
            verifiers = set(contacts.get(r["enterprise"], []))
        else:
            verifiers = {*officers_over_path(r["path"], officers), *inspectors.get(r["id"], [])}
        for uid in verifiers:
            digests[uid].add(f"待验收超过 {s.remind_verify_days} 天", line)

    x = ExtensionRequest
    for r in (
        await x.select(
            x.id,
            x.new_deadline,
            x.hazard.description.as_alias("description"),
            x.hazard.enterprise.name.as_alias("enterprise_name"),
            x.hazard.enterprise.org_unit.path.as_alias("path"),
        )
        .where(x.status == "pending", x.hazard.status.is_in(list(OPEN)))
        .order_by(x.id)
        .run()
    ):
        report.pending_extensions += 1
        line = (
            f"{r['enterprise_name']}：{short(r['description'], DESCRIBED)}，"
            f"申请延期至 {_as_date(r['new_deadline'])}"
        )
        for uid in officers_over_path(r["path"], officers):
            digests[uid].add("待审批延期", line)

    # 网格巡查: grid workers' reports still untriaged after ``patrol_untriaged_days``, as
    # of now — or of the end of ``today`` when the digest of an earlier day is made.
    as_of = min(dt.datetime.now(dt.UTC), _end_of_local_day(today))
    cutoff = patrol_rules.untriaged_cutoff(as_of, s.patrol_untriaged_days)
    p = PatrolReport
    for r in (
        await p.select(
            p.id,
            p.description,
            p.reported_at,
            p.org_unit.name.as_alias("grid"),
            p.org_unit.path.as_alias("path"),
        )
        .where(p.status == "new", p.reported_at < cutoff)
        .order_by(p.id)
        .run()
    ):
        reported = _as_datetime(r["reported_at"])
        report.patrol_untriaged += 1
        line = (
            f"{r['grid']}：{short(r['description'], DESCRIBED)}"
            f"（上报于 {local_today(reported)}，#{r['id']}）"
        )
        for uid in officers_over_path(r["path"], officers):
            digests[uid].add(f"巡查上报待研判超过 {s.patrol_untriaged_days} 天", line)

    await _new_hazards(today, as_of, digests, report)
    return digests, report


async def _new_hazards(
    today: dt.date, as_of: dt.datetime, digests: dict[int, Digest], report: RemindReport
) -> None:
    """新发现隐患: each ``hazard.new`` notice of the 24 hours before ``as_of`` (never before
    the eve of ``today``, so a digest of a day to come lists none) goes into its recipient's
    digest — a daily run at a fixed hour lists each once. A hazard voided since is left out;
    one fixed on the spot (立行立改) is listed as closed, not as work to do."""
    since = max(as_of - dt.timedelta(days=1), local_midnight(today - dt.timedelta(days=1)))
    if since >= as_of:
        return
    n = Notification
    told = (
        (n.kind == HAZARD_NEW)
        & (n.object_type == "hazard")
        & (n.created_at > since)
        & (n.created_at <= as_of)
    )
    # ``object_id`` is no foreign key: the hazards noticed, then the notices in order.
    hazards = {
        r["id"]: r
        for r in await Hazard.select(
            Hazard.id,
            Hazard.description,
            Hazard.fixed_on_spot,
            _effective(),
            Hazard.enterprise.name.as_alias("enterprise_name"),
        )
        .where(Hazard.id.is_in(n.select(n.object_id).where(told)), Hazard.status != "voided")
        .run()
    }
    seen: set[int] = set()
    for notice in await n.select(n.user, n.object_id).where(told).order_by(n.id).run():
        r = hazards.get(notice["object_id"])
        if r is None:
            continue
        r = {**r, "uid": notice["user"]}
        seen.add(r["id"])
        what = f"{r['enterprise_name']}：{short(r['description'], DESCRIBED)}"
        if r["fixed_on_spot"]:
            digests[r["uid"]].add("立行立改已销号", what)
        else:
            digests[r["uid"]].add("新发现隐患", f"{what}（期限 {_as_date(r['effective'])}）")
    report.hazards_new = len(seen)


def dedupe_key(day: dt.date, user_id: int) -> str:
    return f"digest:{day.isoformat()}:{user_id}"


async def run_reminders(today: dt.date | None = None) -> RemindReport:
    """Collect, leave one digest per person for ``today`` (once), deliver."""
    today = today or local_today()
    digests, report = await collect(today)
    prefix = f"digest:{today.isoformat()}:"
    async with write_transaction():
        existing = {
            r["dedupe_key"]
            for r in await Notification.select(Notification.dedupe_key)
            .where(Notification.dedupe_key.like(prefix + "%"))
            .run()
        }
        fresh = []
        for uid, digest in sorted(digests.items()):
            key = dedupe_key(today, uid)
            if key in existing:
                report.digests_existing += 1
                continue
            title, body = digest.render()
            fresh.append(
                Notification(
                    user=uid, kind="reminder.digest", title=title[:200], body=body, dedupe_key=key
                )
            )
        for start in range(0, len(fresh), 500):  # one statement per 500 digests
            await Notification.insert(*fresh[start : start + 500]).run()
        report.digests_created = len(fresh)
    todays = [
        r["id"]
        for r in await Notification.select(Notification.id)
        .where(Notification.dedupe_key.like(prefix + "%"))
        .run()
    ]
    report.deliveries = await deliver(todays)
    return report
