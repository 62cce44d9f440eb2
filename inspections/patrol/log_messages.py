"""Messages of the patrol-log and patrol-figures pages (key → (Chinese, English))."""

from __future__ import annotations

from inspections.patrol.log_rules import MESSAGES as RULE_MESSAGES
from safety import i18n

MESSAGES: dict[str, tuple[str, str]] = {
    "plog.title": ("网格日志", "Patrol logs"),
    "plog.new": ("记日志", "Log today"),
    "plog.grid": ("网格", "Grid"),
    "plog.enterprise": ("企业", "Enterprise"),
    "plog.date": ("日期", "Date"),
    "plog.worker": ("网格员", "Grid worker"),
    "plog.visited": ("走访企业", "Enterprises visited"),
    "plog.visited_n": ("走访 {n} 家", "{n} visited"),
    "plog.notes": ("巡查情况", "Notes"),
    "plog.notes_hint": ("看到了什么、提醒了什么", "What you saw and told them"),
    "plog.save": ("保存日志", "Save log"),
    "plog.saved": ("日志已保存。", "Log saved."),
    "plog.merged": (
        "今天的日志已存在：本次内容已合并进去。",
        "Today's log existed: this entry was merged into it.",
    ),
    "plog.queued": ("已存入待发送，联网后自动提交。", "Queued: it is sent when online."),
    "plog.earlier": ("当天已记录", "Already logged that day"),
    "plog.none_in_grid": ("该网格暂无企业。", "No enterprises in this grid."),
    "plog.no_grid": ("您没有可记录的网格。", "You have no grid to log."),
    "plog.empty": ("暂无日志。", "No logs."),
    "plog.filter": ("筛选", "Filter"),
    "plog.all_grids": ("全部网格", "All grids"),
    "plog.all_workers": ("全部网格员", "All grid workers"),
    "plog.unvisited": ("未走访企业", "Not visited"),
    "plog.unvisited_title": ("{days} 天未走访的企业", "Not visited for {days} days"),
    "plog.days": ("天数", "Days"),
    "plog.last_visit": ("最近走访", "Last visit"),
    "plog.never": ("从未走访", "Never"),
    "plog.days_ago": ("{n} 天前", "{n} days ago"),
    "plog.logs_of": ("走访记录", "Visits"),
    "pfig.title": ("网格巡查统计", "Patrol figures"),
    "pfig.card": (
        "按网格、按网格员：上报、转为隐患、销号、转办、不予立案、研判用时",
        "By grid and grid worker: reports, hazards, closed, referred, dismissed, triage time",
    ),
    "pfig.by_grid": ("按网格", "By grid"),
    "pfig.by_worker": ("按网格员", "By grid worker"),
    "pfig.reports": ("上报", "Reports"),
    "pfig.new": ("待研判", "Untriaged"),
    "pfig.hazards": ("转为隐患", "Hazards"),
    "pfig.closed": ("已销号", "Closed"),
    "pfig.referred": ("转办", "Referred"),
    "pfig.dismissed": ("不予立案", "Dismissed"),
    "pfig.median": ("研判用时中位数", "Median time to triage"),
    "pfig.hours": ("{n} 小时", "{n} h"),
    "pfig.total": ("合计", "Total"),
    "pfig.from": ("上报日期自", "Reported from"),
    "pfig.to": ("至", "to"),
    "pfig.unit": ("范围", "Area"),
    "pfig.logs": ("日志", "Logs"),
    "pfig.visits": ("走访", "Visits"),
    "pfig.hazard": ("隐患", "Hazard"),
    "pfig.report": ("上报", "Report"),
    "pfig.found_on": ("发现日期", "Found on"),
    "pfig.reported_at": ("上报时间", "Reported at"),
    "pfig.show_idle": ("显示本期无数据的 {n} 项", "Show the {n} with nothing in this period"),
    "nav.patrol_logs": ("网格日志", "Patrol logs"),
    "nav.patrol_figures": ("巡查统计", "Patrol figures"),
}

i18n.register(MESSAGES)
i18n.register(RULE_MESSAGES)
