"""Messages that follow the state (issue 14): a reminder edited once its items are
acknowledged, the office's one start-up notice, a finding notice's button, and a report
asked for again."""

MESSAGES: dict[str, tuple[str, str]] = {
    # --- a report asked for again with the same options
    "report.same_running": (
        "同样的报表正在生成，请稍候。",
        "The same report is being built; please wait.",
    ),
    "report.same_done": (
        "📊 这份报表已于 {when} 生成，见上方消息。数据有变化时可重新生成。",
        "📊 This report was delivered at {when}; see above. Build it again for the latest figures.",
    ),
    "report.build_again": ("🔄 重新生成", "🔄 Build again"),
    # --- a finding notice to a contact opens the item with a button
    "visit.contact_open": ("📂 查看 {code}", "📂 Open {code}"),
    # --- what a reminder pass found for the office, in one message per administrator
    "state.office_notice": (
        "🗂 <b>督办办公室待处理</b> · {day}\n{sections}",
        "🗂 <b>For the office</b> · {day}\n{sections}",
    ),
    "state.list_line": ("· {entry}", "· {entry}"),
    # --- a reminder line once its item is acknowledged (replaces remind.reason.new / plus_new)
    "remind.acked": ("✅ 已签收（{name} {when}）", "✅ acknowledged ({name}, {when})"),
    "remind.plus_acked": ("；✅ 已签收（{name} {when}）", "; ✅ acknowledged ({name}, {when})"),
}
