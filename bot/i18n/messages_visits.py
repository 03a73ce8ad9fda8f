"""Visits, findings, evidence, item cards and the office's review queue."""

MESSAGES: dict[str, tuple[str, str]] = {
    # --- starting a visit
    "visit.inspectors_only": (
        "走访功能仅供督查人员使用。",
        "Visits are for inspectors only.",
    ),
    "visit.not_open": (
        "这次走访已经结束，或您不在其中。发送 /visit 开始新的走访。",
        "That visit has ended, or you are not part of it. Send /visit to start a new one.",
    ),
    "visit.already_open": (
        "您已有一次走访正在进行。请先发送 /done 结束它。",
        "You already have a visit open. Send /done to finish it first.",
    ),
    "visit.choose": (
        "🏭 <b>选择企业</b>\n直接输入企业名称中的几个字（如「卓远」），或点下面的按钮。",
        "🏭 <b>Choose the company</b>\nType part of its name, or tap a button below.",
    ),
    "visit.btn_join": ("👥 加入 {name} 在 {company} 的走访", "👥 Join {name} at {company}"),
    "visit.btn_by_town": ("🗺 按镇区选择", "🗺 By town"),
    "visit.btn_new_company": ("➕ 新增企业", "➕ New company"),
    "visit.btn_add_named": ("➕ 新增企业「{name}」", "➕ Add company “{name}”"),
    "visit.found": (
        "与「{words}」匹配的企业，点一下开始走访：",
        "Companies matching “{words}”; tap one to start the visit:",
    ),
    "visit.too_many": (
        "与「{words}」匹配的企业较多，只列出前几家；可再多输入几个字。",
        "Many companies match “{words}”; only the first are shown. Type a little more.",
    ),
    "visit.none_found": (
        "台账中没有与「{words}」匹配的企业。请换个说法再输入，或在现场新增这家企业。",
        "No company in the ledger matches “{words}”. Type it differently, or add it now.",
    ),
    "visit.name_too_long": (
        "名称太长了（最多 {limit} 个字），请简短些。",
        "That name is too long (at most {limit} {limit:character|characters}).",
    ),
    "visit.no_towns": (
        "台账中还没有镇区。请直接输入企业名称。",
        "The ledger has no towns yet. Please type the company's name.",
    ),
    "visit.choose_town": ("选择镇区：", "Choose the town:"),
    "visit.town_companies": ("{town}的企业：", "Companies in {town}:"),
    "visit.ask_new_name": ("请输入企业全称：", "Type the company's full name:"),
    "visit.ask_new_town": (
        "「{name}」位于哪个镇区？点按钮，或直接输入镇区名称。\n新增的企业会交办公室核对。",
        "Which town is “{name}” in? Tap one, or type the town's name.\n"
        "The office will check the new company.",
    ),
    "visit.member_joined": ("👥 {name} 加入了本次走访。", "👥 {name} joined this visit."),
    "visit.card": (
        "🏭 <b>{company}</b>（{town}）· 走访中，{started} 开始\n\n"
        "<b>未办结事项（{count}）</b>\n{items}\n\n{hint}",
        "🏭 <b>{company}</b> ({town}) · visit open since {started}\n\n"
        "<b>Open items ({count})</b>\n{items}\n\n{hint}",
    ),
    "visit.no_items": ("（暂无未办结事项）", "(no open items)"),
    "visit.more_items": ("……另有 {count} 项", "… and {count} more"),
    "visit.btn_done": ("✅ 结束走访", "✅ Finish visit"),
    "visit.ask_location": (
        "📍 方便的话，请点下方按钮发送当前位置，作为到场记录（可跳过，不影响记录）。",
        "📍 If you can, tap the button below to send your location as proof of presence "
        "(optional; nothing waits for it).",
    ),
    "visit.btn_location": ("📍 发送位置", "📍 Send location"),
    "visit.location_saved": (
        "📍 已记录到场位置（{company}）。",
        "📍 Location recorded for the visit to {company}.",
    ),
    "visit.location_no_visit": (
        "目前没有进行中的走访，位置未记录。发送 /visit 开始走访。",
        "No visit is open, so the location was not recorded. Send /visit to start one.",
    ),
    "visit.none_open": (
        "您目前没有进行中的走访。发送 /visit 开始一次。",
        "You have no open visit. Send /visit to start one.",
    ),
    # --- the summary
    "visit.summary": (
        "✅ <b>走访结束：{company}</b>{how}\n督查：{names}\n时长：{duration}\n"
        "发现 {findings} 条 · 照片 {photos} 张 · 其他材料 {files} 份\n位置：{location}\n{items}",
        "✅ <b>Visit finished: {company}</b>{how}\nInspectors: {names}\nDuration: {duration}\n"
        "Findings: {findings} · Photos: {photos} · Other files: {files}\nLocation: {location}\n"
        "{items}",
    ),
    "visit.ended_idle": (
        "（{hours} 小时无新记录，自动结束）",
        " (ended automatically after {hours} {hours:hour|hours} without news)",
    ),
    "visit.duration": ("{hours} 小时 {minutes} 分", "{hours} h {minutes} min"),
    "visit.duration_minutes": ("{minutes} 分钟", "{minutes} min"),
    "visit.summary_item": ("· {code} {problem}：{count} 条", "· {code} {problem}: {count}"),
    "visit.summary_new_item": (
        "· 🆕 {code} {problem}：{count} 条（新建，待办公室完善）",
        "· 🆕 {code} {problem}: {count} (new, for the office to complete)",
    ),
    "visit.summary_untied": ("· 未关联事项：{count} 条", "· not tied to an item: {count}"),
    "visit.contact_notice": (
        "📋 督查人员走访 <b>{company}</b> 时，对贵单位牵头的以下事项记录了新情况：\n{items}\n"
        "点下方按钮查看详情。",
        "📋 Inspectors visiting <b>{company}</b> recorded news on items your unit leads:\n"
        "{items}\nTap a button below to see the details.",
    ),
    "visit.contact_line": ("· {code} {problem}", "· {code} {problem}"),
    "visit.list": ("<b>最近的走访</b>\n{lines}", "<b>Your recent visits</b>\n{lines}"),
    "visit.list_line": (
        "{day} {company} · 发现 {count} 条{state}",
        "{day} {company} · findings: {count}{state}",
    ),
    "visit.list_open": ("（进行中）", " (open)"),
    "visit.list_empty": ("您还没有走访记录。发送 /visit 开始。", "No visits yet. Send /visit."),
    # --- item lines
    "items.line": (
        "{mark} <code>{code}</code> {problem} · {due}",
        "{mark} <code>{code}</code> {problem} · {due}",
    ),
    # A dated deadline in a visit's item line; {due} is bot/services/due_words.py due_text.
    "items.due": ("截止 {due}", "due {due}"),
    # --- findings
    "finding.saved": (
        "📝 <b>发现 {number}</b> 已记录：{text}",
        "📝 <b>Finding {number}</b> saved: {text}",
    ),
    "finding.no_text": ("（仅有照片或文件）", "(photos or files only)"),
    "finding.late": (
        "⏱ 按拍摄时间归入已结束的 {company} 走访。",
        "⏱ Placed, by the time it was sent, in the finished visit to {company}.",
    ),
    "finding.kind_photo": ("照片 {count} 张", "{count} {count:photo|photos}"),
    "finding.kind_document": ("文件 {count} 份", "{count} {count:file|files}"),
    "finding.kind_video": ("视频 {count} 段", "{count} {count:video|videos}"),
    "finding.kind_voice": ("语音 {count} 条", "{count} voice {count:note|notes}"),
    "finding.too_big": (
        "⚠️ 其中 {count} 个文件超过 20 MB，机器人无法下载原文件，但记录已保存。",
        "⚠️ {count} {count:file is|files are} over 20 MB: the bot cannot download them, but the "
        "record is kept.",
    ),
    "finding.choose_item": (
        "这条发现与哪个事项有关？点一下即可：",
        "Which item is this about? One tap:",
    ),
    "finding.tied": (
        "🔗 已关联：<code>{code}</code> {problem}",
        "🔗 Tied to <code>{code}</code> {problem}",
    ),
    "finding.tied_new": (
        "🆕 已新建事项 <code>{code}</code> {problem}（待办公室完善）",
        "🆕 New item <code>{code}</code> {problem} (for the office to complete)",
    ),
    "finding.btn_new": ("🆕 新问题", "🆕 New problem"),
    "finding.btn_later": ("稍后", "Later"),
    "finding.btn_move": ("↪️ 移到其他事项", "↪️ Move to another item"),
    "finding.btn_withdraw": ("🗑 撤回", "🗑 Withdraw"),
    "finding.btn_files": ("🗂 逐个整理", "🗂 One by one"),
    "finding.later": (
        "好的，先不关联。走访中随时可以点上面消息里的事项按钮。",
        "Fine, not tied for now. Tap an item on the message above whenever you like.",
    ),
    "finding.move_to": ("移到哪个事项？", "Move it to which item?"),
    "finding.withdrawn_ok": (
        "已撤回这条发现（记录保留备查，不再计入）。",
        "Finding withdrawn (kept on record, no longer counted).",
    ),
    "finding.not_available": (
        "这条记录已撤回或不属于您，无法操作。",
        "That record was withdrawn or is not yours.",
    ),
    "finding.item_not_offered": (
        "这个事项已办结，或不属于本次走访的企业，不能关联。",
        "That item is closed or does not belong to this visit's company.",
    ),
    "finding.member_notice": ("👥 {name}：{text}", "👥 {name}: {text}"),
    "finding.ask_problem": (
        "请用一句话描述这个新问题：",
        "Describe the new problem in a sentence:",
    ),
    "finding.ask_deadline": (
        "新问题：{problem}\n请选择办理时限，或直接输入日期（如 6月30日、2025-03-31、三季度末）：",
        "New problem: {problem}\nChoose a deadline, or type a date (e.g. 2025-03-31, 6月30日):",
    ),
    "finding.deadline_week": ("一周内（{date}）", "Within a week ({date})"),
    "finding.deadline_month": ("一个月内（{date}）", "Within a month ({date})"),
    "finding.deadline_quarter": ("本季度末（{date}）", "End of quarter ({date})"),
    "finding.deadline_none": ("暂不设定，由办公室定", "None yet: the office decides"),
    "finding.deadline_not_understood": (
        "这段文字不像日期，已作为一条新发现记录。需要时限时，请再点「新问题」。",
        "That did not look like a date, so it was saved as a new finding. Tap “New problem” "
        "again to set a deadline.",
    ),
    "finding.deadline_bad": (
        "无法把「{text}」识别为日期，请换种写法，如 2025-06-30 或 6月底。",
        "Cannot read “{text}” as a date; try e.g. 2025-06-30.",
    ),
    "finding.files": ("点一个文件查看、移动或撤回：", "Tap a file to see, move or withdraw it:"),
    "finding.media_unplaced": (
        "文件已保存，但目前没有进行中的走访。发送 /visit 开始走访，"
        "或用 /item 找到事项后点「补充材料」。",
        "The file is kept, but no visit is open. Send /visit to start one, or find an item "
        "with /item and tap “Add evidence”.",
    ),
    "finding.forwarded": (
        "转发的消息不作为现场记录。请直接拍照或输入。",
        "Forwarded messages are not recorded as first-hand evidence. Please send your own.",
    ),
    "media.no_context": (
        "暂时不知道这份材料属于哪里。督查人员请先发送 /visit 开始走访。",
        "It is not clear what this file belongs to. Inspectors: send /visit first.",
    ),
    "evidence.caption": ("拍摄于 {when}", "Sent {when}"),
    "evidence.moved": (
        "已将这个文件移到 <code>{code}</code>。",
        "File moved to <code>{code}</code>.",
    ),
    "evidence.withdrawn": (
        "已撤回这个文件（记录保留备查）。",
        "File withdrawn (kept on record).",
    ),
    # --- item cards
    "card.text": (
        "{line}\n状态：{status}{facts}\n牵头单位：{unit}{co_units}\n企业/镇区：{place}{review}\n\n"
        "{progress}\n\n<b>最近发现</b>\n{findings}\n照片 {photos} 张 · 其他材料 {files} 份",
        "{line}\nStatus: {status}{facts}\nLead unit: {unit}{co_units}\nCompany/town: {place}"
        "{review}\n\n{progress}\n\n<b>Recent findings</b>\n{findings}\n"
        "{photos} {photos:photo|photos} · {files} other {files:file|files}",
    ),
    "card.status_open": ("未开始", "open"),
    "card.status_in_progress": ("推进中", "in progress"),
    "card.status_close_requested": ("申请销号中", "close-out requested"),
    "card.status_closed": ("已销号", "closed"),
    "card.no_unit": ("待定", "not set"),
    "card.needs_review": (
        "\n🆕 督查新建，待办公室完善",
        "\n🆕 Created by an inspector; the office will complete it",
    ),
    "card.no_findings": ("（暂无）", "(none yet)"),
    "card.finding_line": ("· {day} {name}：{text}", "· {day} {name}: {text}"),
    "card.usage": (
        "请在 /item 后写事项编号或关键词，如 /item 2024-003 或 /item 研发",
        "Write a code or words after /item, e.g. /item 2024-003",
    ),
    "card.not_found": ("没有找到这个事项。", "No such item."),
    "card.not_found_words": ("没有与「{words}」相关的事项。", "No item matches “{words}”."),
    "card.choose": ("与「{words}」相关的事项：", "Items matching “{words}”:"),
    "card.btn_attach": ("📎 补充材料", "📎 Add evidence"),
    "card.closed": ("这个事项已销号，不能再补充材料。", "That item is closed."),
    "card.attach_ready": (
        "请发送要补充到 <code>{code}</code> 的文字或照片（10 分钟内有效）。",
        "Send the text or photos to add to <code>{code}</code> (within 10 minutes).",
    ),
    # --- the office's review queue
    "queue.empty": ("没有待完善的事项或企业。", "Nothing waits to be completed."),
    "queue.title": (
        "<b>待完善</b>：事项 {items} 项，企业 {companies} 家。点一项处理：",
        "<b>To complete</b>: items: {items}, companies: {companies}. Tap one:",
    ),
    "queue.already_done": ("这一项已经处理过了。", "That one has been dealt with already."),
    "queue.btn_complete": ("✏️ 补全（牵头单位、时限）", "✏️ Complete (lead unit, deadline)"),
    "queue.btn_merge": ("🔀 合并到已有…", "🔀 Merge into an existing one…"),
    "queue.btn_reject": ("✖️ 驳回", "✖️ Reject"),
    "queue.ask_unit": (
        "<code>{code}</code> 的牵头单位？点按钮或直接输入：",
        "Lead unit of <code>{code}</code>? Tap or type it:",
    ),
    "queue.ask_deadline": (
        "牵头单位：{unit}\n请输入办理时限（如 2025-06-30、6月底前、长期坚持）：",
        "Lead unit: {unit}\nType the deadline (e.g. 2025-06-30, 6月底前, 长期坚持):",
    ),
    "queue.btn_keep_deadline": ("保留现有时限（{deadline}）", "Keep {deadline}"),
    "queue.deadline_bad": ("无法识别：{reason}", "Cannot read it: {reason}"),
    "queue.name_too_long": ("名称太长了（最多 {limit} 个字）。", "Too long (at most {limit})."),
    "queue.completed": (
        "✅ <code>{code}</code> 已完善：牵头单位 {unit}，时限 {deadline}。",
        "✅ <code>{code}</code> completed: lead unit {unit}, deadline {deadline}.",
    ),
    "queue.ask_merge": (
        "把 <code>{code}</code> 合并到哪个事项？点按钮或输入事项编号：",
        "Merge <code>{code}</code> into which item? Tap or type its code:",
    ),
    "queue.no_such_item": ("没有编号为 {code} 的事项。", "No item {code}."),
    "queue.merge_refused": ("不能合并到 {code}（已销号或是同一项）。", "Cannot merge into {code}."),
    "queue.merged": (
        "🔀 <code>{code}</code> 已合并到 <code>{into}</code>，{count} 条发现随之转入。",
        "🔀 <code>{code}</code> merged into <code>{into}</code>; findings moved: {count}.",
    ),
    "queue.rejected": (
        "✖️ <code>{code}</code> 已驳回（记录保留）。",
        "✖️ <code>{code}</code> rejected (kept on record).",
    ),
    "queue.company": (
        "🏭 <b>{name}</b>（{town}）· 现场新增 · 走访 {visits} 次",
        "🏭 <b>{name}</b> ({town}) · added on a visit · {visits} {visits:visit|visits}",
    ),
    "queue.btn_confirm_company": ("✔️ 确认（核对镇区）", "✔️ Confirm (check the town)"),
    "queue.ask_town": ("「{name}」属于哪个镇区？", "Which town is “{name}” in?"),
    "queue.company_completed": (
        "✅ 「{name}」已确认，属 {town}。",
        "✅ “{name}” confirmed, in {town}.",
    ),
    "queue.ask_company_merge": (
        "把「{name}」合并到哪家企业？点按钮，或输入名称中的几个字搜索：",
        "Merge “{name}” into which company? Tap one, or type part of a name:",
    ),
    "queue.company_merged": (
        "🔀 「{name}」已合并到「{into}」，其走访和事项随之转入。",
        "🔀 “{name}” merged into “{into}”; its visits and items moved too.",
    ),
    "queue.company_rejected": (
        "✖️ 「{name}」已驳回（记录保留）。",
        "✖️ “{name}” rejected (kept on record).",
    ),
}
