"""Texts of the inspection records (history and the enterprise's 检查记录), Chinese and
English, one language per message; registered with ``safety.i18n`` on import."""

from safety import i18n

MESSAGES: dict[str, tuple[str, str]] = {
    "records.title": ("检查记录", "Inspection records"),
    "records.hint.inspector": (
        "您参加的检查，最新的在前，已安排的检查列在最后；可重新打印检查报告和整改通知书。",
        "The inspections you took part in, newest first, the planned ones last; reprint"
        " their reports and notices.",
    ),
    "records.hint.officer": (
        "本辖区企业的检查，最新的在前，已安排的检查列在最后。",
        "Inspections of the enterprises in your area, newest first, the planned ones last.",
    ),
    "records.planned": ("已安排的检查", "Planned inspections"),
    "records.filter.from": ("检查日期从", "From"),
    "records.filter.to": ("至", "To"),
    "records.filter.q": ("企业名称", "Enterprise name"),
    "records.filter.state": ("状态", "State"),
    "records.count": ("共 {n} 次检查", "{n} inspections"),
    "records.empty": ("没有符合条件的检查。", "No inspection matches."),
    "records.col.day": ("检查日期", "Date"),
    "records.col.enterprise": ("企业", "Enterprise"),
    "records.col.campaign": ("检查活动", "Campaign"),
    "records.col.state": ("状态", "State"),
    "records.col.hazards": ("隐患", "Hazards"),
    "records.col.documents": ("文书", "Documents"),
    "records.self": ("企业自查", "Self-inspection"),
    "records.open": ("查看", "Open"),
    "records.report": ("检查报告", "Report"),
    "records.notice": ("整改通知书", "Notice"),
    "records.self_report": ("自查报告", "Self-inspection report"),
    "records.self_notice": ("自查隐患整改单", "Self-inspection rectification list"),
    "records.recheck": ("复查意见书", "Re-inspection opinion"),
    "records.self_recheck": ("自查复查记录", "Self-inspection recheck record"),
    "records.hazards_n": ("{n} 项", "{n}"),
    "records.state.planned": ("待检查", "Planned"),
    "records.state.in_progress": ("检查中", "In progress"),
    "records.state.submitted": ("已提交", "Submitted"),
    "records.state.cancelled": ("已取消", "Cancelled"),
    "records.section": ("检查记录", "Inspection records"),
    "records.section_empty": ("暂无检查记录。", "No inspections yet."),
    "records.section_more": (
        "仅列出 {n} 次检查。",
        "Only {n} inspections are listed.",
    ),
    "records.all_history": ("在检查记录中筛选", "Filter in the inspection records"),
    "records.hazards_link": ("该企业的隐患", "This enterprise's hazards"),
    "records.rechecks": ("已销号隐患的复查意见", "Re-inspection opinions of closed hazards"),
    "records.to_enterprise": ("企业档案", "Enterprise record"),
    "records.to_inspection": ("所属检查", "The inspection"),
    "records.err.range": ("结束日期不能早于开始日期", "The end date is before the start date"),
    "records.err.state": (
        "状态须为：待检查、检查中、已提交或已取消",
        "State must be planned, in progress, submitted or cancelled",
    ),
    "records.err.q": ("企业名称最多 100 个字", "At most 100 characters"),
    "records.err.date": ("日期格式应为 年-月-日，如 2026-03-01", "A date such as 2026-03-01"),
}
i18n.register(MESSAGES)
