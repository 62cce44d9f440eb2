"""``GET /inspections``: the inspection history (issue 19 point 4, "records you can
find"). An inspector sees the inspections whose group they are in, an officer their
area's (``scope.inspection_condition``); filtered by the day (from / to, inclusive), the
enterprise's name (contains) and the state; 30 a page with the shared pager; newest day
first. Each row opens the walk page (the officer's is the review page: ``/inspections/{id}``
sends them on) and, once started, reprints its report and notice.

Decisions where the issue is silent (also in docs/records.md):
- The dates filter ``scheduled_on``, the inspection's day (the day the documents carry);
  every state is listed by default, planned and cancelled included, so the page is the
  whole record; a planned or cancelled inspection has no documents.
- The enterprise contact's records are on its enterprise page (``registry/detail.html``,
  section 检查记录), not here: this page is 403 for them, as for the admin and the grid
  worker.
- A bad filter value (a date that is no date, to before from, an unknown state, a name
  over 100 characters) shows the page again with the message next to the field, status
  400, and lists nothing.
"""

from __future__ import annotations

from typing import Annotated, Any
from urllib.parse import urlencode

from litestar import Request, Router, get
from litestar.di import NamedDependency
from litestar.params import FromQuery, QueryParameter
from litestar.response import Template

from inspections.rules import STATES
from rectification.records import messages as _messages  # noqa: F401 - registers texts
from rectification.records import queries, rules
from safety.accounts.actor import ACTOR
from safety.actors import Actor
from safety.i18n import lang_of, translate
from safety.pages import page_offset, parse_date
from safety.tables import Role


def _filter(params: dict[str, str]) -> tuple[queries.HistoryFilter, list[dict[str, str]]]:
    errors: list[dict[str, str]] = []
    days = {}
    for key in ("date_from", "date_to"):
        days[key] = parse_date(params[key]) if params[key] else None
        if params[key] and days[key] is None:
            errors.append({"key": key, "message": "records.err.date"})
    q, state = params["q"].strip() or None, params["state"] or None
    errors += rules.filter_errors(days["date_from"], days["date_to"], state, q)
    return queries.HistoryFilter(days["date_from"], days["date_to"], q, state), errors


@get("/")
async def history_page(
    request: Request,
    actor: NamedDependency[Actor],
    date_from: FromQuery[str | None] = None,
    date_to: FromQuery[str | None] = None,
    q: FromQuery[str | None] = None,
    # ``state`` is a name Litestar reserves (the app state): read from the query as such
    state_: Annotated[str | None, QueryParameter(name="state")] = None,
    offset: FromQuery[str | None] = None,
) -> Template:
    actor.require(Role.inspector, Role.officer)
    lang = lang_of(request)
    params: dict[str, Any] = {
        "date_from": (date_from or "").strip(),
        "date_to": (date_to or "").strip(),
        "q": q or "",
        "state": (state_ or "").strip(),
    }
    flt, errors = _filter(params)
    start = page_offset(offset)
    rows: list[dict] = []
    total = 0
    if not errors:
        rows, total = await queries.history(actor, flt, rules.PAGE_SIZE, start)
    field_errors: dict[str, str] = {}
    for e in errors:
        field_errors.setdefault(e["key"], translate(e["message"], lang))
    return Template(
        "inspections/history.html",
        context={
            "rows": rows,
            "total": total,
            "offset": start,
            "page_size": rules.PAGE_SIZE,
            "params": params,
            "errors": field_errors,
            "states": STATES,
            "is_officer": actor.role == Role.officer,
            "query": urlencode({k: v for k, v in params.items() if v}),
        },
        status_code=400 if errors else 200,
    )


router = Router(
    path="/inspections", include_in_schema=False, dependencies=ACTOR, route_handlers=[history_page]
)
