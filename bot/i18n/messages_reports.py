"""Reports, charts, exports, sheet import by chat, item history and meeting documents."""

_EVENTS: dict[str, tuple[str, str]] = {
    "history.event.audit.created": ("🆕 登记为督办事项", "🆕 Registered as a list item"),
    "history.event.audit.sheet_updated": (
        "📝 台账更新：{changes}",
        "📝 Updated from the sheet: {changes}",
    ),
    "history.event.audit.request_close": ("📮 申请销号", "📮 Close-out requested"),
    "history.event.audit.approve_close": ("✅ 核实销号", "✅ Closed after verification"),
    "history.event.audit.return_close": (
        "↩️ 销号申请被退回：{reason}",
        "↩️ Close-out request returned: {reason}",
    ),
    "history.event.audit.lookback_reopen": (
        "🔁 回头看重新打开：{reason}",
        "🔁 Reopened at a look-back: {reason}",
    ),
    "history.event.audit.extend": ("⏳ 批准延期", "⏳ Extension approved"),
    "history.event.audit.extended": (
        "⏳ 批准延期：期限 {old} → {new}",
        "⏳ Extension approved: deadline {old} → {new}",
    ),
    "history.event.audit.escalate": ("🔺 提级督办", "🔺 Escalated"),
    "history.event.audit.escalated": (
        "🔺 督办调整：{changes}",
        "🔺 Supervision changed: {changes}",
    ),
    "history.event.audit.inspector_assigned": (
        "👤 指派督查 {inspector}",
        "👤 Inspector assigned: {inspector}",
    ),
    "history.event.audit.rolled_over": (
        "📆 滚动转入新一期 {period}",
        "📆 Rolled over into the period {period}",
    ),
    "history.event.audit.handed_over": (
        "🔀 督查交接：{from} → {inspector}",
        "🔀 Inspector handed over: {from} → {inspector}",
    ),
    "history.event.other": ("📌 记录了一项变更", "📌 A change was recorded"),
    "history.event.visit_finding": (
        "🚶 走访 {company}：{text}（照片 {photos}）",
        "🚶 Visit to {company}: {text} ({photos} {photos:photo|photos})",
    ),
    "history.event.finding": ("📝 发现问题：{text}", "📝 Finding: {text}"),
    "history.event.progress": ("📈 办理进展：{text}{figure}", "📈 Progress: {text}{figure}"),
    "history.event.closeout_requested": ("📮 申请销号：{text}", "📮 Close-out requested: {text}"),
    "history.event.closeout_approved": ("✅ 销号申请通过", "✅ Close-out approved"),
    "history.event.closeout_returned": (
        "↩️ 销号申请被退回：{reason}",
        "↩️ Close-out request returned: {reason}",
    ),
    "history.event.extension_requested": (
        "⏳ 申请延期至 {deadline}：{reason}",
        "⏳ Extension to {deadline} requested: {reason}",
    ),
    "history.event.extension_approved": (
        "⏳ 延期至 {deadline} 获批",
        "⏳ Extension to {deadline} approved",
    ),
    "history.event.extension_refused": (
        "⏳ 延期至 {deadline} 未获批准",
        "⏳ Extension to {deadline} refused",
    ),
    "history.event.deadline_changed": (
        "📅 办理时限 {old} → {new}（{reason}）",
        "📅 Deadline {old} → {new} ({reason})",
    ),
    "history.event.lookback_holds": ("🔍 回头看：问题未反弹", "🔍 Look-back: still solved"),
    "history.event.lookback_reopened": (
        "🔍 回头看：问题反弹，重新督办 {text}",
        "🔍 Look-back: the problem came back, reopened {text}",
    ),
}

MESSAGES: dict[str, tuple[str, str]] = {
    **_EVENTS,
    "cmd.report": ("督办报表和图表", "Reports and charts"),
    "cmd.export": ("导出督办台账（Excel）", "Export the ledger (Excel)"),
    "cmd.history": ("事项历史：/history 编号", "An item's history: /history code"),
    # --- charts
    "chart.no_unit": ("（未指定单位）", "(no unit)"),
    "chart.no_town": ("（未列镇区）", "(no town)"),
    "chart.closed": ("已销号", "Closed"),
    "chart.open": ("未销号", "Open"),
    "chart.total_closed": (
        "共{total}项·销号{closed}",
        "{total} {total:item|items} · {closed} closed",
    ),
    "chart.closeout_title": ("各承办单位销号率", "Close-out rate by responsible unit"),
    "chart.closeout_axis": ("销号率（%）", "Close-out rate (%)"),
    "chart.overdue_title": ("各承办单位逾期事项", "Overdue items by responsible unit"),
    "chart.items_axis": ("事项数", "Items"),
    "chart.area_title": ("“1+8”各领域事项", "Items by area (the 1+8 system)"),
    "chart.town_title": ("各镇区事项", "Items by town"),
    "chart.visits_title": ("各镇区走访次数", "Visits by town"),
    "chart.visits_axis": ("走访次数", "Visits"),
    "chart.targets_title": ("各领域数值目标完成度", "Progress toward numeric targets by area"),
    "chart.targets_axis": ("平均完成度（%）", "Average progress (%)"),
    "chart.targets_bar": ("{percent}%（{items}项）", "{percent}% ({items} {items:item|items})"),
    "chart.trend_title": ("每周未销号与已销号事项", "Open and closed items, week by week"),
    "chart.trend_axis": ("周（周一日期）", "Week (starting Monday)"),
    # --- /report
    "report.menu": (
        "<b>督办报表</b>\n期间：{period}｜领域：{area}｜镇区：{town}{unit}\n"
        "选好条件后点“生成报表”。",
        "<b>Report</b>\nPeriod: {period} | Area: {area} | Town: {town}{unit}\n"
        "Choose, then tap “Build report”.",
    ),
    "report.menu_unit": ("｜单位：{unit}", " | Unit: {unit}"),
    "report.period.month": ("本月", "This month"),
    "report.period.quarter": ("本季度", "This quarter"),
    "report.period.year": ("本年", "This year"),
    "report.period.all": ("全部", "All time"),
    "report.any": ("全部", "All"),
    "report.pick_area": ("领域：{area} ▾", "Area: {area} ▾"),
    "report.pick_town": ("镇区：{town} ▾", "Town: {town} ▾"),
    "report.choose_area": ("选择领域（“1+8”）：", "Choose an area (the 1+8 system):"),
    "report.choose_town": ("选择镇区：", "Choose a town:"),
    "report.go": ("📊 生成报表", "📊 Build report"),
    "report.ranking": ("📄 通报（PDF 和图片）", "📄 Ranking notice (PDF and picture)"),
    "report.working": ("⏳ 正在生成报表，请稍候…", "⏳ Building the report…"),
    "report.summary": (
        "<b>督办报表</b> {start} 至 {end}{covers}\n"
        "事项 {total} 项，已销号 {closed} 项（销号率 {rate}），逾期 {overdue} 项。\n"
        "本期新增 {new} 项，本期销号 {closed_in_period} 项，走访 {visits} 次。",
        "<b>Report</b> {start} to {end}{covers}\n"
        "{total} {total:item|items}, {closed} closed (close-out rate {rate}), {overdue} overdue.\n"
        "This period: {new} new, {closed_in_period} closed, {visits} {visits:visit|visits}.",
    ),
    "report.scope_unit": ("本单位：{unit}", "Your unit: {unit}"),
    "report.scope_mine": ("我督办的事项和走访", "Items and visits of mine"),
    "report.filter_unit": ("单位：{unit}", "Unit: {unit}"),
    "report.filter_area": ("领域：{area}", "Area: {area}"),
    "report.filter_town": ("镇区：{town}", "Town: {town}"),
    "report.empty": ("所选范围（{covers}）内没有事项。", "There are no items in {covers}."),
    "report.not_your_unit": (
        "您只能查看本单位的数据。",
        "You can only see your own unit's figures.",
    ),
    "report.not_allowed": ("您没有权限获取这份材料。", "This is not available to you."),
    "report.unknown_unit": ("没有这个承办单位。", "There is no such responsible unit."),
    "report.failed": (
        "抱歉，生成失败了，管理员已收到记录。请稍后再试。",
        "Sorry, this could not be built; the failure was logged. Please try again later.",
    ),
    # --- 通报
    "ranking.working": ("⏳ 正在生成通报…", "⏳ Preparing the ranking notice…"),
    "ranking.title": (
        "关于{period}{programme}督办事项办理情况的通报",
        "Notice on {programme}: the handling of supervised items{period}",
    ),
    "ranking.col.rank": ("名次", "Rank"),
    "ranking.col.unit": ("承办单位", "Responsible unit"),
    "ranking.col.total": ("事项", "Items"),
    "ranking.col.closed": ("已销号", "Closed"),
    "ranking.col.rate": ("销号率", "Rate"),
    "ranking.col.overdue": ("逾期", "Overdue"),
    "ranking.chart_title": ("各承办单位销号率排名（截至{date}）", "Close-out ranking ({date})"),
    "ranking.bar": (
        "{rate}%（{closed}/{total}）\n逾期{overdue}",
        "{rate}% ({closed}/{total})\n{overdue} overdue",
    ),
    "ranking.caption": (
        "<b>督办事项办理情况通报</b>（截至 {date}）",
        "<b>Ranking notice</b> ({date})",
    ),
    "ranking.empty": ("还没有可排名的承办单位。", "No responsible units to rank yet."),
    # --- dossiers
    "dossier.working": ("⏳ 正在生成 {code} 的档案 PDF…", "⏳ Preparing the dossier of {code}…"),
    "dossier.done": ("✅ {title} 的档案已生成。", "✅ Dossier of {title} ready."),
    "dossier.caption": (
        "{title} 督办档案（{count} 项）",
        "Dossier: {title} ({count} {count:item|items})",
    ),
    "dossier.nothing": ("没有可以写入档案的事项。", "There are no items for this dossier."),
    "dossier.timeline": ("办理经过", "Timeline"),
    "dossier.photo_unreadable": (
        "（这张照片过大或已损坏，未能放入文档，原件保存在佐证材料中）",
        "(this photo is too large or damaged to embed; the original is kept with the evidence)",
    ),
    "dossier.photos": ("现场照片", "Photos"),
    "dossier.field.unit": ("承办单位", "Responsible unit"),
    "dossier.field.co_units": ("配合单位", "Co-units"),
    "dossier.field.deadline": ("办理时限", "Deadline"),
    "dossier.field.status": ("状态", "Status"),
    "dossier.field.target": ("跟踪督办目标", "Target"),
    "dossier.field.area": ("领域", "Area"),
    "dossier.field.town": ("镇区", "Town"),
    "dossier.field.company": ("企业", "Company"),
    "dossier.field.measure": ("措施", "Measures"),
    # --- /export
    "export.choose": (
        "<b>导出督办台账</b>\n请选择范围：",
        "<b>Export the ledger</b>\nWhat to export?",
    ),
    "export.everything": ("全部事项", "All items"),
    "export.by_town": ("按镇区", "By town"),
    "export.by_unit": ("按承办单位", "By unit"),
    "export.by_company": ("按企业", "By company"),
    "export.choose_town": ("选择镇区：", "Choose a town:"),
    "export.choose_unit": ("选择承办单位：", "Choose a responsible unit:"),
    "export.choose_town_of_company": ("企业在哪个镇区？", "Which town is the company in?"),
    "export.choose_company": ("选择{town}的企业：", "Choose a company in {town}:"),
    "export.no_town": ("未列镇区", "No town"),
    "export.nothing_to_choose": ("没有可选的范围。", "There is nothing to choose from."),
    "export.formats": (
        "范围：<b>{scope}</b>\n请选择格式：",
        "Scope: <b>{scope}</b>\nChoose a format:",
    ),
    "export.xlsx": ("📗 Excel 表格", "📗 Excel workbook"),
    "export.zip": ("🗂 Excel + 佐证材料（.zip）", "🗂 Excel + evidence (.zip)"),
    "export.dossier": ("📄 企业档案（PDF）", "📄 Company dossier (PDF)"),
    "export.working": ("⏳ 正在导出（{scope}）…", "⏳ Exporting ({scope})…"),
    "export.done": (
        "✅ 已导出 {count} 项（{scope}），含每项的历史记录。",
        "✅ Exported {count} {count:item|items} ({scope}) with each item's history.",
    ),
    "export.done_zip": (
        "✅ 已导出 {count} 项（{scope}）和 {files} 个佐证文件，分 {parts} 个压缩包；"
        "请全部下载并解压到同一文件夹，表格中的链接即可打开文件。",
        "✅ Exported {count} {count:item|items} ({scope}) and {files} evidence {files:file|files} "
        "in {parts} .zip "
        "parts; unpack them all into one folder and the links in the workbook open the files.",
    ),
    "export.empty": ("{scope}没有事项。", "There are no items in {scope}."),
    "export.caption": (
        "督办台账：{scope}（{count} 项）",
        "Ledger: {scope} ({count} {count:item|items})",
    ),
    "export.file_stem": ("督办台账", "ledger"),
    "export.history_sheet": ("事项历史", "Item history"),
    "export.history.code": ("督办编号", "Code"),
    "export.history.when": ("时间", "When"),
    "export.history.who": ("操作人", "Who"),
    "export.history.what": ("事件", "Event"),
    "export.history.detail": ("内容", "Details"),
    "export.actor.cli": ("办公室（命令行）", "Office (command line)"),
    "export.actor.import": ("表格导入", "Sheet import"),
    "export.actor.system": ("系统", "System"),
    "export.actor.user": ("用户", "User"),
    "export.evidence_sheet": ("佐证材料", "Evidence"),
    "export.evidence.code": ("督办编号", "Code"),
    "export.evidence.when": ("时间", "When"),
    "export.evidence.kind": ("类型", "Kind"),
    "export.evidence.who": ("提交人", "By"),
    "export.evidence.caption": ("说明", "Caption"),
    "export.evidence.file": ("文件", "File"),
    # --- sheet import by chat
    "import.admin_only": (
        "只有管理员可以通过发送表格导入督办台账；如需更新，请联系人大常委会办公室。",
        "Only administrators can import the supervision sheet; please ask the committee "
        "office to update it.",
    ),
    "import.during_visit": (
        "您正在走访中，表格会作为佐证材料处理。要导入台账，请先发送 /done 结束走访。",
        "You are in a visit, where documents are evidence. To import the sheet, finish the "
        "visit with /done first.",
    ),
    "import.too_big": (
        "表格文件太大（{size} MB），请发送不超过 {limit} MB 的 .xlsx 或 .csv 文件。",
        "The file is too big ({size} MB); send an .xlsx or .csv file of at most {limit} MB.",
    ),
    "import.checking": ("⏳ 正在检查表格 {file}…", "⏳ Checking {file}…"),
    "import.download_failed": (
        "无法取得这个文件，请重新发送。",
        "The file could not be fetched; please send it again.",
    ),
    "import.bad_file": ("无法读取 {file}：{reason}", "Cannot read {file}: {reason}"),
    "import.preview": (
        "<b>导入预览</b>：{file}\n期间：{period}\n"
        "新增 {new} 项，修改 {changed} 项，未变 {unchanged} 项，跳过 {skipped} 行。",
        "<b>Import preview</b>: {file}\nPeriod: {period}\n"
        "{new} new, {changed} changed, {unchanged} unchanged, {skipped} {skipped:row|rows} "
        "skipped.",
    ),
    "import.errors": (
        "\n\n<b>{count} 处错误</b>，本次不会导入任何内容；请修改后重新发送：\n{lines}{more}",
        "\n\n<b>{count} {count:error|errors}</b>, so nothing will be imported; fix them and send "
        "the "
        "sheet again:\n{lines}{more}",
    ),
    "import.more_errors": (
        "\n…另有 {count} 处，见附件中标红的表格。",
        "\n…and {count} more, marked in red in the attached workbook.",
    ),
    "import.annotated_caption": (
        "出错的行已标红，原因写在最后一列和单元格批注中。",
        "Rows with errors are red; the reasons are in the last column and in cell comments.",
    ),
    "import.annotated_suffix": ("错误标注", "errors"),
    "import.error_column": ("错误（督办机器人）", "Errors (Duban)"),
    "import.nothing": (
        "\n\n表格与台账一致，无需导入。",
        "\n\nThe sheet matches the ledger; nothing to import.",
    ),
    "import.confirm": ("✅ 确认导入", "✅ Import"),
    "import.cancel": ("取消", "Cancel"),
    "import.confirmed": ("已确认导入 {file}。", "Import of {file} confirmed."),
    "import.applying": ("⏳ 正在导入…", "⏳ Importing…"),
    "import.applied": (
        "✅ 导入完成：新增 {new} 项，修改 {changed} 项。",
        "✅ Imported: {new} new, {changed} changed.",
    ),
    "import.cancelled": (
        "已取消导入，台账没有变化。",
        "Import cancelled; the ledger is unchanged.",
    ),
    "import.changed_since": (
        "⚠️ 预览之后台账发生了变化，没有导入。请看新的预览：",
        "⚠️ The ledger changed since the preview, so nothing was imported. The new preview:",
    ),
    "import.expired": (
        "这次导入已过期，请重新发送表格。",
        "This import has expired; please send the sheet again.",
    ),
    # --- history
    "history.usage": (
        "用法：/history 督办编号，例如 /history 2024-012",
        "Usage: /history code, for example /history 2024-012",
    ),
    "history.not_found": ("没有这个事项。", "There is no such item."),
    "history.not_found_code": ("没有编号为 {code} 的事项。", "There is no item {code}."),
    "history.not_yours": ("这个事项不属于您的单位。", "This item does not belong to your unit."),
    "history.title": (
        "<b>{code}</b> {problem}\n承办：{unit}｜时限：{deadline}｜状态：{status}\n目标：{target}",
        "<b>{code}</b> {problem}\nUnit: {unit} | Deadline: {deadline} | Status: {status}\n"
        "Target: {target}",
    ),
    "history.empty": ("\n（暂无记录）", "\n(nothing recorded yet)"),
    "history.who": ("（{who}）", " ({who})"),
    "history.figure": (
        "；数值 {figure}/{target}，完成 {percent}",
        "; figure {figure} of {target}, {percent} done",
    ),
    "history.figure_plain": ("；数值 {figure}", "; figure {figure}"),
    "history.button": ("🕘 历史", "🕘 History"),
    "history.album_button": ("🖼 照片（{count}）", "🖼 Photos ({count})"),
    "history.pdf_button": ("📄 档案 PDF", "📄 Dossier PDF"),
    "history.no_photos": ("{code} 还没有照片。", "{code} has no photos yet."),
    "history.photo_caption": ("{when} · {who}\n{caption}", "{when} · {who}\n{caption}"),
}
