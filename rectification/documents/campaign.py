"""The campaign summary (检查活动总结报告): the figures of the product rules as of today (the
stats services: SQL, reconstructed from history), the breakdowns by batch, community and
industry, the dashboard's own SVG charts (same functions, same series), and the lists of
major and overdue hazards."""

from __future__ import annotations

from typing import Any

from markupsafe import Markup

from inspections import services as inspections
from inspections.documents.context import LEVELS, STATUSES, org_names, street_office
from rectification.figures.campaign_charts import campaign_charts
from rectification.figures.service import campaign_stats
from safety import charts
from safety.actors import Actor
from safety.reports.render import Resources
from safety.settings import local_today
from safety.tables import Campaign

KINDS = {
    "special_rectification": "专项整治",
    "seasonal": "季节性大检查",
    "third_party": "第三方专家排查",
    "routine": "日常检查",
}
GROUPS = (("batch", "按批次"), ("community", "按社区"), ("industry", "按行业"))
LIST_LIMIT = 500
# The charts name the screen's font stack; on paper the document's own fonts come first.
PRINT_FONT = '"SafetyCJK","Noto Sans CJK SC",sans-serif'


def _print_svg(svg: Any) -> Markup:
    return Markup(str(svg).replace(charts.FONT, PRINT_FONT.replace('"', "'")))  # noqa: S704 - safety.charts escapes every label


def _hazard_rows(rows: list[dict]) -> list[dict]:
    return [
        {
            **h,
            "level_label": LEVELS.get(h["level"], h["level"]),
            "status_label": STATUSES.get(h["status"], h["status"]),
        }
        for h in rows
    ]


async def campaign_context(actor: Actor, campaign_id: int) -> tuple[dict[str, Any], Resources]:
    today = local_today()
    stats = await campaign_stats(actor, campaign_id, today)  # 404 outside the officer's scope
    campaign = await Campaign.select().where(Campaign.id == campaign_id).first().run()
    groups = {}
    for key, _ in GROUPS:
        groups[key] = (await campaign_stats(actor, campaign_id, today, key))["groups"]
    chart_svgs = await campaign_charts(actor, campaign_id, today, "zh")
    progress = {
        "inspected": charts.progress_bar(
            stats["enterprises_inspected"],
            stats["enterprises_planned"],
            title="检查完成率",
            label="已检查企业",
        ),
        "closed": charts.progress_bar(
            stats["hazards_closed"], stats["hazards_found"], title="整改率", label="已整改隐患"
        ),
    }
    majors, _ = await inspections.list_hazards(
        actor, inspections.HazardFilter(campaign_id=campaign_id, level="major"), LIST_LIMIT, 0
    )
    overdue, _ = await inspections.list_hazards(
        actor, inspections.HazardFilter(campaign_id=campaign_id, overdue=True), LIST_LIMIT, 0
    )
    names = await org_names(campaign["org_unit"])
    ctx = {
        "title": f"{campaign['name']} 总结报告",
        "campaign": campaign,
        "kind_label": KINDS.get(campaign["kind"], campaign["kind"]),
        "unit_name": names.get("community") or names.get("street") or "",
        "office": street_office(names),
        "today": today,
        "s": stats,
        "groups": [(label, groups[key]) for key, label in GROUPS],
        "charts": {k: _print_svg(v) for k, v in chart_svgs.items()},
        "progress": {k: _print_svg(v) for k, v in progress.items()},
        "majors": _hazard_rows([h for h in majors if h["status"] != "voided"]),
        "overdue": _hazard_rows(overdue),
        "limit": LIST_LIMIT,
    }
    return ctx, Resources()
