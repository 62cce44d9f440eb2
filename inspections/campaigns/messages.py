"""Messages of the officer's campaign, batch and inspection-review pages (key → (Chinese,
English)), registered with ``safety.i18n`` on import, and the value labels in the
request's language."""

from __future__ import annotations

from safety import i18n

KINDS = ("seasonal", "special_rectification", "third_party", "routine")
STATES = ("unassigned", "assigned", "planned", "in_progress", "submitted", "cancelled")

MESSAGES: dict[str, tuple[str, str]] = {
    "campaign.title": ("检查活动", "Campaigns"),
    "campaign.new": ("新建检查活动", "New campaign"),
    "campaign.empty": ("还没有检查活动", "No campaigns yet"),
    "campaign.back": ("返回检查活动", "Back to campaigns"),
    "campaign.created": ("检查活动已创建", "Campaign created"),
    "campaign.field.name": ("活动名称", "Name"),
    "campaign.field.kind": ("活动类型", "Kind"),
    "campaign.field.starts_on": ("开始日期", "Starts on"),
    "campaign.field.ends_on": ("结束日期", "Ends on"),
    "campaign.field.period": ("活动期间", "Period"),
    "campaign.field.org_unit_id": ("覆盖街道/社区", "Street or community"),
    "campaign.field.general_days": ("一般隐患整改期限（天）", "General hazards: days to rectify"),
    "campaign.field.major_days": ("重大隐患整改期限（天）", "Major hazards: days to rectify"),
    "campaign.field.description": ("说明", "Notes"),
    "campaign.field.plan": ("计划检查企业", "Planned enterprises"),
    "campaign.kind.seasonal": ("季节性大检查", "Seasonal inspection"),
    "campaign.kind.special_rectification": ("专项整治", "Special rectification"),
    "campaign.kind.third_party": ("第三方专家排查", "Third-party expert inspection"),
    "campaign.kind.routine": ("日常检查", "Routine inspection"),
    "campaign.col.planned": ("计划企业", "Planned"),
    "campaign.col.batches": ("批次", "Batches"),
    "campaign.col.inspected": ("已检查", "Inspected"),
    "campaign.choose": ("— 请选择 —", "— choose —"),
    "campaign.plan.heading": ("检查企业", "Enterprises to inspect"),
    "campaign.plan.hint": (
        "勾选按条件筛选出的企业，或粘贴统一社会信用代码；两者合并为本次活动的计划企业。",
        "Tick enterprises found by the filter, or paste their codes; both together make the plan.",
    ),
    "campaign.plan.by_filter": ("按条件选择", "Pick by filter"),
    "campaign.plan.by_codes": ("粘贴统一社会信用代码", "Paste credit codes"),
    "campaign.plan.codes_hint": (
        "每行一个代码；从 Excel 复制的整行也可以（取每行第一列）。",
        "One code per line; rows copied from Excel work too (the first column is taken).",
    ),
    "campaign.plan.apply": ("筛选", "Filter"),
    "campaign.plan.select_all": ("全选本页", "Select all shown"),
    "campaign.plan.all_matching": (
        "选择全部 {n} 家符合条件的企业",
        "Select all {n} matching enterprises",
    ),
    "campaign.plan.matching": ("符合条件 {n} 家", "{n} match"),
    "campaign.plan.shown": ("（显示前 {n} 家）", "(first {n} shown)"),
    "campaign.plan.selected": ("已选 {n} 家", "{n} selected"),
    "campaign.plan.kept": (
        "另有 {n} 家此前勾选的企业不在当前筛选结果中，仍保留在计划内。",
        "{n} enterprises ticked earlier are outside this filter and stay in the plan.",
    ),
    "campaign.plan.none": ("没有符合条件的企业", "No enterprise matches"),
    "campaign.plan.empty": (
        "请至少选择一家企业或粘贴一个代码",
        "Pick at least one enterprise or paste a code",
    ),
    "campaign.filter.unit": ("社区/网格", "Community / grid"),
    "campaign.filter.q": ("名称或代码", "Name or code"),
    "campaign.filter.name": ("企业名称", "Enterprise name"),
    "campaign.codes.errors": (
        "以下行未能识别，请修改后再提交（共 {n} 行）：",
        "These lines name no enterprise of this campaign ({n}); fix them and submit again:",
    ),
    "campaign.codes.line": ("第 {line} 行", "Line {line}"),
    "campaign.codes.malformed": ("代码格式有误：{reason}", "Malformed code: {reason}"),
    "campaign.codes.unknown": (
        "未登记，或不在您的辖区内",
        "Not registered, or outside your area",
    ),
    "campaign.codes.outside": (
        "不在所选街道/社区内",
        "Outside the street or community of this campaign",
    ),
    "campaign.codes.closed": ("企业已注销/停业", "The enterprise is closed"),
    "campaign.codes.repeated": ("与第 {first} 行重复", "Repeats line {first}"),
    "campaign.create": ("创建检查活动", "Create the campaign"),
    "campaign.invalid": ("输入有误，请检查标红的项", "Some fields need attention"),
    # campaign page
    "campaign.batches": ("批次", "Batches"),
    "campaign.no_batches": ("还没有批次", "No batches yet"),
    "campaign.new_batch": ("新建批次", "New batch"),
    "campaign.ended": (
        "活动已于 {date} 结束，不再新建批次或生成检查任务；已安排的检查照常进行。",
        "This campaign ended on {date}: no new batches or inspections; those already"
        " planned go ahead.",
    ),
    "campaign.enterprises": ("企业检查情况", "Enterprises and their inspections"),
    "campaign.deadlines": (
        "整改期限：一般隐患 {general} 天，重大隐患 {major} 天",
        "Rectification: general {general} days, major {major} days",
    ),
    "campaign.state": ("检查状态", "State"),
    "campaign.batch": ("批次", "Batch"),
    "campaign.hazards": ("隐患", "Hazards"),
    "campaign.hazards_n": ("{n} 项", "{n}"),
    "campaign.hazards_found": ("发现隐患 {n} 项", "{n} hazards found"),
    "campaign.scheduled_on": ("计划日期", "Scheduled"),
    "campaign.view": ("查看", "View"),
    "campaign.any_batch": ("全部批次", "All batches"),
    "campaign.no_batch": ("未分配批次", "In no batch"),
    "campaign.state.unassigned": ("未分配", "Not assigned"),
    "campaign.state.assigned": ("已分配待建检查", "In a batch, no inspection yet"),
    "campaign.state.planned": ("待检查", "Planned"),
    "campaign.state.in_progress": ("检查中", "In progress"),
    "campaign.state.submitted": ("已提交", "Submitted"),
    "campaign.state.cancelled": ("已取消", "Cancelled"),
    "campaign.counts": (
        "计划 {planned} 家 · 已提交 {submitted} 家",
        "{planned} planned · {submitted} submitted",
    ),
    "campaign.filtered": ("显示 {n} 家", "{n} shown"),
    # batches
    "batch.new": ("新建批次", "New batch"),
    "batch.default_name": ("第{n}批次", "Batch {n}"),
    "batch.created": ("批次已创建", "Batch created"),
    "batch.field.name": ("批次名称", "Name"),
    "batch.field.starts_on": ("开始日期", "Starts on"),
    "batch.field.ends_on": ("结束日期", "Ends on"),
    "batch.field.window": ("时间窗口", "Window"),
    "batch.field.agency_id": ("第三方机构", "Agency"),
    "batch.field.inspectors": ("专家组", "Expert group"),
    "batch.field.lead": ("组长", "Lead"),
    "batch.field.member": ("组员", "Member"),
    "batch.field.enterprises": ("本批次企业", "Enterprises of this batch"),
    "batch.inspectors_hint": (
        "选一位组长，可勾选多位组员；只列出所选机构的专家。",
        "Choose one lead and any members; only the chosen agency's experts count.",
    ),
    "batch.no_inspectors": ("该机构还没有专家账号", "This agency has no inspector accounts"),
    "batch.no_agencies": (
        "还没有第三方机构，请先在“第三方机构”中添加",
        "No agencies yet: add one under Agencies first",
    ),
    "batch.free_hint": (
        "只列出本活动计划内、尚未分入任何批次的企业（{n} 家）。",
        "Only the plan's enterprises not yet in a batch are listed ({n}).",
    ),
    "batch.no_free": (
        "计划内的企业都已分入批次",
        "Every enterprise of the plan is in a batch already",
    ),
    "batch.preset_ticked": (
        "已按“{preset}”勾选 {n} 家，其余已取消勾选；可再手动调整。",
        "Ticked {n} by “{preset}”, the others cleared; adjust by hand if needed.",
    ),
    "batch.bad_preset": ("没有这种风险计划选择", "No such risk plan pick"),
    "batch.col.last": ("上次检查", "Last inspected"),
    "batch.create": ("创建批次", "Create the batch"),
    "batch.need_lead": ("请选择一位组长", "Choose a lead"),
    "batch.need_enterprise": ("请至少选择一家企业", "Choose at least one enterprise"),
    "batch.inspections": ("生成检查任务", "Create the inspections"),
    "batch.inspections_hint": (
        "为本批次每家尚无检查任务的企业生成一项待检查任务，专家组为本批次专家；重复操作不会重复生成。",
        "One planned inspection for each enterprise of the batch that has none, with the "
        "batch's experts; doing it again creates nothing twice.",
    ),
    "batch.checklist": ("检查表", "Checklist"),
    "batch.scheduled_on": ("检查日期", "Inspection day"),
    "batch.inspections_created": (
        "已生成 {n} 项检查任务",
        "{n} inspections created",
    ),
    "batch.inspections_none": (
        "本批次企业均已有检查任务，未重复生成",
        "Every enterprise of the batch has an inspection already: none created",
    ),
    "batch.no_checklists": ("还没有检查表", "No checklists yet"),
    "batch.inspections_skipped": (
        "{n} 家企业在本活动中已有检查任务，未重复生成",
        "{n} enterprises already have an inspection in this campaign: none made twice",
    ),
    "plan.booked": ("已安排", "Planned"),
    "plan.booked_in": ("{campaign}，{day}", "{campaign}, {day}"),
    "plan.window": ("{start} 至 {end}", "{start} to {end}"),
    "plan.booked_hint": (
        "标“已安排”的企业已在未结束的检查活动中安排检查，默认不勾选；确需再次安排可手动勾选。",
        "Enterprises marked “Planned” are already planned in a campaign that has not ended; "
        "they are not ticked by default, tick one by hand to plan it again on purpose.",
    ),
    "batch.count": ("{n} 家企业 · {m} 项检查", "{n} enterprises · {m} inspections"),
    # inspection review
    "review.title": ("检查详情", "Inspection"),
    "review.enterprise": ("企业", "Enterprise"),
    "review.campaign": ("检查活动", "Campaign"),
    "review.checklist": ("检查表", "Checklist"),
    "review.inspectors": ("专家组", "Experts"),
    "review.lead": ("组长", "lead"),
    "review.started_at": ("开始时间", "Started"),
    "review.submitted_at": ("提交时间", "Submitted"),
    "review.results": ("检查结果", "Results"),
    "review.summary": (
        "共 {total} 项：符合 {passed}，不符合 {failed}，不适用 {na}，未检查 {open}",
        "{total} items: {passed} pass, {failed} fail, {na} n/a, {open} not answered",
    ),
    "review.failed_items": ("不符合项", "Failed items"),
    "review.no_failed": ("没有不符合项", "No failed items"),
    "review.note": ("备注", "Note"),
    "review.basis": ("依据", "Basis"),
    "review.hazards": ("隐患", "Hazards"),
    "review.no_hazards": ("未发现隐患", "No hazards"),
    "review.deadline": ("整改期限", "Deadline"),
    "review.location": ("部位", "Location"),
    "review.suggestion": ("整改建议", "Suggestion"),
    "review.fixed_on_spot": ("立行立改", "Fixed on the spot"),
    "review.major": ("重大隐患", "Major"),
    "review.general": ("一般隐患", "General"),
    "review.signatures": ("签字", "Signatures"),
    "review.signer.inspector": ("检查人员", "Inspector"),
    "review.signer.enterprise": ("企业负责人", "Enterprise"),
    "review.not_signed": ("未签字", "Not signed"),
    "review.refused": ("拒签：{reason}", "Refused to sign: {reason}"),
    "review.cancel": ("取消检查", "Cancel the inspection"),
    "review.cancel_reason": ("取消原因", "Reason"),
    "review.cancel_confirm": ("确定取消这项检查吗？", "Cancel this inspection?"),
    "review.cancelled": ("已取消：{reason}", "Cancelled: {reason}"),
    "review.hazard_status.pending": ("待整改", "Pending"),
    "review.hazard_status.rectifying": ("整改中", "Rectifying"),
    "review.hazard_status.submitted": ("待验收", "Awaiting verification"),
    "review.hazard_status.closed": ("已销号", "Closed"),
    "review.hazard_status.voided": ("已作废", "Voided"),
    "review.photos": ("照片", "Photos"),
    "review.not_started": ("检查尚未开始", "Not started yet"),
}

i18n.register(MESSAGES)


def labels(lang: str) -> dict[str, object]:
    """The campaign kinds and inspection states, in ``lang``."""
    t = i18n.translate
    return {
        "kinds": [(k, t(f"campaign.kind.{k}", lang)) for k in KINDS],
        "states": [(s, t(f"campaign.state.{s}", lang)) for s in STATES],
    }
