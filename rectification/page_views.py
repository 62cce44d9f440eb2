"""What the hazard pages show, computed from the service shapes: the deadline countdown,
the photos by kind, the pending after-photos, the latest verification and extension request,
and the groups of the enterprise's "our hazards" list. Pure functions; no I/O."""

from __future__ import annotations

import datetime as dt
from typing import Any

from inspections.documents.issuer import is_own_recheck
from rectification import rules

GROUP_ORDER = ("pending", "rectifying", "submitted", "closed")
INSPECTOR_KINDS = ("problem", "recheck")


def countdown(hazard: dict, today: dt.date) -> dict[str, Any] | None:
    """``{"kind": "left"|"today"|"overdue", "days": n}`` for an open hazard, else None
    (submitted, closed and voided hazards are not counting down)."""
    if hazard["status"] not in ("pending", "rectifying"):
        return None
    left = rules.days_left(hazard["effective_deadline"], today)
    if left > 0:
        return {"kind": "left", "days": left}
    if left == 0:
        return {"kind": "today", "days": 0}
    return {"kind": "overdue", "days": -left}


def grouped(hazards: list[dict], today: dt.date) -> list[dict]:
    """The enterprise's hazards by status in life-cycle order; within an open group the
    nearest deadline first, among closed (and voided) ones the latest first — the hazard
    just closed heads its group instead of sinking below last year's. Voided ones form
    their own group at the end when listed at all."""
    groups: dict[str, list[dict]] = {}
    for h in hazards:
        groups.setdefault(h["status"], []).append({**h, "countdown": countdown(h, today)})
    order = [*GROUP_ORDER, "voided"]
    return [{"status": s, "hazards": _in_order(s, groups[s])} for s in order if s in groups]


def _in_order(status: str, hazards: list[dict]) -> list[dict]:
    if status in ("closed", "voided"):
        return sorted(
            hazards,
            key=lambda h: (h.get("rectified_on") or h["found_on"], h["id"]),
            reverse=True,
        )
    return sorted(hazards, key=lambda h: (h["effective_deadline"], h["id"]))


def page_view(hazard: dict, today: dt.date) -> dict[str, Any]:
    """The extra parts of the hazard page."""
    photos = hazard.get("photos") or []
    extensions = hazard.get("extension_requests") or []
    verifications = hazard.get("verifications") or []
    submissions = hazard.get("submissions") or []
    return {
        "countdown": countdown(hazard, today),
        "before_photos": [p for p in photos if p["kind"] == "problem"],
        "recheck_photos": [p for p in photos if p["kind"] == "recheck"],
        "pending_photos": [p for p in photos if p["kind"] == "rectified"],
        "last_extension": extensions[-1] if extensions else None,
        "pending_extension": next((x for x in extensions if x["status"] == "pending"), None),
        "last_verification": verifications[-1] if verifications else None,
        # the recheck document is the enterprise's own 自查复查记录 when it verified itself
        "own_recheck": bool(verifications)
        and is_own_recheck(hazard["source"], verifications[-1].get("by_role")),
        "last_submission": submissions[-1] if submissions else None,
        "is_major": hazard["level"] == "major",
        # 待会签 (SAFETY_MAJOR_COUNTERSIGN): the pass that waits for an officer's
        "countersign": _pending_pass(hazard, verifications, submissions),
        "five_musts": rules.FIVE_MUSTS,
    }


def _pending_pass(hazard: dict, verifications: list, submissions: list) -> dict | None:
    if hazard["status"] != "submitted" or not submissions or not verifications:
        return None
    latest = submissions[-1]["id"]
    if not rules.awaiting_countersign(verifications, latest):
        return None
    return verifications[-1]
