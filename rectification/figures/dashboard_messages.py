"""Messages of the figures pages (key → (Chinese, English)), registered with
``safety.i18n``."""

from __future__ import annotations

from safety import i18n

SUBCATEGORY_EN = {
    "电气": "Electrical",
    "消防": "Fire",
    "机械": "Machinery",
    "特种设备": "Special equipment",
    "危化品": "Hazardous chemicals",
    "有限空间": "Confined space",
    "粉尘": "Dust",
    "作业环境": "Work environment",
    "职业健康": "Occupational health",
    "制度/培训": "Rules/training",
    "应急": "Emergency",
    "其他": "Other",
}

MESSAGES: dict[str, tuple[str, str]] = {
    "nav.dashboard": ("数据看板", "Dashboard"),
    "fig.dashboard.title": ("数据看板", "Dashboard"),
    "fig.dashboard.intro": (
        "进行中的检查活动，截至 {day}。点击任一数字可查看对应的记录。",
        "Campaigns running today, as of {day}. Click any number for the records behind it.",
    ),
    "fig.dashboard.none": ("今天没有进行中的检查活动。", "No campaign is running today."),
    "fig.dashboard.all": ("全部检查活动", "All campaigns"),
    "fig.dashboard.ended": ("已结束的检查活动", "Campaigns that have ended"),
    "fig.dashboard.campaign": ("检查活动", "Campaign"),
    "fig.open_figures": ("数据统计", "Figures"),
    "fig.open_campaign": ("活动详情", "Campaign page"),
    "fig.title": ("{name} · 数据统计", "{name} · figures"),
    "fig.as_of": ("统计截至", "As of"),
    "fig.as_of_hint": (
        "按当天结束时系统所知的记录重算（之后录入或变更的不计）",
        "Recomputed from the records as the system knew them at the end of that day",
    ),
    "fig.group_by": ("分组", "Group by"),
    "fig.show": ("查看", "Show"),
    "fig.today": ("今天", "Today"),
    "fig.period": ("活动期间", "Period"),
    "fig.group.batch": ("批次", "Batch"),
    "fig.group.community": ("社区", "Community"),
    "fig.group.grid": ("网格", "Grid"),
    "fig.group.industry": ("行业", "Industry"),
    "fig.group.agency": ("第三方机构", "Agency"),
    "fig.enterprises_planned": ("计划检查企业", "Enterprises planned"),
    "fig.enterprises_inspected": ("已检查企业", "Enterprises inspected"),
    "fig.inspection_completion_rate": ("检查完成率", "Inspection completion"),
    "fig.hazards_found": ("发现隐患", "Hazards found"),
    "fig.hazards_major": ("重大隐患", "Major hazards"),
    "fig.hazards_closed": ("已销号", "Closed"),
    "fig.hazards_overdue": ("逾期未整改", "Overdue"),
    "fig.rectification_rate": ("整改率", "Rectification rate"),
    "fig.major_rectification_rate": ("重大隐患整改率", "Major-hazard rectification"),
    "fig.on_time_rate": ("按期整改率", "On-time rate"),
    "fig.short.planned": ("计划", "Planned"),
    "fig.short.inspected": ("已检查", "Inspected"),
    "fig.short.completion": ("完成率", "Completion"),
    "fig.short.found": ("隐患", "Found"),
    "fig.short.major": ("重大", "Major"),
    "fig.short.closed": ("销号", "Closed"),
    "fig.short.overdue": ("逾期", "Overdue"),
    "fig.short.rectification": ("整改率", "Rectified"),
    "fig.short.on_time": ("按期率", "On time"),
    "fig.fraction": ("{num} / {den}", "{num} / {den}"),
    "fig.breakdown": ("分组统计", "Breakdown"),
    "fig.breakdown.none": ("暂无分组数据。", "No groups."),
    "fig.sort_by": ("按此列排序", "Sort by this column"),
    "fig.total_row": ("合计", "Total"),
    "fig.charts": ("图表", "Charts"),
    "fig.found": ("发现", "Found"),
    "fig.closed": ("销号", "Closed"),
    "fig.bar.inspected": ("已检查 / 计划企业", "Inspected / planned"),
    "fig.bar.closed": ("已销号 / 发现隐患", "Closed / found"),
    "fig.chart.weekly": ("每周发现与销号隐患", "Hazards found and closed per week"),
    "fig.chart.subcategory": ("按隐患类别（已销号/发现）", "By sub-category (closed/found)"),
    "fig.chart.community": ("按社区（已销号/发现）", "By community (closed/found)"),
    "fig.chart.empty": ("暂无数据", "No data"),
    "fig.ent.title.planned": ("计划检查企业", "Planned enterprises"),
    "fig.ent.title.inspected": ("已检查企业", "Inspected enterprises"),
    "fig.ent.total": ("共 {n} 家", "{n} enterprises"),
    "fig.ent.name": ("企业名称", "Enterprise"),
    "fig.ent.uscc": ("统一社会信用代码", "USCC"),
    "fig.ent.place": ("社区 · 网格", "Community · grid"),
    "fig.ent.inspected": ("检查情况", "Inspected"),
    "fig.ent.yes": ("已检查", "Inspected"),
    "fig.ent.no": ("未检查", "Not yet"),
    "fig.ent.group": ("分组：{label}", "Group: {label}"),
    "fig.back": ("返回数据统计", "Back to the figures"),
    "fig.list.clear": ("清除", "Clear"),
    "fig.list.figure.found": ("发现隐患", "hazards found"),
    "fig.list.figure.major": ("重大隐患", "major hazards"),
    "fig.list.figure.general": ("一般隐患", "general hazards"),
    "fig.list.figure.closed": ("已销号", "closed"),
    "fig.list.figure.major_closed": ("重大隐患已销号", "major hazards closed"),
    "fig.list.figure.general_closed": ("一般隐患已销号", "general hazards closed"),
    "fig.list.figure.on_time": ("按期销号", "closed on time"),
    "fig.list.figure.overdue": ("逾期未整改", "overdue"),
    "fig.list.figure.open": ("未销号", "open"),
}


def subcategory_names(lang: str) -> dict[str, str]:
    """Sub-category labels for a chart: the stored (Chinese) value, or its English."""
    return SUBCATEGORY_EN if lang == "en" else {}


def register_all() -> None:
    i18n.register(MESSAGES)
