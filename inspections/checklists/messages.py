"""Messages of the checklist pages (key → (Chinese, English)), registered with
``safety.i18n`` on import, and the value labels in the request's language."""

from __future__ import annotations

from inspections.checklists.rules import CATEGORY_LABELS, LEVEL_LABELS
from inspections.checklists.sheets import HEADERS
from safety import i18n

LEVEL_EN = {"general": "General", "major": "Major"}
CATEGORY_EN = {"management": "Management", "site": "On site"}
SUBCATEGORY_EN = {
    "电气": "Electrical",
    "消防": "Fire",
    "机械": "Machinery",
    "特种设备": "Special equipment",
    "危化品": "Hazardous chemicals",
    "有限空间": "Confined spaces",
    "粉尘": "Combustible dust",
    "作业环境": "Work environment",
    "职业健康": "Occupational health",
    "制度/培训": "Rules / training",
    "应急": "Emergency",
    "其他": "Other",
}
HEADERS_EN = {
    "section": "Section",
    "code": "Code",
    "text": "What to check",
    "legal_basis": "Basis",
    "default_level": "Level",
    "category": "Category",
    "subcategory": "Sub-category",
    "major_basis": "Major-hazard basis",
}

MESSAGES = {
    "nav.checklists": ("检查表", "Checklists"),
    "checklists.title": ("检查表库", "Checklist library"),
    "checklists.lead": (
        "每个检查表只显示当前版本；已发布的版本不再修改，修改即发布新版本，检查记录保留其使用的版本。",
        "Each checklist shows its current version. A published version is never edited: a "
        "change is a new version, and inspections keep the version they used.",
    ),
    "checklists.import_new": ("从Excel导入检查表", "Import a checklist from Excel"),
    "checklists.import_version": ("导入新版本", "Import a new version"),
    "checklists.export": ("下载Excel", "Download .xlsx"),
    "checklists.col.name": ("名称", "Name"),
    "checklists.col.code": ("编码", "Code"),
    "checklists.col.domain": ("领域", "Domain"),
    "checklists.col.version": ("版本", "Version"),
    "checklists.col.items": ("检查项", "Items"),
    "checklists.col.major": ("重大隐患项", "Major items"),
    "checklists.col.published": ("发布时间", "Published"),
    "checklists.empty": ("还没有检查表", "No checklists yet"),
    "checklists.version": ("第 {n} 版", "version {n}"),
    "checklists.not_current": (
        "这是历史版本，当前版本为第 {n} 版。",
        "This is an older version; the current one is version {n}.",
    ),
    "checklists.view_current": ("查看当前版本", "View the current version"),
    "checklists.versions": ("版本记录", "Versions"),
    "checklists.current": ("当前", "current"),
    "checklists.summary": (
        "{sections} 个检查项目，{items} 条检查内容，其中重大隐患判定项 {major} 条",
        "{sections} sections, {items} items, {major} of them major-hazard items",
    ),
    "checklists.major_basis": ("重大隐患判定依据", "Major-hazard basis"),
    "checklists.back": ("检查表库", "Checklist library"),
    "checklists.import.title": ("从Excel导入检查表", "Import a checklist from Excel"),
    "checklists.import.lead": (
        "每行一条检查内容。必需的列：检查项目、编号、检查内容、检查依据、隐患级别（一般/重大）；"
        "可选：类别（基础管理类/现场管理类）、子类别、重大隐患判定依据（重大隐患必填）。"
        "检查项目为空的行归入上一行的检查项目。",
        "One item per row. Required columns, named as in the template: 检查项目 for the "
        "section, 编号 for the code, 检查内容 for the text, 检查依据 for the basis, 隐患级别 "
        "with 一般 or 重大. Optional: 类别, 子类别, and 重大隐患判定依据, which major items "
        "require. A row with an empty section belongs to the section above.",
    ),
    "checklists.import.template_hint": (
        "可先下载现有检查表的Excel作为模板，修改后导入即为新版本。",
        "Download an existing checklist's .xlsx as a starting point; importing it changed "
        "makes a new version.",
    ),
    "checklists.import.code": ("检查表编码", "Checklist code"),
    "checklists.import.code_hint": (
        "已有编码：导入为该检查表的新版本；新编码：新建检查表",
        "An existing code: a new version of that checklist; a new code: a new checklist",
    ),
    "checklists.import.name": ("检查表名称", "Checklist name"),
    "checklists.import.name_hint": (
        "已有检查表可留空（沿用当前名称）",
        "Blank keeps the current name",
    ),
    "checklists.import.domain": ("适用领域", "Domain"),
    "checklists.import.file": ("Excel文件（.xlsx）", "Excel file (.xlsx)"),
    "checklists.import.no_file": ("请选择要导入的文件", "Choose a file to import"),
    "checklists.import.upload": ("上传并预览", "Upload and preview"),
    "checklists.import.preview": ("导入预览", "Import preview"),
    "checklists.import.result": ("导入结果", "Import result"),
    "checklists.import.new_code": (
        "新检查表 {code}，将发布为第 1 版。",
        "A new checklist {code}; it will be published as version 1.",
    ),
    "checklists.import.next_version": (
        "{name}（{code}）当前为第 {current} 版，将发布为第 {next} 版。",
        "{name} ({code}) is at version {current}; this will publish version {next}.",
    ),
    "checklists.import.unchanged": (
        "内容与当前版本完全相同，不会产生新版本。",
        "The content equals the current version: no new version will be made.",
    ),
    "checklists.import.has_errors": (
        "以下 {n} 处有误，请在Excel中修改后重新上传（检查表须整体发布，有错误时不能发布）。",
        "{n} problems below: fix them in Excel and upload again (a checklist is published "
        "whole, not with errors).",
    ),
    "checklists.import.added": ("新增检查项", "Items added"),
    "checklists.import.removed": ("删除检查项", "Items removed"),
    "checklists.import.changed": ("修改检查项", "Items changed"),
    "checklists.import.confirm": ("确认发布", "Publish"),
    "checklists.import.again": ("重新上传", "Upload another file"),
    "checklists.import.done": ("已发布第 {n} 版。", "Version {n} published."),
    "checklists.import.done_unchanged": (
        "内容未变化，未产生新版本。",
        "Nothing changed; no new version was made.",
    ),
    "checklists.import.row": ("行号", "Row"),
    "checklists.import.column": ("列", "Column"),
    "checklists.import.reason": ("问题", "Problem"),
    "checklists.import.form_field": ("表单", "Form"),
}
i18n.register(MESSAGES)


def labels(lang: str) -> dict[str, dict[str, str]]:
    """Value labels and column names in ``lang``."""
    en = lang == "en"
    return {
        "level_names": dict(LEVEL_EN) if en else dict(LEVEL_LABELS),
        "category_names": dict(CATEGORY_EN) if en else dict(CATEGORY_LABELS),
        "subcategory_names": dict(SUBCATEGORY_EN) if en else {k: k for k in SUBCATEGORY_EN},
        "headers": dict(HEADERS_EN) if en else dict(HEADERS),
    }
