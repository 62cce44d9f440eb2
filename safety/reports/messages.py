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
}
i18n.register(MESSAGES)
