"""Chat and command line alike (issue 14): the period (批次) in /export, and the words of
``duban export`` and ``duban list`` for what they add."""

MESSAGES: dict[str, tuple[str, str]] = {
    # --- how a scope is named (messages, captions and file names)
    "parity.scope.period_and_place": ("{period} 批次·{place}", "{place}, period {period}"),
    # --- /export: a period narrowed to a town, unit or company
    "parity.export.formats_or_narrow": (
        "范围：<b>{scope}</b>\n请选择格式，或在本批次内再按镇区、承办单位或企业选择：",
        "Scope: <b>{scope}</b>\nChoose a format, or narrow the period to a town, unit or company:",
    ),
    # --- duban export
    "parity.cli.unknown.period": (
        "duban：没有名为「{name}」的批次",
        "duban: there is no period named “{name}”",
    ),
    "parity.cli.unknown.town": (
        "duban：没有名为「{name}」的镇区",
        "duban: there is no town named “{name}”",
    ),
    "parity.cli.unknown.unit": (
        "duban：没有名为「{name}」的承办单位",
        "duban: there is no unit named “{name}”",
    ),
    "parity.cli.unknown.company": (
        "duban：没有名为「{name}」的企业",
        "duban: there is no company named “{name}”",
    ),
    "parity.cli.csv_is_one_table": (
        "duban：{path}：.csv 文件只有一张表；事项历史和佐证材料请导出为 .xlsx",
        "duban: {path}: a CSV file holds one table; export to .xlsx for the item history "
        "and the evidence",
    ),
    "parity.cli.zip_suffix": (
        "duban：{path}：佐证压缩包的文件名须以 .zip 结尾",
        "duban: {path}: the evidence archive's name must end in .zip",
    ),
    "parity.cli.evidence_written": (
        "佐证材料 {files} 个文件（连同表格）写入 {parts} 个压缩包：{paths}",
        "{files} evidence {files:file|files} (with the workbook) written in {parts} .zip "
        "{parts:part|parts}: {paths}",
    ),
    # --- duban list
    "parity.list.total": ("（共 {count} 条）", "({count} {count:row|rows})"),
    "parity.list.bad_status": (
        "duban：无法识别的状态「{value}」（待办理、办理中、申请销号、已销号）",
        "duban: unknown status “{value}” (open, in_progress, close_requested, closed)",
    ),
    "parity.list.bad_level": (
        "duban：无法识别的督办等级「{value}」（红、黄、蓝）",
        "duban: unknown level “{value}” (red, yellow, blue)",
    ),
    "parity.list.bad_role": (
        "duban：无法识别的角色「{value}」（督查人员、联络员、管理员、分管领导）",
        "duban: unknown role “{value}” (inspector, contact, admin, leader)",
    ),
    "parity.list.needs_code": (
        "duban：请用 --code 指明事项，例如 --code 2024-012",
        "duban: name the item with --code, e.g. --code 2024-012",
    ),
    "parity.list.no_item": ("duban：没有编号为 {code} 的事项", "duban: there is no item {code}"),
    "parity.list.no_person": (
        "duban：没有名为「{name}」的人员",
        "duban: there is no one named “{name}”",
    ),
    "parity.list.visit_open": ("（进行中）", "(open)"),
    "parity.list.yes": ("是", "yes"),
    "parity.list.no": ("否", "no"),
    "parity.list.queue_item": ("事项", "item"),
    "parity.list.queue_company": ("企业", "company"),
    "parity.list.col.code": ("督办编号", "Code"),
    "parity.list.col.status": ("状态", "Status"),
    "parity.list.col.level": ("督办等级", "Level"),
    "parity.list.col.deadline": ("办理时限", "Deadline"),
    "parity.list.col.unit": ("承办单位", "Unit"),
    "parity.list.col.town": ("镇区", "Town"),
    "parity.list.col.company": ("企业", "Company"),
    "parity.list.col.problem": ("存在问题", "Problem"),
    "parity.list.col.overdue_days": ("逾期天数", "Days overdue"),
    "parity.list.col.started": ("开始", "Started"),
    "parity.list.col.ended": ("结束", "Ended"),
    "parity.list.col.inspectors": ("督查人员", "Inspectors"),
    "parity.list.col.findings": ("发现", "Findings"),
    "parity.list.col.name": ("名称", "Name"),
    "parity.list.col.role": ("角色", "Role"),
    "parity.list.col.active": ("在用", "Active"),
    "parity.list.col.language": ("语言", "Language"),
    "parity.list.col.open_items": ("未销号", "Open"),
    "parity.list.col.coordinates": ("坐标（纬度，经度）", "Coordinates (lat, lon)"),
    "parity.list.col.to_review": ("待完善", "To review"),
    "parity.list.col.asked": ("申请时间", "Asked"),
    "parity.list.col.by": ("申请人", "By"),
    "parity.list.col.claim": ("申请说明", "Claim"),
    "parity.list.col.new_deadline": ("申请时限", "New deadline"),
    "parity.list.col.reason": ("理由", "Reason"),
    "parity.list.col.kind": ("类型", "Kind"),
    "parity.list.col.since": ("发出日期", "Since"),
    "parity.list.col.detail": ("内容", "Details"),
    "parity.list.col.when": ("时间", "When"),
    "parity.list.col.who": ("操作人", "Who"),
    "parity.list.col.what": ("事件", "Event"),
    # --- /waiting
    "parity.cmd.waiting": (
        "待决定的销号和延期申请",
        "close-outs and extensions awaiting a decision",
    ),
    "parity.waiting.none": (
        "没有待决定的销号申请或延期申请。",
        "No close-out or extension request is waiting for a decision.",
    ),
    "parity.waiting.title": (
        "<b>⏳ 待决定的申请</b>\n{sections}\n\n点选事项，在事项卡片上处理。",
        "<b>⏳ Requests awaiting a decision</b>\n{sections}\n\nTap an item to decide on its card.",
    ),
    "parity.waiting.closeouts": (
        "<b>销号申请（{count}）</b>\n{lines}",
        "<b>Close-outs ({count})</b>\n{lines}",
    ),
    "parity.waiting.extensions": (
        "<b>延期申请（{count}）</b>\n{lines}",
        "<b>Extensions ({count})</b>\n{lines}",
    ),
    "parity.waiting.closeout_line": (
        "· {code}｜{unit}｜{by} {asked} 申请：{claim}",
        "· {code} | {unit} | {by}, {asked}: {claim}",
    ),
    "parity.waiting.extension_line": (
        "· {code}｜{unit}｜{by} {asked} 申请延期至 {deadline}：{reason}",
        "· {code} | {unit} | {by}, {asked}: to {deadline} — {reason}",
    ),
    "parity.waiting.more": ("…另有 {count} 项", "…and {count} more"),
}
