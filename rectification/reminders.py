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

A constant number of queries whatever the size: one per kind of reminder and two for the
recipients; the grouping by person is done here, over rows already fetched.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from inspections.patrol import rules as patrol_rules
from inspections.services.hazard_news import HAZARD_NEW
from inspections.services.scope import active_officers, enterprise_contacts, officers_over_path
from rectification import rules
from safety.db import engine, write_transaction
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


async def _rows(sql: str, *args: Any) -> list[dict[str, Any]]:
    return await engine().run_querystring(_querystring(sql, *args))


def _querystring(sql: str, *args: Any):
    from piccolo.querystring import QueryString

    return QueryString(sql, *args)


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


# The deadline in force (kept by rectification.services when an extension is approved).
_EFFECTIVE = "COALESCE(h.effective_deadline, h.deadline)"


async def collect(today: dt.date) -> tuple[dict[int, Digest], RemindReport]:
    s = get_settings()
    report = RemindReport(day=today)
    contacts, officers = await enterprise_contacts(), await active_officers()
    digests: dict[int, Digest] = defaultdict(Digest)

    open_rows = await _rows(
        f"SELECT h.id, h.enterprise, h.status, h.description, e.name AS enterprise_name, "  # noqa: S608 - _EFFECTIVE is constant SQL; values bound
        f"o.path, {_EFFECTIVE} AS effective FROM hazard h "
        "JOIN enterprise e ON e.id = h.enterprise LEFT JOIN org_unit o ON o.id = e.org_unit "
        "WHERE h.status IN ('pending', 'rectifying')"
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
    waiting = [
        r
        for r in await _rows(
            "SELECT h.id, h.description, h.source, h.level, h.enterprise, "
            "e.name AS enterprise_name, o.path, "
            "MAX(s.submitted_at) AS submitted_at FROM hazard h "
            "JOIN evidence_submission s ON s.hazard = h.id "
            "JOIN enterprise e ON e.id = h.enterprise "
            "LEFT JOIN org_unit o ON o.id = e.org_unit "
            "WHERE h.status = 'submitted' "
            "GROUP BY h.id, h.description, h.source, h.level, h.enterprise, e.name, o.path"
        )
        if _as_datetime(r["submitted_at"]) < cutoff
    ]
    inspectors: dict[int, list[int]] = defaultdict(list)
    for r in await _rows(
        'SELECT ii."user" AS uid, h.id FROM inspection_inspector ii '
        "JOIN hazard h ON h.inspection = ii.inspection "
        "WHERE h.status = 'submitted' AND h.source = 'inspection'"
    ):
        inspectors[r["id"]].append(r["uid"])
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

    for r in await _rows(
        "SELECT x.id, x.new_deadline, h.description, e.name AS enterprise_name, o.path "
        "FROM extension_request x JOIN hazard h ON h.id = x.hazard "
        "JOIN enterprise e ON e.id = h.enterprise LEFT JOIN org_unit o ON o.id = e.org_unit "
        "WHERE x.status = 'pending' AND h.status IN ('pending', 'rectifying')"
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
    for r in await _rows(
        "SELECT p.id, p.description, p.reported_at, o.name AS grid, o.path "
        "FROM patrol_report p JOIN org_unit o ON o.id = p.org_unit "
        "WHERE p.status = 'new' AND p.reported_at < {}",
        cutoff,
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
    seen: set[int] = set()
    for r in await _rows(
        f'SELECT n."user" AS uid, h.id, h.description, h.fixed_on_spot, {_EFFECTIVE} AS '  # noqa: S608 - _EFFECTIVE is constant SQL; values bound
        "effective, e.name AS enterprise_name FROM notification n "
        "JOIN hazard h ON h.id = n.object_id JOIN enterprise e ON e.id = h.enterprise "
        "WHERE n.kind = {} AND n.object_type = 'hazard' AND n.created_at > {} "
        "AND n.created_at <= {} AND h.status <> 'voided' ORDER BY n.id",
        HAZARD_NEW,
        since,
        as_of,
    ):
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
