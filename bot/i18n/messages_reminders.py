"""Department contacts and reminders: pushes, follow-up, verification, escalation, settings."""

MESSAGES: dict[str, tuple[str, str]] = {
    # --- commands
    "cmd.mine": ("本单位的督办事项", "My unit's items"),
    "cmd.red": ("红色督办事项（提级）", "Red items (escalated)"),
    "red.title": (
        "<b>🔴 红色督办事项（{count}）</b>\n{lines}",
        "<b>🔴 Red items ({count})</b>\n{lines}",
    ),
    "red.line": (
        "{line}｜{unit}｜逾期 {days} 天",
        "{line} | {unit} | {days} {days:day|days} overdue",
    ),
    "red.line_due": ("{line}｜{unit}｜时限 {deadline}", "{line} | {unit} | due {deadline}"),
    "red.none": ("目前没有红色督办事项。", "There are no red items at the moment."),
    "red.office_only": (
        "红色督办清单供领导和督办办公室查看。",
        "The list of red items is for leaders and the office.",
    ),
    "cmd.acks": ("未签收情况", "Acknowledgements still owed"),
    "cmd.settings": ("提醒规则设置", "Reminder settings"),
    "cmd.holiday": (
        "调整工作日：/holiday 日期 on|off",
        "Set a working day or holiday: /holiday date on|off",
    ),
    "cmd.period": ("开始新周期（滚动办理）：/period 名称", "Start a new period: /period name"),
    # --- viewing
    "view.no_item": ("没有找到这个事项。", "There is no such item."),
    "view.not_yours": (
        "这个事项不属于您的单位，无法查看或操作。",
        "This item does not belong to your unit; you cannot see or act on it.",
    ),
    "remind.status.open": ("待办理", "open"),
    "remind.status.in_progress": ("办理中", "in progress"),
    "remind.status.close_requested": ("待销号核验", "awaiting close-out check"),
    "remind.status.closed": ("已销号", "closed"),
    # --- the daily push
    "remind.header": (
        "📋 <b>督办提醒</b> · {day}\n{unit}今日有 {count} 项需要关注：\n{lines}",
        "📋 <b>Reminders</b> · {day}\n{unit}: {count} {count:item needs|items need} attention "
        "today:\n{lines}",
    ),
    "remind.header_co": (
        "📋 <b>督办提醒</b> · {day}\n{lines}",
        "📋 <b>Reminders</b> · {day}\n{lines}",
    ),
    "remind.line": (
        "{mark} <b>{code}</b> {problem} — {reason}",
        "{mark} <b>{code}</b> {problem} — {reason}",
    ),
    "remind.more": (
        "……另有 {count} 项，发送 /mine 查看全部。",
        "…and {count} more; send /mine to see them all.",
    ),
    "remind.co_header": (
        "\n<b>协办事项（供知悉）：</b>",
        "\n<b>Items you support (for information):</b>",
    ),
    "remind.co_line": (
        "· {code} {problem} — {reason}（牵头：{unit}）",
        "· {code} {problem} — {reason} (lead: {unit})",
    ),
    "remind.reason.before": (
        "还有 {days} 天到期（{deadline}）",
        "due in {days} {days:day|days} ({deadline})",
    ),
    "remind.reason.due_today": ("今天到期", "due today"),
    "remind.reason.overdue": ("已逾期 {days} 天", "{days} {days:day|days} overdue"),
    "remind.reason.recurring": ("请于 {end} 前报送", "report due by {end}"),
    "remind.reason.ongoing": (
        "长期坚持事项，请报告本期进展（{end}）",
        "ongoing item: please report this period's progress ({end})",
    ),
    "remind.reason.new": ("🆕 新交办，请签收", "🆕 newly assigned, please acknowledge"),
    "remind.plus_new": ("；🆕 新交办，请签收", "; 🆕 newly assigned, please acknowledge"),
    "remind.ack_all": ("✅ 签收新交办事项（{count}）", "✅ Acknowledge new items ({count})"),
    "remind.no_contact": (
        "⚠️ 以下单位还没有登记联络员，督办提醒无法送达：\n{units}\n"
        "请发送 /invite 邀请联络员；登记后提醒会自动补发。",
        "⚠️ These units have no registered contact, so their reminders cannot be delivered:\n"
        "{units}\nInvite one with /invite; the reminders follow once they register.",
    ),
    # --- acknowledgement (签收)
    "ack.done": ("已签收 {count} 项：{codes}", "Acknowledged {count}: {codes}"),
    "ack.nothing": (
        "没有需要签收的事项（可能已由同事签收）。",
        "Nothing to acknowledge (a colleague may have done it already).",
    ),
    "ack.none_owed": ("所有交办事项均已签收。", "Every unit has acknowledged its items."),
    "ack.owed": (
        "<b>未签收事项（{count}）</b>\n{lines}",
        "<b>Not yet acknowledged ({count})</b>\n{lines}",
    ),
    "ack.owed_line": (
        "· {unit}：{code}（{kind}，{since} 送达）",
        "· {unit}: {code} ({kind}, sent {since})",
    ),
    "ack.kind.assigned": ("新交办", "newly assigned"),
    "ack.kind.returned": ("退办", "returned"),
    "ack.late": (
        "⏰ {unit} 超过 {days} 个工作日未签收 {code} {problem}（{since} 送达）。",
        "⏰ {unit} has not acknowledged {code} {problem} within {days} working {days:day|days} "
        "(sent {since}).",
    ),
    # --- card actions
    "act.progress": ("📝 报告进展", "📝 Report progress"),
    "act.closeout": ("✅ 申请销号", "✅ Ask for close-out"),
    "act.extension": ("⏳ 申请延期", "⏳ Ask for more time"),
    "act.ack": ("签收", "Acknowledge"),
    "act.open": ("查看事项", "Open item"),
    "act.meeting": ("🗣 专题会商", "🗣 Joint meeting"),
    "act.meeting_off": ("取消专题会商", "Cancel joint meeting"),
    # --- progress and close-out requests
    "fu.progress_prompt": (
        "📝 报告 <b>{code}</b> 的进展：{problem}\n请发送文字说明，可附照片或文件。{hint}\n"
        "全部发送后点「提交」。",
        "📝 Progress on <b>{code}</b>: {problem}\nSend a note, photos or documents.{hint}\n"
        "Tap Submit when you are done.",
    ),
    "fu.closeout_prompt": (
        "✅ 申请 <b>{code}</b> 销号：{problem}\n请发送办结说明和佐证材料（照片或文件），"
        "全部发送后点「提交」。核验人员将据此审核。{hint}",
        "✅ Close-out of <b>{code}</b>: {problem}\nSend what was done and the evidence "
        "(photos or documents), then tap Submit. A verifier will check it.{hint}",
    ),
    "fu.figure_hint": (
        "\n本事项目标：{target}。直接输入完成数字（如 98）即记录为完成量（目标 {number}）。",
        "\nTarget: {target}. Type the figure reached (e.g. 98) to record it (target {number}).",
    ),
    "fu.collected": (
        "已收到：文字 {texts} 段，文件 {files} 个，完成数 {figure}。继续发送，或点「提交」。",
        "Received: {texts} {texts:note|notes}, {files} {files:file|files}, figure {figure}. Send "
        "more, or tap Submit.",
    ),
    "fu.submit": ("提交", "Submit"),
    "fu.cancel": ("取消", "Cancel"),
    "fu.cancelled": ("已取消，未保存任何内容。", "Cancelled; nothing was saved."),
    "fu.nothing_open": (
        "当前没有待提交的内容（可能已经提交过）。",
        "There is nothing waiting to be submitted (it may have been submitted already).",
    ),
    "fu.empty": (
        "还没有收到任何内容，请先发送文字、照片或数字。",
        "Nothing received yet: send a note, photos or a figure first.",
    ),
    "fu.progress_saved": (
        "✅ {code} 的进展已记录（附件 {files} 个），督查人员和办公室可以查看。",
        "✅ Progress on {code} recorded ({files} {files:file|files}); inspectors and the office "
        "can see it.",
    ),
    "fu.closeout_sent": (
        "✅ {code} 的销号申请已提交，已送 {verifiers} 位核验人员审核。结果会通知您。",
        "✅ Close-out of {code} requested and sent to {verifiers} {verifiers:verifier|verifiers}. "
        "You will be told "
        "the result.",
    ),
    # --- verification (销号 / 退办)
    "co.verify_card": (
        "🔍 <b>销号核验</b> {code}\n{problem}\n承办单位：{unit}{figures}\n申请人：{requester}\n"
        "办结说明：{text}\n佐证材料：{files} 个（其中照片 {photos} 张，见上方）\n可核验：{who}\n"
        "请核验后选择「销号」或「退办」。",
        "🔍 <b>Close-out check</b> {code}\n{problem}\nUnit: {unit}{figures}\n"
        "Requested by: {requester}\nWhat was done: {text}\n"
        "Evidence: {files} {files:file|files} (above), {photos} {photos:photo|photos} among "
        "them\nMay verify: {who}\n"
        "Approve or return it.",
    ),
    "co.approve": ("✅ 销号", "✅ Approve"),
    "co.return": ("↩️ 退办", "↩️ Return"),
    "co.already_decided": (
        "{code} 的销号申请已经处理过了。",
        "The close-out of {code} was already decided.",
    ),
    "co.approved_done": ("{code} 已销号。", "{code} is closed."),
    "co.approved_notice": (
        "✅ <b>{code}</b> 已通过核验并销号（{by}）：{problem}",
        "✅ <b>{code}</b> passed the check and is closed ({by}): {problem}",
    ),
    "co.ask_reason": ("请输入退办 {code} 的理由：", "Type the reason for returning {code}:"),
    "co.returned_done": ("{code} 已退回承办单位。", "{code} was returned to the unit."),
    "co.returned_notice": (
        "↩️ <b>{code}</b> 的销号申请被退回（{by}）：{problem}\n理由：{reason}\n"
        "请继续办理，并点「签收」确认。",
        "↩️ The close-out of <b>{code}</b> was returned ({by}): {problem}\nReason: {reason}\n"
        "Please continue the work and tap Acknowledge.",
    ),
    # --- extensions
    "ext.lead_only": (
        "只有牵头单位的联络员可以申请延期。",
        "Only the lead unit's contact can ask for an extension.",
    ),
    "ext.ask_date": (
        "⏳ {code} 当前时限：{current}\n请输入新的完成日期（如 2024-09-30 或 9月30日）：",
        "⏳ {code} is due {current}\nType the new date (e.g. 2024-09-30):",
    ),
    "ext.bad_date": (
        "无法识别这个日期，或日期不晚于 {earliest}。请重新输入，如 2024-09-30。",
        "That is not a date after {earliest}. Please type it again, e.g. 2024-09-30.",
    ),
    "ext.ask_reason": (
        "新日期 {date}。请说明延期理由：",
        "New date {date}. Why is more time needed?",
    ),
    "ext.sent": (
        "已提交 {code} 延期至 {date} 的申请，等待办公室审批。",
        "Your request to move {code} to {date} was sent to the office.",
    ),
    "ext.request_card": (
        "⏳ <b>延期申请</b> {code}\n{problem}\n承办单位：{unit}（{who}）\n原时限：{old}\n"
        "申请延至：{new}\n理由：{reason}",
        "⏳ <b>Extension request</b> {code}\n{problem}\nUnit: {unit} ({who})\nDue: {old}\n"
        "Asked for: {new}\nReason: {reason}",
    ),
    "ext.approve": ("同意", "Approve"),
    "ext.refuse": ("不同意", "Refuse"),
    "ext.already_decided": (
        "{code} 的这次延期申请已经处理过了。",
        "That extension of {code} was already decided.",
    ),
    "ext.approved_done": ("已同意 {code} 延期至 {date}。", "{code} now runs until {date}."),
    "ext.refused_done": ("已不同意 {code} 的延期申请。", "The extension of {code} was refused."),
    "ext.approved_notice": (
        "⏳ <b>{code}</b> 延期申请已同意（{by}），新时限 {date}：{problem}",
        "⏳ The extension of <b>{code}</b> was approved ({by}); now due {date}: {problem}",
    ),
    "ext.refused_notice": (
        "⏳ <b>{code}</b> 延期至 {date} 的申请未获同意（{by}），请按原时限办理：{problem}",
        "⏳ The extension of <b>{code}</b> to {date} was refused ({by}); the deadline stands: "
        "{problem}",
    ),
    # --- escalation (提级监督)
    "esc.turned_red": (
        "🔴 <b>红色督办</b> {code}\n{problem}\n承办单位：{unit}\n"
        "时限 {deadline}，已逾期 {days} 天，转为提级监督。\n近期记录：\n{history}",
        "🔴 <b>Red item</b> {code}\n{problem}\nUnit: {unit}\nDue {deadline}, {days} "
        "{days:day|days} overdue: escalated supervision.\nRecent history:\n{history}",
    ),
    "esc.history_line": ("· {day} {what}", "· {day} {what}"),
    "esc.raised_notice": (
        "⬆️ <b>提级督办</b> {code}（{by}）\n{problem}\n承办单位：{unit}\n近期记录：\n{history}",
        "⬆️ <b>Escalated</b> {code} (by {by})\n{problem}\nUnit: {unit}\nRecent history:\n{history}",
    ),
    "esc.raised_contact": (
        "⬆️ <b>{code}</b> 已被提级督办，请加快办理：{problem}",
        "⬆️ <b>{code}</b> has been escalated; please speed it up: {problem}",
    ),
    "esc.meeting_on": ("{code} 已列入专题会商。", "{code} is marked for a joint meeting."),
    "esc.meeting_off": (
        "{code} 已取消专题会商。",
        "{code} is no longer marked for a joint meeting.",
    ),
    "esc.meeting_notice": (
        "🗣 <b>{code}</b> 列入专题会商（{by}）：{problem}",
        "🗣 <b>{code}</b> is marked for a joint meeting ({by}): {problem}",
    ),
    # --- look-back (回头看)
    "lb.task": (
        "🔁 <b>回头看</b> {code}\n{problem}\n承办单位：{unit}，{closed} 销号。\n"
        "请核实问题是否已真正解决。",
        "🔁 <b>Look-back</b> {code}\n{problem}\nUnit: {unit}, closed {closed}.\n"
        "Please check that the problem stays solved.",
    ),
    "lb.holds": ("✅ 确认巩固", "✅ It holds"),
    "lb.reopen": ("↩️ 重新打开", "↩️ Reopen"),
    "lb.already": ("这项回头看已经处理过了。", "This look-back was already done."),
    "lb.confirmed": ("已确认 {code} 整改成果巩固。", "Recorded: {code} holds."),
    "lb.ask_finding": ("请输入回头看发现的问题（{code}）：", "Type what you found ({code}):"),
    "lb.reopened": (
        "{code} 已重新打开，承办单位已收到通知。",
        "{code} is reopened; the unit was told.",
    ),
    "lb.reopened_notice": (
        "🔁 <b>{code}</b> 回头看发现问题，已重新打开：{problem}\n发现：{finding}",
        "🔁 <b>{code}</b> was reopened at look-back: {problem}\nFound: {finding}",
    ),
    # --- /mine
    "mine.contacts_only": (
        "/mine 供承办单位联络员使用；其他人员请用 /item 查看事项。",
        "/mine is for department contacts; use /item to look up items.",
    ),
    "mine.none": ("{unit}目前没有未办结的督办事项。", "{unit} has no open items."),
    "mine.title": (
        "<b>{unit}的督办事项（{count}）</b>\n{lines}",
        "<b>{unit}: open items ({count})</b>\n{lines}",
    ),
    "mine.line": ("{line}｜{deadline}｜{status}{role}", "{line} | {deadline} | {status}{role}"),
    "mine.co": ("｜协办", " | supporting"),
    # --- weekly digest
    "digest.summary": (
        "📊 <b>督办周报</b>（{start} 至 {end}）\n本周销号：{closed} 项\n"
        "新增逾期：{overdue} 项\n红色事项：{red} 项\n{red_lines}\n\n"
        "<b>各单位销号率</b>\n{unit_lines}",
        "📊 <b>Weekly digest</b> ({start} to {end})\nClosed: {closed}\nNewly overdue: "
        "{overdue}\nRed: {red}\n{red_lines}\n\n<b>Close-out rate by unit</b>\n{unit_lines}",
    ),
    "digest.unit_line": (
        "· {unit} {closed}/{total}（{rate}%）",
        "· {unit} {closed}/{total} ({rate}%)",
    ),
    "digest.full": ("📄 完整周报", "📄 Full report"),
    # --- settings, holidays, periods
    "settings.title": (
        "⚙️ <b>提醒规则与文书设置</b>（点选下方按钮修改）\n{lines}\n\n"
        "调整节假日/调休：/holiday 日期 on|off\n开始新周期：/period 名称",
        "⚙️ <b>Reminder rules and documents</b> (tap a button below to change one)\n{lines}\n\n"
        "Holidays and working weekends: /holiday date on|off\nNew period: /period name",
    ),
    "setting.value.on": ("开", "on"),
    "setting.value.off": ("关", "off"),
    "setting.value.none": ("无", "none"),
    "setting.value.monthly": ("每月", "monthly"),
    "setting.value.quarterly": ("每季度", "quarterly"),
    "setting.value.mon": ("周一", "Monday"),
    "setting.value.tue": ("周二", "Tuesday"),
    "setting.value.wed": ("周三", "Wednesday"),
    "setting.value.thu": ("周四", "Thursday"),
    "setting.value.fri": ("周五", "Friday"),
    "setting.value.sat": ("周六", "Saturday"),
    "setting.value.sun": ("周日", "Sunday"),
    "settings.line": ("· {label}：<b>{value}</b>", "· {label}: <b>{value}</b>"),
    "settings.line_changed": (
        "· {label}：<b>{value}</b>（默认 {default}）",
        "· {label}: <b>{value}</b> (default {default})",
    ),
    "settings.ask": (
        "{label}\n当前：{value}（默认 {default}）\n请输入新的值：",
        "{label}\nNow: {value} (default {default})\nType the new value:",
    ),
    "settings.invalid": (
        "❌ 无法保存「{label}」：{reason}\n请重新输入。",
        "❌ Cannot save “{label}”: {reason}\nPlease type it again.",
    ),
    "settings.saved": ("✅ 「{label}」已改为 {value}。", "✅ “{label}” is now {value}."),
    "setting.reminder_days_before": ("到期前提醒天数", "Remind days before deadline"),
    "setting.remind_on_deadline_day": ("到期当天提醒", "Remind on the deadline day"),
    "setting.overdue_every_days": (
        "逾期后每隔几个工作日提醒",
        "Overdue: remind every N working days",
    ),
    "setting.red_after_overdue_days": ("逾期多少天转红色", "Red after N days overdue"),
    "setting.daily_push_time": ("每日推送时间", "Daily push time"),
    "setting.quiet_start": ("免打扰开始", "Quiet hours start"),
    "setting.quiet_end": ("免打扰结束", "Quiet hours end"),
    "setting.ack_overdue_workdays": ("签收时限（工作日）", "Acknowledge within (working days)"),
    "setting.lookback_after_days": ("销号后几天回头看", "Look-back after N days"),
    "setting.visit_idle_hours": ("走访闲置自动结束（小时）", "Visit ends after idle hours"),
    "setting.invitation_days": ("邀请有效天数", "Invitation valid days"),
    "setting.ongoing_progress_every": ("长期事项进展频率", "Ongoing items: progress every"),
    "setting.weekly_digest_day": ("周报星期", "Weekly digest day"),
    "setting.weekly_digest_time": ("周报时间", "Weekly digest time"),
    "holiday.usage": (
        "用法：/holiday 2024-10-12 on（设为工作日）或 /holiday 2024-10-01 off（设为假日）。\n"
        "当前调整：\n{lines}",
        "Usage: /holiday 2024-10-12 on (working day) or /holiday 2024-10-01 off (holiday).\n"
        "Current overrides:\n{lines}",
    ),
    "holiday.line_on": ("· {day} 上班", "· {day} working day"),
    "holiday.line_off": ("· {day} 放假", "· {day} holiday"),
    "holiday.bad_date": ("{text} 不是有效日期。", "{text} is not a valid date."),
    "holiday.set_on": (
        "✅ {day} 设为工作日，提醒安排已更新。",
        "✅ {day} is a working day; reminders follow.",
    ),
    "holiday.set_off": (
        "✅ {day} 设为假日，提醒安排已更新。",
        "✅ {day} is a holiday; reminders follow.",
    ),
    "period.usage": (
        "用法：/period 周期名称，如 /period 2025年度",
        "Usage: /period name, e.g. /period 2025",
    ),
    "period.started": (
        "✅ 新周期「{name}」已开始，{count} 项未办结事项已滚动转入（编号和记录保留）。",
        "✅ Period “{name}” started; {count} unfinished {count:item|items} rolled over with their "
        "codes and "
        "history.",
    ),
}
