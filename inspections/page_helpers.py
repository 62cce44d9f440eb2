"""Small helpers shared by the inspector's page modules (no rules: parsing and who is
asking)."""

from __future__ import annotations

from typing import Any

from litestar import Request

from inspections import rules
from safety.actors import Actor
from safety.errors import Forbidden, ValidationFailed
from safety.tables import Role


def wants_json(request: Request) -> bool:
    """The page's own script (the outbox) asks for JSON; a plain form post does not."""
    return request.headers.get("accept", "").startswith("application/json")


def is_its_inspector(actor: Actor, inspection: dict) -> bool:
    return actor.role == Role.inspector and any(
        p["id"] == actor.user_id for p in inspection.get("inspectors", [])
    )


def is_walker(actor: Actor, inspection: dict) -> bool:
    """Whether the actor walks this inspection (``rules.may_walk``): an inspector of its
    group, or for a self-inspection (企业自查) its enterprise's contact."""
    return rules.may_walk(
        actor.role.value,
        kind=inspection.get("kind", "campaign"),
        in_group=is_its_inspector(actor, inspection),
        own_enterprise=actor.role == Role.enterprise
        and inspection.get("enterprise_id") == actor.enterprise_id,
    )


def require_walker(actor: Actor, inspection: dict) -> None:
    """403 for anyone who may read the inspection but not walk it (an officer, or an
    enterprise on an inspection that is not its self-inspection)."""
    if not is_walker(actor, inspection):
        raise Forbidden("只有检查人员（企业自查时为本企业联系人）可以操作")


WALKERS = (Role.inspector, Role.enterprise)


def one_file(uploads: list) -> Any:
    """The single ``file`` an outbox request carries; 400 naming ``file`` otherwise."""
    if len(uploads) != 1:
        raise ValidationFailed.field("file", "请选择一个文件")
    return uploads[0]


def submit_missing(inspection: dict) -> list[dict[str, str]]:
    """What stands between the inspection (as ``get_inspection`` shows it) and its submit:
    the service's own rule (``rules.missing_for_submit``), so the pages and the submit
    never disagree."""
    sigs = inspection.get("signatures") or {}
    ent = sigs.get("enterprise") or {}
    return rules.missing_for_submit(
        [rules.ChecklistEntry(it["id"], it["code"], it["text"]) for it in inspection["items"]],
        [it["id"] for it in inspection["items"] if it.get("result")],
        inspector_signed=bool(sigs.get("inspector")),
        enterprise_signed=bool(ent) and not ent.get("refused_reason"),
        enterprise_refused=bool(ent.get("refused_reason")),
        self_inspection=inspection.get("kind") == rules.SELF,
    )


def signatures_done(inspection: dict) -> bool:
    """Both signatures are there (or the enterprise's refusal; a self-inspection needs
    its checker's only): the walk's 提交 becomes the primary button, 签字 secondary."""
    return not any(m["key"].startswith("signatures.") for m in submit_missing(inspection))


def lock_summary(inspection: dict, hazards: list[dict]) -> dict[str, Any]:
    """What a submit locks, for the confirmation: answers by result, hazards by level
    (and how many were fixed on the spot), the signatures or the recorded refusal."""
    results = {"pass": 0, "fail": 0, "na": 0}
    for it in inspection["items"]:
        if it.get("result") in results:
            results[it["result"]] += 1
    levels = {lvl: 0 for lvl in rules.LEVELS}
    for h in hazards:
        levels[h["level"]] = levels.get(h["level"], 0) + 1
    return {
        "answered": sum(results.values()),
        "total": len(inspection["items"]),
        "results": results,
        "hazards": len(hazards),
        "levels": levels,
        "fixed_on_spot": sum(1 for h in hazards if h.get("fixed_on_spot")),
    }
