"""Messages of the home pages (key → (Chinese, English)), registered with ``safety.i18n``.
One language per message."""

from __future__ import annotations

from safety import i18n

MESSAGES: dict[str, tuple[str, str]] = {
    "home.queue": ("待办事项", "Waiting for you"),
    "home.more": ("更多功能", "More"),
    "home.none": ("暂无待办事项。", "Nothing is waiting for you."),
    "home.all": ("查看全部", "See all"),
    # the enterprise
    "home.ent.todo": ("待整改", "To rectify"),
    "home.ent.due": ("即将到期", "Due soon"),
    "home.ent.due_hint": ("{n} 天内到期", "Due within {n} days"),
    "home.ent.overdue": ("已逾期", "Overdue"),
    "home.ent.returned": ("被退回", "Sent back"),
    "home.ent.returned_hint": (
        "验收不通过，请按意见整改后重新提交",
        "Failed verification: fix and submit again",
    ),
    "home.ent.decided": ("延期结果", "Extension decisions"),
    "home.ent.decided_hint": ("近 {n} 天的审批结果", "Decided in the last {n} days"),
    "home.ent.self": ("企业自查", "Self-inspections"),
    "home.ent.self_open": ("进行中的自查", "Self-inspections under way"),
    "home.ent.self_last": ("上次自查：{day}", "Last self-inspection: {day}"),
    "home.ent.self_never": ("尚未完成自查", "No self-inspection yet"),
    "home.ent.self_due_next": ("下次自查 {day}", "Next self-inspection {day}"),
    "home.ent.self_due_over": ("自查已到期 {n} 天", "Self-inspection {n} days overdue"),
    "home.ent.self_due_never": ("尚未自查，请开始自查", "No self-inspection yet: start one"),
    "home.ent.self_start": ("开始自查", "Start a self-inspection"),
    "home.ent.self_continue": ("继续进行中的自查", "Continue the self-inspection"),
    "home.ent.documents": ("最近的检查文书", "Latest inspection documents"),
    "home.ent.no_documents": ("暂无已提交的检查。", "No submitted inspections yet."),
    "home.ent.reason": ("退回意见", "Reason"),
    "home.ent.no_reason": ("（未填写意见）", "(no comment given)"),
    "home.ent.rectify": ("去整改", "Rectify"),
    "home.ext.approved": ("已批准，新期限 {day}", "Approved, new deadline {day}"),
    "home.ext.refused": ("未批准", "Refused"),
    "home.doc.report": ("检查报告", "Report"),
    "home.doc.notice": ("整改通知书", "Notice"),
    "home.doc.self_report": ("自查报告", "Self-inspection report"),
    "home.doc.self_notice": ("自查隐患整改单", "Self-inspection rectification list"),
    "home.doc.hazards": ("隐患 {n} 项", "{n} hazards"),
    "home.doc.self": ("企业自查", "Self-inspection"),
    "home.doc.inspection": ("检查", "Inspection"),
    # the officer
    "home.off.verify": ("待验收", "To verify"),
    "home.off.extensions": ("延期待批", "Extensions to decide"),
    "home.off.overdue": ("逾期隐患", "Overdue hazards"),
    "home.off.triage": ("巡查上报待研判", "Patrol reports to triage"),
    "home.off.today": ("今日检查", "Today's inspections"),
    "home.off.no_visits": ("今天辖区内没有安排检查。", "No inspections in your area today."),
    "home.off.campaigns": ("进行中的检查活动", "Live campaigns"),
    "home.off.no_campaigns": ("暂无进行中的检查活动。", "No campaign is running."),
    # the inspector
    "home.ins.today": ("今日待检", "Due today"),
    "home.ins.overdue": ("逾期未检", "Overdue visits"),
    "home.ins.in_progress": ("检查中", "In progress"),
    "home.ins.recheck": ("待复查", "To recheck"),
    "home.ins.now": ("现在要做的检查", "Visits to do now"),
    "home.ins.none": ("没有待做的检查。", "No visits to do now."),
    "home.ins.history": ("我的检查记录（{n}）", "My inspections ({n})"),
    "home.state.planned": ("待检查", "Planned"),
    "home.state.in_progress": ("检查中", "In progress"),
    "home.state.submitted": ("已提交", "Submitted"),
    # the grid worker
    "home.gw.new": ("待研判", "Awaiting triage"),
    "home.gw.hazard": ("已立案", "Became hazards"),
    "home.gw.referred": ("已转办", "Referred"),
    "home.gw.dismissed": ("不予立案", "Dismissed"),
    "home.gw.duplicate": ("重复上报", "Duplicates"),
    "home.gw.all_reports": ("查看全部上报", "All my reports"),
    "home.gw.report": ("随手拍上报", "Report what you see"),
    "home.gw.log": ("今日网格日志", "Today's patrol log"),
    "home.gw.log_missing": ("今天还没写", "Not written yet today"),
    "home.gw.log_written": ("今天已写", "Written today"),
    "home.gw.write": ("写日志", "Write the log"),
    "home.gw.add": ("补充日志", "Add to the log"),
    "home.gw.open": ("查看日志", "Open the log"),
    "home.gw.no_grid": (
        "您的账号未分配网格，请联系管理员。",
        "No grid is assigned to you: ask the administrator.",
    ),
    "home.gw.unvisited": ("本月未走访", "Not visited this month"),
    "home.gw.unvisited_hint": ("自 {day} 起的日志未记录", "Not in your logs since {day}"),
    "home.gw.unvisited_title": ("本月未走访的企业", "Enterprises not visited this month"),
    "home.gw.all_visited": (
        "本月网格内的企业都已走访。",
        "You have visited every enterprise this month.",
    ),
    "home.gw.more_unvisited": ("另有 {n} 家未列出", "{n} more not listed"),
}


def register_all() -> None:
    i18n.register(MESSAGES)
