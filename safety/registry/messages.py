"""Messages of the enterprise registry pages (key → (Chinese, English)), registered with
``safety.i18n`` on import, and the value labels (industry section, scale, standardisation
level, risk colour, field names) in the request's language.

The Chinese texts of the field names and value labels are taken from ``sheets``
and ``rules`` (the sheet headers and the vocabularies the import reads), so the
pages and the ledger sheet cannot drift apart; only the English is written here.
"""

from __future__ import annotations

from safety import i18n
from safety.registry.rules import COLOUR_LABELS, INDUSTRY_SECTIONS, LEVEL_LABELS, SCALE_LABELS
from safety.registry.sheets import HEADERS

# GB/T 4754-2017 sections, as the standard's English edition names them.
INDUSTRY_EN = {
    "A": "Agriculture, forestry, animal husbandry and fishery",
    "B": "Mining",
    "C": "Manufacturing",
    "D": "Production and supply of electricity, heat, gas and water",
    "E": "Construction",
    "F": "Wholesale and retail trade",
    "G": "Transport, storage and postal services",
    "H": "Accommodation and catering",
    "I": "Information transmission, software and information technology services",
    "J": "Finance",
    "K": "Real estate",
    "L": "Leasing and business services",
    "M": "Scientific research and technical services",
    "N": "Water conservancy, environment and public facilities management",
    "O": "Resident services, repair and other services",
    "P": "Education",
    "Q": "Health and social work",
    "R": "Culture, sports and entertainment",
    "S": "Public administration, social security and social organisations",
    "T": "International organisations",
}
SCALE_EN = {"above_scale": "Above designated size", "small": "Small", "micro": "Micro"}
LEVEL_EN = {"none": "None", "level3": "Level 3", "level2": "Level 2", "level1": "Level 1"}
COLOUR_EN = {"red": "Red", "orange": "Orange", "yellow": "Yellow", "blue": "Blue"}
FIELD_EN = {
    "name": "Enterprise name",
    "uscc": "Unified social credit code",
    "uscc_confirmed": "Code verified",
    "community": "Community",
    "grid": "Grid",
    "industry": "Industry section",
    "industry_detail": "Industry details",
    "scale": "Size",
    "address": "Address",
    "legal_representative": "Legal representative",
    "contact_name": "Safety manager",
    "contact_phone": "Contact phone",
    "is_key": "Key enterprise",
    "standardisation_level": "Standardisation level",
    "standardisation_date": "Standardisation date",
    "risk_colour": "Risk level",
    "active": "Status",
}

MESSAGES: dict[str, tuple[str, str]] = {
    **{f"registry.industry.{k}": (v, INDUSTRY_EN[k]) for k, v in INDUSTRY_SECTIONS.items()},
    **{f"registry.scale.{k}": (v, SCALE_EN[k]) for k, v in SCALE_LABELS.items()},
    **{f"registry.level.{k}": (v, LEVEL_EN[k]) for k, v in LEVEL_LABELS.items()},
    **{f"registry.colour.{k}": (v, COLOUR_EN[k]) for k, v in COLOUR_LABELS.items()},
    **{f"registry.field.{k}": (v, FIELD_EN[k]) for k, v in HEADERS.items()},
    "registry.field.org_unit": ("所属网格", "Grid"),
    "registry.field.org_unit_id": ("所属网格", "Grid"),
    "registry.field.version": ("版本", "Version"),
    # list
    "registry.title": ("企业台账", "Enterprise registry"),
    "registry.new": ("新建企业", "New enterprise"),
    "registry.import": ("导入台账", "Import ledger"),
    "registry.export": ("导出Excel", "Export to Excel"),
    "registry.filter.q": ("搜索", "Keyword"),
    "registry.filter.q_hint": ("名称、信用代码、联系人", "Name, credit code, contact"),
    "registry.filter.unit": ("社区/网格", "Community / grid"),
    "registry.total": ("共 {n} 家", "Enterprises: {n}"),
    "registry.col.grid": ("网格", "Grid"),
    "registry.col.industry": ("行业", "Industry"),
    "registry.col.phone": ("电话", "Phone"),
    "registry.col.risk": ("风险", "Risk"),
    "registry.badge.key": ("重点", "Key"),
    "registry.badge.closed": ("已关闭", "Closed"),
    "registry.badge.verified": ("已核实", "Verified"),
    "registry.uscc_flagged": (
        "校验位不符，已人工核实",
        "Check character does not match; verified by hand",
    ),
    "registry.empty": ("没有符合条件的企业", "No matching enterprises"),
    # detail
    "registry.detail.unit": ("所属社区 / 网格", "Community / grid"),
    "registry.detail.level_date": ("（{date}）", " ({date})"),
    "registry.detail.updated": ("更新时间", "Updated"),
    "registry.detail.version": ("版本 {n}", "version {n}"),
    "registry.risk.none": ("未评估", "Not assessed"),
    "registry.edit": ("编辑", "Edit"),
    # form
    "registry.edit_title": ("编辑企业", "Edit enterprise"),
    "registry.edit_heading": ("编辑：{name}", "Edit: {name}"),
    "registry.back": ("返回", "Back"),
    "registry.stale_hint": (
        "（下方已显示您填写的内容；再次保存将覆盖他人的修改）",
        " (what you entered is shown below; saving again overwrites the other change)",
    ),
    "registry.hint.uscc": ("18位，GB 32100-2015", "18 characters, GB 32100-2015"),
    "registry.uscc_confirm": (
        "代码已核实：校验位不符但确为合法代码（将被标记）",
        "Code verified: the check character does not match but the code is genuine "
        "(it will be flagged)",
    ),
    "registry.choose": ("请选择", "Choose…"),
    "registry.form.industry": ("行业门类 (GB/T 4754)", "Industry section (GB/T 4754)"),
    "registry.not_given": ("未填写", "Not given"),
    "registry.hint.phone": (
        "手机11位，或座机如 0531-88886666",
        "11-digit mobile, or a landline such as 0531-88886666",
    ),
    "registry.status.open": ("在营", "Operating"),
    "registry.status.closed": ("关闭", "Closed"),
    "registry.error.invalid": ("企业信息有误", "Invalid enterprise details"),
    "registry.error.grid": ("请选择所属网格", "Choose the grid"),
    "registry.error.version": ("缺少版本号", "The version is missing"),
    # import
    "registry.import.title": ("导入企业台账", "Import the enterprise ledger"),
    "registry.import.lead": (
        "支持 Excel (.xlsx) 和 CSV（UTF-8 或 GBK 编码）。第一张工作表的前10行中须有表头，至少包含",
        "Excel (.xlsx) and CSV (UTF-8 or GBK) files are accepted. One of the first 10 rows "
        "of the first sheet must be the header, with at least the columns",
    ),
    "registry.import.sep": ("、", ", "),
    "registry.import.sep_last": ("、", " and "),
    "registry.import.tail": (
        " 三列；常见的别名（如“单位名称”“信用代码”“网格”“联系人”“手机”）也能识别。",
        "; common alternative headings are recognised too.",
    ),
    "registry.import.matching": (
        "按统一社会信用代码对应：新代码新建企业，已有代码只更新有变化的字段，空白单元格不会清除已有内容。"
        "上传后先预览，确认后才写入。",
        "Rows are matched by the unified social credit code: a new code creates an "
        "enterprise, a known one updates only the fields that changed, and a blank cell "
        "never clears a value. You see a preview first; nothing is written until you confirm.",
    ),
    "registry.import.grid_hint": (
        "“{grid}”填网格全名（如“寨北社区第1网格”），或同时填“{community}”和“第1网格”。",
        "“{grid}” takes the grid's full name, or put the community in “{community}” and the "
        "grid's own name in “{grid}”.",
    ),
    "registry.import.template_pre": ("可先", "You can "),
    "registry.import.template_link": ("导出现有台账", "export the current ledger"),
    "registry.import.template_post": ("作为模板。", " and use it as a template."),
    "registry.import.file": ("台账文件", "Ledger file"),
    "registry.import.upload": ("上传并预览", "Upload and preview"),
    "registry.import.no_file": (
        "请选择要导入的 .xlsx 或 .csv 文件",
        "Choose an .xlsx or .csv file to import",
    ),
    # import preview and result
    "registry.import.result": ("导入结果", "Import result"),
    "registry.import.preview": ("导入预览", "Import preview"),
    "registry.import.preview_heading": (
        "导入预览（尚未写入）",
        "Import preview (nothing written yet)",
    ),
    "registry.import.created": ("已新建", "Created"),
    "registry.import.will_create": ("将新建", "To be created"),
    "registry.import.updated": ("已更新", "Updated"),
    "registry.import.will_update": ("将更新", "To be updated"),
    "registry.import.unchanged": ("无变化", "Unchanged"),
    "registry.import.error_rows": ("错误行", "Rows with errors"),
    "registry.import.confirm_text": (
        "确认后将写入 {n} 家企业",
        "Confirming writes {n} enterprise(s)",
    ),
    "registry.import.confirm_errors": (
        "；{n} 行有错误，不会导入",
        "; {n} row(s) with errors will not be imported",
    ),
    "registry.import.full_stop": ("。", "."),
    "registry.import.confirm": ("确认导入", "Confirm the import"),
    "registry.import.again": ("重新选择文件", "Choose another file"),
    "registry.import.done": ("导入完成。", "Import finished."),
    "registry.import.fix_errors": (
        "请下载错误行，修改后重新导入。",
        " Download the rows with errors, correct them and import them again.",
    ),
    "registry.import.view": ("查看台账", "View the registry"),
    "registry.import.errors_heading": ("错误行（{n}）", "Rows with errors ({n})"),
    "registry.import.download_errors": (
        "下载错误行 (.xlsx，含原因)",
        "Download the rows with errors (.xlsx, with reasons)",
    ),
    "registry.import.row": ("行号", "Row"),
    "registry.import.column": ("列", "Column"),
    "registry.import.reason": ("原因", "Reason"),
    "registry.import.only_first": (
        "仅显示前 {n} 条，完整列表请下载错误行。",
        "Only the first {n} are shown; download the rows with errors for the full list.",
    ),
    "registry.import.created_heading": ("已新建（{n}）", "Created ({n})"),
    "registry.import.will_create_heading": ("将新建（{n}）", "To be created ({n})"),
    "registry.import.updated_heading": ("已更新（{n}）", "Updated ({n})"),
    "registry.import.will_update_heading": ("将更新（{n}）", "To be updated ({n})"),
    "registry.import.enterprise": ("企业", "Enterprise"),
    "registry.import.changes": ("变化", "Changes"),
    "registry.import.colon": ("：", ": "),
    "registry.import.empty": ("（空）", "(empty)"),
}

i18n.register(MESSAGES)


def _t(key: str, lang: str) -> str:
    return i18n.translate(key, lang)


def choices(lang: str) -> dict[str, object]:
    """The value vocabularies and field names for the pages' templates, in ``lang``."""
    return {
        "labels": {k: _t(f"registry.field.{k}", lang) for k in (*HEADERS, *_EXTRA_FIELDS)},
        "industries": [(k, f"{k} {industry_name(k, lang)}") for k in INDUSTRY_SECTIONS],
        "scales": [(k, _t(f"registry.scale.{k}", lang)) for k in SCALE_LABELS],
        "levels": [(k, _t(f"registry.level.{k}", lang)) for k in LEVEL_LABELS],
        "colours": [(k, _t(f"registry.colour.{k}", lang)) for k in COLOUR_LABELS],
    }


_EXTRA_FIELDS = ("org_unit_id", "org_unit", "version")


def industry_name(code: str, lang: str) -> str:
    return _t(f"registry.industry.{code}", lang) if code in INDUSTRY_SECTIONS else code
