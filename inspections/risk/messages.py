"""Messages of the risk grading and planning pages (key → (Chinese, English)), registered
with ``safety.i18n`` on import, and the value labels in the request's language."""

from __future__ import annotations

from inspections.risk.rules import (
    ACCIDENT_TYPES,
    COLOURS,
    LEC_CONSEQUENCE,
    LEC_EXPOSURE,
    LEC_LIKELIHOOD,
    LS_LIKELIHOOD,
    LS_SEVERITY,
    MEASURE_KINDS,
    TIERS,
)
from safety import i18n

MESSAGES: dict[str, tuple[str, str]] = {
    "nav.risk_map": ("风险地图", "Risk map"),
    "nav.planning_due": ("待检企业", "Due for inspection"),
    "nav.risk_points": ("风险点", "Risk points"),
    "risk.title": ("风险四色清单", "Risk register (four colours)"),
    "risk.heading": ("{name}：风险分级管控", "{name}: risk grading and control"),
    "risk.enterprise_colour": ("企业风险等级", "Enterprise risk level"),
    "risk.derived": (
        "由风险点自动评定（最高风险点的颜色）",
        "Derived from the risk points (the worst one's colour)",
    ),
    "risk.none": ("未评估", "Not assessed"),
    "risk.count.total": ("在用风险点 {n} 个", "{n} active risk points"),
    "risk.all": ("全部", "All"),
    "risk.distribution": ("四色分布", "Four-colour distribution"),
    "risk.tier_total": ("合计", "Total"),
    "risk.new": ("新增风险点", "New risk point"),
    "risk.edit": ("编辑", "Edit"),
    "risk.edit_title": ("编辑风险点：{name}", "Edit risk point: {name}"),
    "risk.import": ("导入风险清单", "Import register"),
    "risk.export": ("导出风险清单", "Export register"),
    "risk.empty": ("还没有风险点", "No risk points yet"),
    "risk.saved": ("已保存", "Saved"),
    "risk.back": ("返回风险清单", "Back to the register"),
    "risk.back_enterprise": ("返回企业信息", "Back to the enterprise"),
    "risk.inactive": ("已停用", "Retired"),
    "risk.invalid": ("风险点信息有误，请按提示修改", "The risk point has errors; see each field"),
    "risk.stale": (
        "该风险点已被他人修改，请刷新后重试",
        "Someone else changed this risk point; reload and try again",
    ),
    "risk.field.name": ("风险点名称（场所/作业活动）", "Risk point (place / activity)"),
    "risk.field.hazard_factors": ("危险有害因素", "Hazard factors"),
    "risk.field.accident_types": (
        "可能导致的事故类型（GB 6441）",
        "Possible accident types (GB 6441)",
    ),
    "risk.field.method": ("评价方法", "Method"),
    "risk.method.LEC": ("LEC 作业条件危险性分析法（D = L×E×C）", "LEC (D = L×E×C)"),
    "risk.method.LS": ("LS 风险矩阵法（R = L×S）", "LS risk matrix (R = L×S)"),
    "risk.lec_values": ("LEC 法取值", "LEC values"),
    "risk.ls_values": ("LS 法取值", "LS values"),
    "risk.field.lec_l": ("L 事故发生的可能性", "L likelihood"),
    "risk.field.lec_e": ("E 暴露于危险环境的频繁程度", "E exposure"),
    "risk.field.lec_c": ("C 发生事故的后果", "C consequence"),
    "risk.field.ls_l": ("L 可能性（1–5）", "L likelihood (1–5)"),
    "risk.field.ls_s": ("S 严重性（1–5）", "S severity (1–5)"),
    "risk.field.score": ("风险值", "Score"),
    "risk.field.level": ("风险等级", "Level"),
    "risk.field.measures": ("管控措施", "Control measures"),
    "risk.measure.engineering": ("工程技术措施", "Engineering"),
    "risk.measure.management": ("管理措施", "Management"),
    "risk.measure.training": ("培训教育措施", "Training"),
    "risk.measure.ppe": ("个体防护措施", "PPE"),
    "risk.measure.emergency": ("应急处置措施", "Emergency"),
    "risk.field.control_tier": ("管控层级", "Control tier"),
    "risk.field.responsible_person": ("责任人", "Responsible person"),
    "risk.field.review_on": ("复评日期", "Review on"),
    "risk.field.active": ("状态", "Status"),
    "risk.active.1": ("在用", "Active"),
    "risk.active.0": ("停用", "Retired"),
    "risk.red_rule": (
        "重大风险（红色）须由公司级管控，并明确责任人",
        "A major (red) risk is controlled at company level by a named person",
    ),
    "risk.choose": ("请选择", "Choose"),
    "risk.tier.company": ("公司级", "Company"),
    "risk.tier.workshop": ("车间级", "Workshop"),
    "risk.tier.team": ("班组级", "Team"),
    "risk.tier.post": ("岗位级", "Post"),
    "risk.colour.red": ("重大风险（红）", "Major (red)"),
    "risk.colour.orange": ("较大风险（橙）", "Significant (orange)"),
    "risk.colour.yellow": ("一般风险（黄）", "General (yellow)"),
    "risk.colour.blue": ("低风险（蓝）", "Low (blue)"),
    "risk.colour.none": ("未评估", "Not assessed"),
    "risk.import.title": ("导入风险分级管控清单", "Import the risk register"),
    "risk.import.hint": (
        "上传 .xlsx 或 .csv（可用本系统导出的清单修改后导入）。按风险点名称识别：新名称新增，"
        "已有名称只更新有变化的内容，空白单元格不清除数据；风险值和等级按 L、E、C/S 重新计算。",
        "Upload .xlsx or .csv (an export of this register works). Rows match by risk point "
        "name: a new name is added, an existing one updates only what differs, and empty "
        "cells clear nothing; scores and levels are recomputed from L, E, C / S.",
    ),
    "risk.import.file": ("清单文件", "Register file"),
    "risk.import.submit": ("上传并导入", "Upload and import"),
    "risk.import.done": (
        "导入完成：新增 {created}，更新 {updated}，未变 {unchanged}，错误 {errors}",
        "Imported: {created} added, {updated} updated, {unchanged} unchanged, {errors} errors",
    ),
    "risk.import.row": ("行号", "Row"),
    "risk.import.column": ("列", "Column"),
    "risk.import.reason": ("原因", "Reason"),
    "map.title": ("风险四色地图", "Risk colour map"),
    "map.hint": (
        "按社区 × 行业门类统计在营企业的风险等级；单元格颜色为其中最高风险等级，点击查看企业。",
        "Active enterprises by community × industry section; each cell takes its worst "
        "colour; click to see its enterprises.",
    ),
    "map.community": ("社区", "Community"),
    "map.industry_none": ("未分类", "Unclassified"),
    "map.total": ("合计", "Total"),
    "map.empty": ("辖区内还没有企业", "No enterprises in your area yet"),
    "map.legend": ("图例", "Legend"),
    "map.swipe": ("左右滑动查看全部行业 →", "Swipe sideways for every industry →"),
    "due.title": (
        "待检企业（按风险等级确定检查频次）",
        "Due for inspection (frequency by risk level)",
    ),
    "due.hint": (
        "建议频次：{freq}。上次检查指最近一次已提交的街道/第三方专家检查（企业自查不计）。",
        "Suggested frequency: {freq}. Last inspection = the latest submitted street or "
        "third-party expert inspection (self-inspections do not count).",
    ),
    "due.months": ("{n} 个月", "{n} months"),
    "due.col.enterprise": ("企业", "Enterprise"),
    "due.col.place": ("社区/网格", "Community / grid"),
    "due.col.colour": ("风险等级", "Risk level"),
    "due.col.every": ("频次", "Every"),
    "due.col.last": ("上次检查", "Last inspected"),
    "due.col.due": ("应检日期", "Due on"),
    "due.col.status": ("状态", "Status"),
    "due.status.never": ("从未检查", "Never inspected"),
    "due.status.overdue": ("已逾期 {n} 天", "Overdue by {n} days"),
    "due.status.due": ("即将到期", "Due soon"),
    "due.status.later": ("未到期", "Not due"),
    "due.filter.colour": ("风险等级", "Risk level"),
    "due.filter.unit": ("社区/网格", "Community / grid"),
    "due.filter.days": ("超过N天未检查", "Not inspected for N days"),
    "due.filter.within": ("N天内到期", "Due within N days"),
    "due.count": ("共 {n} 家", "{n} enterprises"),
    "due.empty": ("没有到期的企业", "No enterprise is due"),
    "due.plan": ("用这些企业新建检查活动", "Plan a campaign with these"),
    "plan.preset": ("按风险计划选择", "Pick by risk plan"),
    "plan.preset.due": (
        "待检清单（到期/逾期/从未检查）",
        "Due list (due, overdue, never inspected)",
    ),
    "plan.preset.red_orange_stale": (
        "红橙企业3个月未检查",
        "Red and orange not inspected for 3 months",
    ),
    "plan.preset.open_hazards": ("有未整改或逾期隐患的企业", "With open or overdue hazards"),
}
i18n.register(MESSAGES)


def fmt(value: float) -> str:
    return f"{value:g}"


def labels(lang: str) -> dict:
    t = lambda key, **kw: i18n.translate(key, lang, **kw)  # noqa: E731
    return {
        "colour_names": {c: t(f"risk.colour.{c}") for c in (*COLOURS, "none")},
        "colours": [(c, t(f"risk.colour.{c}")) for c in COLOURS],
        "tiers": [(k, t(f"risk.tier.{k}")) for k in TIERS],
        "tier_names": {k: t(f"risk.tier.{k}") for k in TIERS},
        "measure_kinds": [(k, t(f"risk.measure.{k}")) for k in MEASURE_KINDS],
        "accident_types": list(ACCIDENT_TYPES),
        "methods": [("LEC", t("risk.method.LEC")), ("LS", t("risk.method.LS"))],
        "lec_l": [(fmt(v), fmt(v)) for v in LEC_LIKELIHOOD],
        "lec_e": [(fmt(v), fmt(v)) for v in LEC_EXPOSURE],
        "lec_c": [(fmt(v), fmt(v)) for v in LEC_CONSEQUENCE],
        "ls_l": [(fmt(v), fmt(v)) for v in LS_LIKELIHOOD],
        "ls_s": [(fmt(v), fmt(v)) for v in LS_SEVERITY],
        "presets": [
            (p, t(f"plan.preset.{p}")) for p in ("due", "red_orange_stale", "open_hazards")
        ],
    }
