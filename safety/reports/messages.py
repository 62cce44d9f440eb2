"""Page texts of the printed documents (buttons, the notice's QR page), registered with
``safety.i18n`` on import. The documents themselves are printed in Chinese."""

from safety import i18n

MESSAGES: dict[str, tuple[str, str]] = {
    "doc.report": ("下载检查报告 (PDF)", "Inspection report (PDF)"),
    "doc.notice": ("下载整改通知书 (PDF)", "Rectification notice (PDF)"),
    "doc.recheck": ("下载复查意见书 (PDF)", "Re-inspection opinion (PDF)"),
    "doc.campaign": ("下载活动总结报告 (PDF)", "Campaign summary (PDF)"),
    "doc.notice_page": ("隐患整改通知书", "Rectification notice"),
    "doc.notice_none": ("本次检查未发现隐患。", "No hazards were found in this inspection."),
    "doc.deadline": ("整改期限", "Deadline"),
    # a self-inspection's documents are the enterprise's own (inspections.documents.issuer)
    "doc.self_report": ("下载自查报告 (PDF)", "Self-inspection report (PDF)"),
    "doc.self_notice": ("下载自查隐患整改单 (PDF)", "Self-inspection rectification list (PDF)"),
    "doc.self_recheck": ("下载自查复查记录 (PDF)", "Self-inspection recheck record (PDF)"),
    "doc.self_notice_page": ("企业自查隐患整改单", "Self-inspection rectification list"),
    "doc.self_notice_none": (
        "本次自查未发现隐患。",
        "No hazards were found in this self-inspection.",
    ),
}
i18n.register(MESSAGES)
