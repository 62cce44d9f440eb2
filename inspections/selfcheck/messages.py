"""Messages of the self-inspection pages (企业自查), registered with ``safety.i18n`` on
import; also the walk's and the signature page's wording for a self-inspection."""

from __future__ import annotations

from safety import i18n

MESSAGES: dict[str, tuple[str, str]] = {
    "nav.self_inspections": ("企业自查", "Self-inspections"),
    "self.title": ("企业自查", "Self-inspections"),
    "self.officer_title": ("企业自查记录", "Enterprises' self-inspections"),
    "self.intro": (
        "按检查表逐项自查本企业，发现隐患拍照记录。一般隐患整改后由本企业验收销号；"
        "重大隐患会立即报告街道安全监管员，由监管员验收销号。",
        "Walk a checklist through your own premises and log what you find with photos. "
        "You close general hazards yourselves once fixed; a major hazard is reported to "
        "the street's safety officers at once, and only they close it.",
    ),
    "self.start": ("开始自查", "Start a self-inspection"),
    "self.checklist": ("检查表", "Checklist"),
    "self.day": ("自查日期", "Day"),
    "self.day_hint": (
        "今天或以前的日期会立即开始；以后的日期先列为计划。",
        "Today or earlier starts at once; a later day is planned.",
    ),
    "self.mine": ("本企业的自查", "Our self-inspections"),
    "self.none": ("还没有自查记录。", "No self-inspections yet."),
    "self.enterprise": ("企业", "Enterprise"),
    "self.checker": ("自查人", "Checked by"),
    "self.hazards_open": ("隐患 {n} 条，{open} 条未销号", "Hazards: {n}, {open} not closed"),
    "self.hazards_closed": ("隐患 {n} 条，已全部销号", "Hazards: {n}, all closed"),
    "self.answered": ("已查 {n}/{total} 项", "{n}/{total} items checked"),
    "self.all_enterprises": ("全部企业", "All enterprises"),
    "self.badge": ("企业自查", "Self-inspection"),
    "sign.self.inspector": ("自查人签字（企业安全负责人）", "Checked by (the safety contact)"),
    "sign.self.enterprise": (
        "企业主要负责人签字（可选）",
        "Countersigned by the principal (optional)",
    ),
    "walk.self_submit_hint": (
        "提交前须完成全部检查项并由自查人签字（主要负责人签字可选）。提交后不可修改。",
        "Every item must be answered and the checker must sign (the principal's "
        "countersignature is optional) before submitting. A submitted self-inspection "
        "cannot be changed.",
    ),
    "walk.self_major_hint": (
        "重大隐患记录后将立即报告街道安全监管员。",
        "A major hazard is reported to the street's safety officers as soon as it is logged.",
    ),
    "hazard.risk_point": ("风险点（管控失效）", "Risk point (control failed)"),
    "hazard.open_rectification": ("整改与验收", "Rectification and verification"),
    "rect.self.verify_title": ("验收销号（本企业自查隐患）", "Verify and close (our own finding)"),
    "rect.self.verify_hint": (
        "这是本企业自查发现的一般隐患：确认整改到位后由本企业验收销号。",
        "A general hazard from our own self-inspection: once the fix is confirmed, we "
        "close it ourselves.",
    ),
    "rect.self.verify_pass": ("验收销号", "Verify and close"),
    "rect.self.major_note": (
        "本企业自查发现的重大隐患，由街道安全监管员验收销号。",
        "A major hazard from our own self-inspection: a street safety officer verifies "
        "and closes it.",
    ),
}

i18n.register(MESSAGES)
