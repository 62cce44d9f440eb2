"""Rules for the patrol logs (网格日志) and the patrol figures, API and pages. "own" = the
World's grid worker's grid (grid1 of the own street) or a log kept there; "foreign" = the
foreign street's grid1 and its grid worker's log. A grid worker outside their grid and an
officer outside their subtree get 404; inspector, enterprise and admin 403."""

from __future__ import annotations

import datetime as dt
import itertools

from inspections.patrol import logs
from inspections.patrol.log_schemas import PatrolLogIn
from safety.settings import local_today
from tests import factories as f
from tests.permissions import LOGIN, NONE, OWN_FOREIGN, Req, Spec

OWN = {"own": 200, "foreign": 404}
NOBODY_ELSE = {"admin": 403, "inspector": 403, "enterprise": 403}
READERS = {**NOBODY_ELSE, "officer": 200, "grid_worker": 200}
SCOPED_READERS = {**NOBODY_ELSE, "officer": OWN, "grid_worker": OWN}
OFFICER_ONLY = {**NOBODY_ELSE, "officer": OWN, "grid_worker": 403}
# Each POST logs a different past day, so each one creates (201), never merges (200).
_days_back = itertools.count(1)


def _grid(w, target: str) -> int:
    return (w.tree if target == "own" else w.foreign_tree)["grid1"]["id"]


def _entry(w, target: str) -> dict:
    day = local_today() - dt.timedelta(days=next(_days_back) % 300)
    return {
        "org_unit_id": _grid(w, target),
        "date": day.isoformat(),
        "visited_enterprise_ids": [
            (w.enterprise if target == "own" else w.foreign_enterprise)["id"]
        ],
        "notes": "巡查正常",
    }


async def _log(w, target: str) -> dict:
    worker = w.grid_worker if target == "own" else w.foreign_grid_worker
    entry = PatrolLogIn(**{**_entry(w, target), "visited_enterprise_ids": []})
    return await logs.save_log(f.actor(worker), entry)


async def _list(w, target):
    return Req("GET", "/api/v1/patrol-logs")


async def _post(w, target):
    return Req("POST", "/api/v1/patrol-logs", json=_entry(w, target))


async def _one(w, target):
    log = await _log(w, target)
    return Req("GET", f"/api/v1/patrol-logs/{log['id']}")


async def _unvisited(w, target):
    return Req("GET", "/api/v1/patrol-logs/unvisited", params={"org_unit_id": _grid(w, target)})


async def _figures(w, target):
    street = (w.tree if target == "own" else w.foreign_tree)["street"]["id"]
    return Req("GET", "/api/v1/patrol-figures", params={"org_unit_id": street})


async def _form(w, target):
    return Req("GET", "/patrol/logs/new")


async def _form_post(w, target):
    entry = _entry(w, target)
    form = {**entry, "visited": str(entry.pop("visited_enterprise_ids")[0])}
    form.pop("visited_enterprise_ids", None)
    return Req("POST", "/patrol/logs/new", form=form)


async def _logs_page(w, target):
    return Req("GET", "/patrol/logs")


async def _unvisited_page(w, target):
    return Req("GET", "/patrol/logs/unvisited", params={"org_unit_id": _grid(w, target)})


async def _figures_page(w, target):
    street = (w.tree if target == "own" else w.foreign_tree)["street"]["id"]
    return Req("GET", "/patrol/figures", params={"org_unit_id": street})


async def _records_page(w, target):
    street = (w.tree if target == "own" else w.foreign_tree)["street"]["id"]
    return Req(
        "GET", "/patrol/figures/records", params={"org_unit_id": street, "figure": "reports"}
    )


SPECS = {
    ("GET", "/api/v1/patrol-logs"): Spec(_list, READERS),
    ("POST", "/api/v1/patrol-logs"): Spec(
        _post,
        {**NOBODY_ELSE, "officer": 403, "grid_worker": {"own": 201, "foreign": 404}},
        OWN_FOREIGN,
    ),
    ("GET", "/api/v1/patrol-logs/{log_id:int}"): Spec(_one, SCOPED_READERS, OWN_FOREIGN),
    ("GET", "/api/v1/patrol-logs/unvisited"): Spec(_unvisited, SCOPED_READERS, OWN_FOREIGN),
    ("GET", "/api/v1/patrol-figures"): Spec(_figures, OFFICER_ONLY, OWN_FOREIGN),
    ("GET", "/patrol/logs/new"): Spec(
        _form, {**NOBODY_ELSE, "officer": 403, "grid_worker": 200}, (NONE,), LOGIN
    ),
    ("POST", "/patrol/logs/new"): Spec(
        _form_post,
        {**NOBODY_ELSE, "officer": 403, "grid_worker": {"own": 303, "foreign": 404}},
        OWN_FOREIGN,
        LOGIN,
    ),
    ("GET", "/patrol/logs"): Spec(_logs_page, READERS, (NONE,), LOGIN),
    ("GET", "/patrol/logs/unvisited"): Spec(_unvisited_page, SCOPED_READERS, OWN_FOREIGN, LOGIN),
    ("GET", "/patrol/figures"): Spec(_figures_page, OFFICER_ONLY, OWN_FOREIGN, LOGIN),
    ("GET", "/patrol/figures/records"): Spec(_records_page, OFFICER_ONLY, OWN_FOREIGN, LOGIN),
}
