"""Pure rules of a patrol report (网格巡查上报): its triage (研判) and what each action needs.

A report is ``new`` until an officer triages it, once: make it a hazard (``hazard``),
dismiss it with a reason (``dismissed``), refer it to a department with a note
(``referred``), or link it to an earlier triaged report it duplicates (it then takes that
report's status, hazard and department). A report already triaged cannot be triaged
again (409).
"""

from __future__ import annotations

import datetime as dt

from safety.errors import InvalidTransition

STATUSES = ("new", "hazard", "dismissed", "referred")
ACTIONS = ("hazard", "dismiss", "refer", "duplicate")
ACTION_STATUS = {"hazard": "hazard", "dismiss": "dismissed", "refer": "referred"}
# Latitude/longitude from the phone: WGS-84 degrees.
LAT_RANGE = (-90.0, 90.0)
LNG_RANGE = (-180.0, 180.0)
DEFAULT_UNTRIAGED_DAYS = 2
# A hazard is rectified by an enterprise: a report about none (a home, a street corner)
# is referred or dismissed instead.
HAZARD_NEEDS_ENTERPRISE = "立案为隐患须指定企业；不涉及企业的上报请转办或不予立案"


def require_new(status: str) -> None:
    """A triage is taken once: any report not ``new`` is a 409."""
    if status != "new":
        raise InvalidTransition(
            f"该上报已研判（{status}），不能再次处理",
            [{"key": "status", "message": f"当前状态：{status}"}],
        )


def status_after(action: str, original_status: str | None = None) -> str:
    """The report's status after ``action``; a duplicate takes its original's status."""
    if action == "duplicate":
        if original_status is None or original_status == "new":
            raise ValueError("a duplicate needs a triaged original")
        return original_status
    return ACTION_STATUS[action]


def check_report(
    *,
    description: str,
    address: str,
    enterprise_id: int | None,
    lat: float | None,
    lng: float | None,
) -> list[dict[str, str]]:
    """Field errors of a new report (empty when it is fine). The place is the address or
    the enterprise: one of them is needed."""
    errors = []
    if not description.strip():
        errors.append({"key": "description", "message": "请写一句看到的问题"})
    if not address.strip() and enterprise_id is None:
        errors.append({"key": "address", "message": "请填写地点或选择企业"})
    if (lat is None) != (lng is None):
        key = "lng" if lng is None else "lat"
        errors.append({"key": key, "message": "经纬度须同时提供"})
    if lat is not None and not LAT_RANGE[0] <= lat <= LAT_RANGE[1]:
        errors.append({"key": "lat", "message": "纬度须在 -90 到 90 之间"})
    if lng is not None and not LNG_RANGE[0] <= lng <= LNG_RANGE[1]:
        errors.append({"key": "lng", "message": "经度须在 -180 到 180 之间"})
    return errors


def check_triage(
    *,
    action: str,
    reason: str,
    to: str,
    enterprise_id: int | None,
    duplicate_of: int | None,
) -> list[dict[str, str]]:
    """Field errors of a triage that do not need the database. The hazard fields are
    checked by the hazard rules (inspections.rules.check_hazard)."""
    errors = []
    if action not in ACTIONS:
        errors.append({"key": "action", "message": "action 须为 " + " / ".join(ACTIONS)})
        return errors
    if action == "dismiss" and not reason.strip():
        errors.append({"key": "reason", "message": "不予立案须写明理由"})
    if action == "refer":
        if not to.strip():
            errors.append({"key": "to", "message": "请选择转办部门"})
        if not reason.strip():
            errors.append({"key": "reason", "message": "转办须附说明"})
    if action == "hazard" and enterprise_id is None:
        errors.append({"key": "enterprise_id", "message": HAZARD_NEEDS_ENTERPRISE})
    if action == "duplicate" and duplicate_of is None:
        errors.append({"key": "duplicate_of", "message": "请指定重复的上报编号"})
    return errors


def untriaged_cutoff(as_of: dt.datetime, days: int = DEFAULT_UNTRIAGED_DAYS) -> dt.datetime:
    """Reports made before this instant have waited "longer than ``days`` days" at
    ``as_of``: whole 24-hour days, not calendar dates (a report of 23:50 is not two days
    old at 00:10 two dates later)."""
    return as_of - dt.timedelta(days=days)


# 我的上报 by outcome: each report in exactly one. A report linked as a duplicate (重复上报)
# takes its original's status (``status_after``) but its outcome for
# the worker is 重复, so the five counts add up to all their reports.
GRID_OUTCOMES = ("new", "hazard", "referred", "dismissed", "duplicate")


def outcome_filter(outcome: str) -> tuple[str | None, bool]:
    """The (status, duplicate) a list filters on for ``outcome``: a status, or None for
    any; ``duplicate`` whether the report is linked as a duplicate (else it is not)."""
    if outcome not in GRID_OUTCOMES:
        raise ValueError(f"unknown outcome {outcome!r}")
    if outcome == "duplicate":
        return None, True
    return outcome, False
