"""The weekly digest's full report: the workbook, its file name and the text around it.

Sheet names and cells are plain text (no HTML), so none of these labels holds & < or >.
"""

MESSAGES: dict[str, tuple[str, str]] = {
    "weekly.working": (
        "⏳ 正在生成督办周报（{start} 至 {end}）…",
        "⏳ Preparing the weekly report ({start} to {end})…",
    ),
    "weekly.done": (
        "✅ 督办周报（{start} 至 {end}）已生成，见下方文件。",
        "✅ The weekly report ({start} to {end}) is ready: see the file below.",
    ),
    "weekly.caption": (
        "📊 <b>督办周报</b>（{start} 至 {end}）\n本周销号：{closed} 项\n新增逾期：{overdue} 项\n"
        "红色事项：{red} 项\n总体销号率：{rate}（{all_closed}/{total}）",
        "📊 <b>Weekly report</b> ({start} to {end})\nClosed this week: {closed}\n"
        "Newly overdue: {overdue}\nRed items: {red}\n"
        "Overall close-out rate: {rate} ({all_closed}/{total})",
    ),
    "weekly.file_name": ("督办周报_{start}至{end}.xlsx", "Weekly_report_{start}_to_{end}.xlsx"),
    # --- the workbook
    "weekly.title": (
        "{programme}督办周报（{start} 至 {end}）",
        "Weekly report: {programme} ({start} to {end})",
    ),
    "weekly.period_value": ("{start} 至 {end}", "{start} to {end}"),
    "weekly.sheet.summary": ("概况", "Summary"),
    "weekly.sheet.closed": ("本周销号", "Closed this week"),
    "weekly.sheet.overdue": ("新增逾期", "Newly overdue"),
    "weekly.sheet.red": ("红色事项", "Red items"),
    "weekly.sheet.units": ("单位排名", "Units"),
    "weekly.sheet_heading": (
        "{name}（{count} 项）· {start} 至 {end}",
        "{name} ({count}) · {start} to {end}",
    ),
    "weekly.sheet_heading_now": (
        "{name}（{count} 项）· 截至 {today}",
        "{name} ({count}) · as of {today}",
    ),
    "weekly.units_heading": (
        "各承办单位销号率排名（截至 {today}，按通报排序）",
        "Close-out rate by lead unit (as of {today}, ranked as in the notice)",
    ),
    "weekly.label.period": ("统计周期", "Week"),
    "weekly.label.generated": ("生成时间", "Generated"),
    "weekly.label.closed": ("本周销号（项）", "Closed this week"),
    "weekly.label.overdue": ("新增逾期（项）", "Newly overdue"),
    "weekly.label.red": ("红色事项（项）", "Red items"),
    "weekly.label.total": ("督办事项总数", "All items"),
    "weekly.label.all_closed": ("累计销号", "Closed to date"),
    "weekly.label.rate": ("总体销号率", "Overall close-out rate"),
    "weekly.label.open_overdue": ("当前逾期未办结", "Open and overdue now"),
    "weekly.col.code": ("督办编号", "Code"),
    "weekly.col.problem": ("问题", "Problem"),
    "weekly.col.unit": ("承办单位", "Lead unit"),
    "weekly.col.deadline": ("办理时限", "Deadline"),
    "weekly.col.status": ("状态", "Status"),
    "weekly.col.closed_on": ("销号日期", "Closed on"),
    "weekly.col.days_overdue": ("逾期天数", "Days overdue"),
    "weekly.col.rank": ("排名", "Rank"),
    "weekly.col.total": ("事项总数", "Items"),
    "weekly.col.closed": ("已销号", "Closed"),
    "weekly.col.rate": ("销号率", "Close-out rate"),
    "weekly.col.overdue": ("逾期", "Overdue"),
    "weekly.col.closed_week": ("本周销号", "Closed this week"),
    "weekly.col.newly_overdue": ("本周新增逾期", "Newly overdue"),
    "weekly.none": ("（无）", "(none)"),
    "weekly.no_unit": ("（未指定承办单位）", "(no lead unit)"),
}
