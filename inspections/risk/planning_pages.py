"""The officer's risk pages: the colour map (community × industry, every cell opening its
enterprises in the registry list) and the due list (enterprises due or overdue for
inspection by their colour's frequency, 50 a page), which also starts a campaign plan
(from the whole list: the picker's ``due`` preset, not the page)."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from litestar import Request, Router, get
from litestar.di import NamedDependency
from litestar.params import FromQuery
from litestar.response import Template

from inspections.campaigns import bookings
from inspections.risk import planning
from inspections.risk.messages import labels
from inspections.risk.rules import COLOURS, UNRATED
from safety.accounts.actor import ACTOR, OFFICER_ONLY
from safety.actors import Actor
from safety.errors import ValidationFailed
from safety.i18n import lang_of, translate
from safety.pages import as_int, errors_by_field, page_offset
from safety.registry import service as registry
from safety.registry.messages import industry_name
from safety.tables import Role

PAGE_SIZE = 50


@get("/risk/map")
async def colour_map_page(request: Request, actor: NamedDependency[Actor]) -> Template:
    actor.require(Role.officer)
    lang = lang_of(request)
    grid = await planning.colour_map(actor)
    return Template(
        "risk/map.html",
        context={
            "map": grid,
            "industry_labels": {
                i: (industry_name(i, lang) if i else translate("map.industry_none", lang))
                for i in grid["industries"]
            },
            "legend": [*COLOURS, UNRATED],
            **labels(lang),
        },
    )


@get("/planning/due")
async def due_page(
    request: Request,
    actor: NamedDependency[Actor],
    colour: FromQuery[str | None] = None,
    org_unit_id: FromQuery[str | None] = None,
    not_inspected_days: FromQuery[str | None] = None,
    within_days: FromQuery[str | None] = None,
    offset: FromQuery[str | None] = None,
) -> Template:
    actor.require(Role.officer)
    lang = lang_of(request)
    params: dict[str, Any] = {
        "colour": colour or "",
        "org_unit_id": org_unit_id or "",
        "not_inspected_days": not_inspected_days or "",
        "within_days": within_days or "",
    }
    errors: dict[str, str] = {}
    rows: list[dict] = []
    total = 0
    start = page_offset(offset)
    try:
        bad = [
            {"key": k, "message": translate("due.filter.days", lang)}
            for k in ("not_inspected_days", "within_days", "org_unit_id")
            if params[k] and as_int(params[k]) is None
        ]
        if bad:
            raise ValidationFailed("筛选条件有误", bad)
        within = as_int(params["within_days"])
        listed = await planning.due_rows(
            actor,
            colours=planning.parse_colours(params["colour"]),
            org_unit_id=as_int(params["org_unit_id"]),
            not_inspected_days=as_int(params["not_inspected_days"]),
            within_days=planning.DEFAULT_WITHIN_DAYS if within is None else within,
        )
        # Ordered by the rules in Python (the local day of the last inspection plus the
        # colour's calendar months, clamped), then cut to the page: a street's list of
        # thousands no longer lands on one phone page. Reading the listed rows is ~0.05 s
        # at 5,000 enterprises (bench_risk); ordering in SQL measured no faster.
        total = len(listed)
        rows = listed[start : start + PAGE_SIZE]
        # 已安排: the page's rows already planned in a campaign that has not ended.
        booked = await bookings.bookings([r["enterprise_id"] for r in rows])
        rows = [{**r, "booked": bookings.booking_out(booked.get(r["enterprise_id"]))} for r in rows]
    except ValidationFailed as exc:
        errors = errors_by_field(exc)
    months = planning.frequencies()
    names = labels(lang)["colour_names"]
    freq = "，".join(
        f"{names[c]} {translate('due.months', lang, n=months[c])}" for c in (*COLOURS, UNRATED)
    )
    return Template(
        "risk/due.html",
        context={
            "rows": rows,
            "total": total,
            "offset": start,
            "page_size": PAGE_SIZE,
            "params": params,
            "errors": errors,
            "freq": freq,
            "units": await registry.unit_choices(actor),
            "query": urlencode({k: v for k, v in params.items() if v}),
            **labels(lang),
        },
        status_code=400 if errors else 200,
    )


page_router = Router(
    path="/",
    include_in_schema=False,
    dependencies=ACTOR,
    guards=[OFFICER_ONLY],
    route_handlers=[colour_map_page, due_page],
)
