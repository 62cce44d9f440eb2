"""The heading of a drill-down hazard list: what the figure filters of ``/hazards`` mean,
in words ("2026年冬季安全生产大检查 · 发现隐患 · 截至 2026-12-07"), and the way back to
the figures they came from; and the enterprise filter's chip (``enterprise_chip``).

Decisions where the issue is silent:
- The heading is shown when the list is opened with a figure's filters (``figure``,
  ``campaign_id``, ``batch_id``, ``agency_id``, ``industry``, ``source``); an org unit
  alone is the search form's own community filter and is shown by its select, but with a
  figure it is named in the heading too.
- Names are looked up within the officer's scope (the campaign through ``campaign_row``,
  batch, agency and org unit through the figures' ``group_label``, which only names what
  the campaign or the officer's subtree holds); anything else, or any name for another
  role, is shown by its number ("检查活动 #12"): a heading never reveals a name the list
  would not.
- ``as_of`` absent with a figure means today: the heading names the day itself.
- The way back is the campaign's figures page on the same day (and grouping, when the
  filter names one) for an officer; without a campaign, the dashboard. Other roles have
  no figures pages, so no link.
- At most four queries (campaign, and one per named batch / agency / org unit).
"""

from __future__ import annotations

import datetime as dt
from typing import Any
from urllib.parse import urlencode

from rectification.figures.service import group_label
from safety import i18n
from safety.actors import Actor
from safety.errors import DomainError
from safety.registry.rules import INDUSTRY_SECTIONS
from safety.registry.service import get_enterprise
from safety.tables import Role

# the filters that make a list a figure's records (``rectification.figures.links``)
FIGURE_KEYS = ("figure", "campaign_id", "batch_id", "agency_id", "industry", "source")

MESSAGES: dict[str, tuple[str, str]] = {
    "list.ctx.as_of": ("截至 {day}", "as of {day}"),
    "list.ctx.campaign": ("检查活动 #{id}", "Campaign #{id}"),
    "list.ctx.batch": ("批次 #{id}", "Batch #{id}"),
    "list.ctx.agency": ("第三方机构 #{id}", "Agency #{id}"),
    "list.ctx.org_unit": ("辖区 #{id}", "Area #{id}"),
    "list.ctx.no_batch": ("未分批次", "No batch"),
    "list.ctx.no_agency": ("无第三方机构", "No agency"),
    "list.ctx.no_industry": ("未填行业门类", "No industry section"),
    "list.ctx.industry": ("行业门类 {letter}", "Industry section {letter}"),
    "list.ctx.source.inspection": ("检查发现", "Found by inspections"),
    "list.ctx.source.self_report": ("企业自查", "Self-inspections"),
    "list.ctx.source.patrol": ("网格巡查", "Patrol reports"),
    "list.ctx.back": ("返回数据统计", "Back to the figures"),
}
i18n.register(MESSAGES)


def has_context(flt: Any) -> bool:
    """Whether the list was opened with a figure's filters."""
    return any(getattr(flt, k, None) is not None for k in FIGURE_KEYS)


def heading_parts(flt: Any, names: dict[str, str | None], today: dt.date, lang: str) -> list[str]:
    """The heading's parts in reading order: campaign, batch, agency, org unit, industry,
    source, figure, day. ``names`` holds the looked-up names (None: show the number)."""
    if not has_context(flt):
        return []

    def t(key: str, **values: Any) -> str:
        return i18n.translate(key, lang, **values)

    def named(kind: str, key: int | None, none_key: str | None = None) -> str | None:
        if key is None:
            return None
        if key == 0 and none_key:
            return t(none_key)
        return names.get(kind) or t(f"list.ctx.{kind}", id=key)

    parts = [
        named("campaign", flt.campaign_id),
        named("batch", flt.batch_id, "list.ctx.no_batch"),
        named("agency", flt.agency_id, "list.ctx.no_agency"),
        named("org_unit", flt.org_unit_id),
    ]
    if flt.industry is not None:
        if flt.industry == "none":
            parts.append(t("list.ctx.no_industry"))
        elif lang == "en":
            parts.append(t("list.ctx.industry", letter=flt.industry))
        else:
            parts.append(f"{flt.industry} {INDUSTRY_SECTIONS.get(flt.industry, '')}".strip())
    if flt.source is not None:
        parts.append(t(f"list.ctx.source.{flt.source}"))
    if flt.figure is not None:
        parts.append(t(f"fig.list.figure.{flt.figure}"))
        parts.append(t("list.ctx.as_of", day=(flt.as_of or today).isoformat()))
    return [p for p in parts if p]


def back_link(flt: Any, is_officer: bool, today: dt.date) -> str | None:
    """The figures page the list came from (officers only)."""
    if not is_officer:
        return None
    if flt.campaign_id is None:
        return "/dashboard"
    query = {"as_of": (flt.as_of or today).isoformat()}
    for key, group_by in (("batch_id", "batch"), ("agency_id", "agency"), ("industry", "industry")):
        if getattr(flt, key) is not None:
            query["group_by"] = group_by
    return f"/campaigns/{flt.campaign_id}/figures?{urlencode(query)}"


async def _names(actor: Actor, flt: Any) -> dict[str, str | None]:
    if actor.role != Role.officer:
        return {}
    from inspections.services.scope import campaign_row

    names: dict[str, str | None] = {}
    campaign_id = flt.campaign_id
    if campaign_id is not None:
        try:
            names["campaign"] = (await campaign_row(actor, campaign_id))["name"]
        except DomainError:
            campaign_id = None  # not the officer's: no names of its batches either
    for kind, key in (("batch", flt.batch_id), ("agency", flt.agency_id)):
        if key and campaign_id is not None:
            label = await group_label(actor, campaign_id, kind, key)
            names[kind] = None if label == str(key) else label
    if flt.org_unit_id:
        label = await group_label(actor, 0, "community", flt.org_unit_id)
        names["org_unit"] = None if label == str(flt.org_unit_id) else label
    return names


async def list_context(actor: Actor, flt: Any, today: dt.date, lang: str) -> dict | None:
    """``{"parts": [...], "back": url | None}`` for a list opened with a figure's filters;
    None for a plain search."""
    if not has_context(flt):
        return None
    names = await _names(actor, flt)
    return {
        "parts": heading_parts(flt, names, today, lang),
        "back": back_link(flt, actor.role == Role.officer, today),
    }


async def enterprise_chip(actor: Actor, flt: Any, params: dict[str, str]) -> dict | None:
    """The ``enterprise_id`` filter as a chip: the enterprise's name and the query without
    it (× clears only that filter). The name is read with the registry's scope, so an
    enterprise the reader may not see (another area's, a missing id) is a 404, as
    ``/enterprises/{id}``: the page never names it (the list alone would just be empty)."""
    if flt.enterprise_id is None:
        return None
    return {
        "name": (await get_enterprise(actor, flt.enterprise_id))["name"],
        "without": urlencode({k: v for k, v in params.items() if v and k != "enterprise_id"}),
    }
