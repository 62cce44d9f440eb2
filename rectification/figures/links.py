"""Links from a number to the records behind it (for dashboards, PDFs and exports).

Query-string convention of ``GET /api/v1/hazards`` (and the officer's /hazards/search page
reads the same names):
  figure=found|major|general|closed|major_closed|general_closed|on_time|overdue|open
  as_of=YYYY-MM-DD        (default today in the configured zone)
  campaign_id=N           (a campaign's figures)
  org_unit_id=N           (an org unit's subtree: community and grid groups, org-unit stats)
  batch_id=N | agency_id=N | industry=C   (0 / "none": the group without one)
  source=inspection|self_report|patrol, found_from=, found_to=   (org-unit stats' filters)
and of ``GET /api/v1/campaigns/{id}/enterprises``:
  figure=planned|inspected, as_of=, group_by=batch|community|grid|industry|agency with
  key=<the group's key> ("none": the group without one)
The list's ``total`` equals the figure: both are built from inspections.hazard_figures.
"""

from __future__ import annotations

import datetime as dt
from urllib.parse import urlencode

# stats field -> hazard list figure
HAZARD_FIGURE_OF = {
    "hazards_found": "found",
    "hazards_major": "major",
    "hazards_general": "general",
    "hazards_closed": "closed",
    "hazards_major_closed": "major_closed",
    "hazards_general_closed": "general_closed",
    "hazards_closed_on_time": "on_time",
    "hazards_overdue": "overdue",
    "hazards_open": "open",
}
ENTERPRISE_FIGURE_OF = {"enterprises_planned": "planned", "enterprises_inspected": "inspected"}


def _group_params(group_by: str | None, key: int | str | None) -> dict[str, str]:
    if group_by is None:
        return {}
    if group_by in ("community", "grid"):
        return {"org_unit_id": str(key)} if key is not None else {}
    if group_by == "source":
        return {"source": str(key)}
    name = {"batch": "batch_id", "agency": "agency_id", "industry": "industry"}[group_by]
    none = "none" if group_by == "industry" else "0"
    return {name: none if key is None else str(key)}


def figure_params(
    field: str,
    *,
    as_of: dt.date | None = None,
    campaign_id: int | None = None,
    org_unit_id: int | None = None,
    group_by: str | None = None,
    key: int | str | None = None,
    source: str | None = None,
    found_from: dt.date | None = None,
    found_to: dt.date | None = None,
) -> dict[str, str]:
    """The hazard-list query parameters behind one hazard figure (``field`` as in the
    stats, e.g. ``hazards_overdue``) of a campaign or an org unit, optionally of one group."""
    params: dict[str, str] = {"figure": HAZARD_FIGURE_OF[field]}
    if as_of is not None:
        params["as_of"] = as_of.isoformat()
    if campaign_id is not None:
        params["campaign_id"] = str(campaign_id)
    if org_unit_id is not None:
        params["org_unit_id"] = str(org_unit_id)
    params.update(_group_params(group_by, key))
    if source is not None:
        params["source"] = source
    if found_from is not None:
        params["found_from"] = found_from.isoformat()
    if found_to is not None:
        params["found_to"] = found_to.isoformat()
    return params


def figure_link(field: str, *, base: str = "/api/v1/hazards", **kwargs) -> str:
    """A URL listing the records behind a figure. Hazard figures open ``base`` (the API
    list, or ``/hazards/search`` for the officer's page) with ``figure_params``; the
    enterprise figures (``enterprises_planned``/``enterprises_inspected``) open
    ``/api/v1/campaigns/{campaign_id}/enterprises``."""
    if field in ENTERPRISE_FIGURE_OF:
        campaign_id = kwargs["campaign_id"]
        params = {"figure": ENTERPRISE_FIGURE_OF[field]}
        if kwargs.get("as_of") is not None:
            params["as_of"] = kwargs["as_of"].isoformat()
        if kwargs.get("group_by"):
            params["group_by"] = kwargs["group_by"]
            key = kwargs.get("key")
            params["key"] = "none" if key is None else str(key)
        return f"/api/v1/campaigns/{campaign_id}/enterprises?{urlencode(params)}"
    return f"{base}?{urlencode(figure_params(field, **kwargs))}"
