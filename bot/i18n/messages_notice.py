"""The 通报 as an official paper (GB/T 9704-2012's layout as far as our one font allows):
its 文号, title, sections and 落款, and the chat's preview, issue, cancel and /notices."""

MESSAGES: dict[str, tuple[str, str]] = {
    # --- the document
    "notice.number": ("{prefix}〔{year}〕{number}号", "{prefix} [{year}] No. {number}"),
    "notice.draft_mark": ("样稿", "DRAFT"),
    "notice.title_period": ("{label}", ", {label}"),
    "notice.title_as_of": ("{title}（截至{day}）", "{title}, as of {day}"),
    "notice.period.month": ("{year}年{month}月", "{month} {year}"),
    "notice.period.quarter": ("{year}年第{quarter}季度", "Q{quarter} {year}"),
    "notice.period.year": ("{year}年", "{year}"),
    "notice.period.batch": ("{name}批次", "period {name}"),
    "notice.date": ("{year}年{month}月{day}日", "{day} {month} {year}"),
    "notice.addressees": ("{units}：", "To: {units}"),
    "notice.opening": (
        "为推动{programme}督办事项落地见效，现将截至{date}的办理情况通报如下：",
        "To see the supervised items of {programme} through, their handling as of {date} "
        "is reported as follows.",
    ),
    "notice.scope": ("统计范围：{scope}。", "Scope: {scope}."),
    "notice.section.overall": ("一、总体情况", "1. Overall"),
    "notice.section.ranking": ("二、排名", "2. Ranking"),
    "notice.section.problems": ("三、存在问题", "3. Problems"),
    "notice.section.requirements": ("四、下步要求", "4. Next steps"),
    "notice.overall": (
        "截至{date}，督办事项共{total}项，已销号{closed}项，销号率{rate}；"
        "逾期未办结{overdue}项，红色督办{red}项。",
        "As of {date} there {total:is|are} {total} supervised {total:item|items}: {closed} "
        "closed (close-out rate {rate}), {overdue} overdue and {red} at the red level.",
    ),
    "notice.overall_period": (
        "本期（{start}至{end}）新增{new}项，销号{closed}项。",
        "In the period ({start} to {end}): {new} new, {closed} closed.",
    ),
    "notice.ranking_intro": (
        "各承办单位按销号率由高到低排序（销号率相同的，逾期事项少者在前）：",
        "The responsible units by close-out rate, highest first (at equal rates, fewer "
        "overdue items first):",
    ),
    "notice.problems.red": (
        "（一）红色督办事项{count}项：",
        "(1) {count} {count:item|items} at the red level:",
    ),
    "notice.problems.overdue": (
        "（二）其他逾期未办结事项{count}项：",
        "(2) {count} other overdue {count:item|items}:",
    ),
    "notice.problems.item_overdue": (
        "{code}　{unit}：{problem}（逾期{days}天）",
        "{code} {unit}: {problem} ({days} {days:day|days} overdue)",
    ),
    "notice.problems.item": ("{code}　{unit}：{problem}", "{code} {unit}: {problem}"),
    "notice.problems.more": (
        "另有{count}项，详见督办台账。",
        "{count} more: see the ledger.",
    ),
    "notice.problems.silent": (
        "（三）本期无进展的单位{count}个：{units}。",
        "(3) {count} {count:unit|units} reported no progress in the period: {units}.",
    ),
    "notice.problems.none": (
        "本期没有红色督办、逾期未办结或无进展的情况。",
        "No item is at the red level or overdue, and every unit reported progress.",
    ),
    "notice.no_unit": ("（未定承办单位）", "(no responsible unit)"),
    "notice.page": ("— {page} —", "— {page} —"),
    # --- the chat
    "notice.preview_done": (
        "📄 <b>通报样稿</b>（未编号，截至 {date}，总销号率 {rate}）。\n"
        "请核对样稿。点“签发”时取文号，并发送给 {units} 个承办单位的联络员。",
        "📄 <b>Notice draft</b> (unnumbered, as of {date}, overall close-out rate {rate}).\n"
        "Check the draft. “Issue” gives it its number and sends it to the contacts of "
        "{units} responsible {units:unit|units}.",
    ),
    "notice.preview_done_leader": (
        "📄 <b>通报样稿</b>（未编号，截至 {date}，总销号率 {rate}）。通报由管理员签发。",
        "📄 <b>Notice draft</b> (unnumbered, as of {date}, overall close-out rate {rate}). "
        "Administrators issue notices.",
    ),
    "notice.preview_caption": (
        "<b>通报样稿</b>（未编号，截至 {date}）",
        "<b>Notice draft</b> (unnumbered, as of {date})",
    ),
    "notice.btn_issue": ("📤 签发", "📤 Issue"),
    "notice.btn_cancel": ("✖ 取消", "✖ Cancel"),
    "notice.issue_asked": (
        "📄 通报样稿：已点“签发”，结果见下一条消息。",
        "📄 Notice draft: “Issue” was tapped; the outcome follows below.",
    ),
    "notice.issuing": ("⏳ 正在签发通报…", "⏳ Issuing the notice…"),
    "notice.issued": (
        "✅ 通报已签发：<b>{number}</b>\n{title}\n已发送给 {count} 位联络员。",
        "✅ Notice issued: <b>{number}</b>\n{title}\nSent to {count} {count:contact|contacts}.",
    ),
    "notice.no_contact": (
        "\n以下单位没有联络员，未能送达：{units}",
        "\nThese units have no contact and did not receive it: {units}",
    ),
    "notice.caption": ("📄 <b>{number}</b>\n{title}", "📄 <b>{number}</b>\n{title}"),
    "notice.already_issued": (
        "这份通报已签发，文号 {number}。",
        "This notice was already issued as {number}.",
    ),
    "notice.cancelled": (
        "✖ 已取消，这份样稿不会签发。",
        "✖ Cancelled: this draft will not be issued.",
    ),
    "notice.was_cancelled": (
        "这份样稿已取消，不能签发。如需签发，请重新生成通报。",
        "This draft was cancelled and cannot be issued. Build the notice again to issue one.",
    ),
    "notice.busy": ("通报正在签发，请稍候。", "The notice is being issued, one moment."),
    "notice.expired": (
        "这份样稿已失效，请重新生成通报。",
        "This draft no longer applies; please build the notice again.",
    ),
    "notice.changed": (
        "生成样稿后数据已有变化，本次未签发，也未占用文号。请重新生成样稿，核对后再签发。",
        "The figures changed after the draft was made: nothing was issued and no number "
        "was taken. Build a new draft, check it and issue that.",
    ),
    "notice.admin_only": ("通报由管理员签发。", "Only administrators issue notices."),
    # --- /notices
    "cmd.notices": ("已签发的通报", "Issued notices"),
    "notices.office_only": (
        "已签发的通报供领导和督办办公室查看。",
        "Issued notices are for leaders and the office.",
    ),
    "notices.title": (
        "<b>已签发的通报（{count}）</b>\n{lines}\n点文号可再次获取 PDF。",
        "<b>Issued notices ({count})</b>\n{lines}\nTap a number to get its PDF again.",
    ),
    "notices.line": ("{number}　{title}　{date}", "{number}  {title}  {date}"),
    "notices.none": ("还没有签发过通报。", "No notice has been issued yet."),
    "notices.missing_file": (
        "找不到通报 {number} 的 PDF 文件，请联系管理员。",
        "The PDF of notice {number} cannot be found; please tell an administrator.",
    ),
    "notices.unknown": ("没有这份通报。", "There is no such notice."),
    # --- the audit trail
    "history.event.audit.notice_issued": ("签发通报", "Notice issued"),
}
