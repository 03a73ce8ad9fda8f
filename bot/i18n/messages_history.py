"""An item's history as the export's 事项历史 sheet lays it out: what happened (事件) and
what people wrote (内容), for each event the chat's /history also shows
(bot/builders/timeline.py). Events without an entry here (decisions with nothing
written) show the chat's own sentence as 事件 and nothing as 内容; an audited change's
内容 is each field, by its column's name, as it was and became.

Also here: the phrase of every audit action (``bot.domain.audit.AuditAction``) that has
none elsewhere, as /history says it, and the words those phrases fill in. Each member has a
``history.event.audit.<action>`` phrase (tests/guards/test_audit_actions.py), including
actions about visits, companies and people that no item's history shows today, so that a
view of the whole trail can say every one of them."""

MESSAGES: dict[str, tuple[str, str]] = {
    "history.sheet.visit_finding": (
        "🚶 走访 {company}（照片 {photos}）",
        "🚶 Visit to {company} ({photos} {photos:photo|photos})",
    ),
    "history.detail.visit_finding": ("{text}", "{text}"),
    "history.sheet.finding": ("📝 发现问题", "📝 Finding"),
    "history.detail.finding": ("{text}", "{text}"),
    "history.sheet.progress": ("📈 办理进展", "📈 Progress"),
    "history.detail.progress": ("{text}{figure}", "{text}{figure}"),
    "history.sheet.closeout_requested": ("📮 申请销号", "📮 Close-out requested"),
    "history.detail.closeout_requested": ("{text}", "{text}"),
    "history.sheet.closeout_returned": ("↩️ 销号申请被退回", "↩️ Close-out request returned"),
    "history.detail.closeout_returned": ("{reason}", "{reason}"),
    "history.sheet.extension_requested": (
        "⏳ 申请延期至 {deadline}",
        "⏳ Extension to {deadline} requested",
    ),
    "history.detail.extension_requested": ("{reason}", "{reason}"),
    "history.sheet.deadline_changed": (
        "📅 办理时限 {old} → {new}",
        "📅 Deadline {old} → {new}",
    ),
    "history.detail.deadline_changed": ("{reason}", "{reason}"),
    "history.sheet.lookback_reopened": (
        "🔍 回头看：问题反弹，重新督办",
        "🔍 Look-back: the problem came back, reopened",
    ),
    "history.detail.lookback_reopened": ("{text}", "{text}"),
    # --- an audited change, as the sheet lays it out
    "history.sheet.audit.created": ("🆕 登记为督办事项", "🆕 Registered as a list item"),
    "history.detail.audit.created": ("{fields}", "{fields}"),
    "history.sheet.audit.sheet_updated": ("📝 台账更新", "📝 Updated from the sheet"),
    "history.detail.audit.sheet_updated": ("{changes}", "{changes}"),
    "history.sheet.audit.escalated": ("🔺 督办调整", "🔺 Supervision changed"),
    "history.detail.audit.escalated": ("{changes}", "{changes}"),
    "history.sheet.audit.extended": (
        "⏳ 批准延期：期限 {old} → {new}",
        "⏳ Extension approved: deadline {old} → {new}",
    ),
    "history.detail.audit.extended": ("{reason}", "{reason}"),
    "history.sheet.audit.return_close": ("↩️ 销号申请被退回", "↩️ Close-out request returned"),
    "history.detail.audit.return_close": ("{reason}", "{reason}"),
    # --- every other audit action as /history says it
    "history.event.audit.log_activity": ("🔄 开始办理", "🔄 Work under way"),
    "history.event.audit.lookback_confirmed": (
        "🔍 回头看：问题未反弹",
        "🔍 Look-back: still solved",
    ),
    "history.event.audit.acknowledged": ("✍️ {unit} 签收{ack}", "✍️ {unit} signed for {ack}"),
    "history.event.audit.merged_into": ("🔗 并入 {code}", "🔗 Merged into {code}"),
    "history.event.audit.merged_from": (
        "🔗 {code} 并入本事项（移入发现 {count} 条）",
        "🔗 {code} merged into this item (findings moved: {count})",
    ),
    "history.event.audit.review_completed": ("☑️ 核查完成", "☑️ Review completed"),
    "history.event.audit.review_rejected": (
        "🚫 核查后不列入督办",
        "🚫 Not a list item after review",
    ),
    "history.event.audit.tied": ("🔗 发现关联到本事项", "🔗 A finding was linked to this item"),
    "history.event.audit.moved": (
        "🔗 {what}从 {code} 移到本事项",
        "🔗 {what} moved here from {code}",
    ),
    "history.event.audit.withdrawn": ("🗑 撤回{what}", "🗑 {what} withdrawn"),
    "history.event.audit.described": ("✏️ 补充发现说明", "✏️ A finding was described"),
    "history.event.audit.file_stored": ("💾 证据文件已保存", "💾 Evidence file stored"),
    "history.event.audit.started": ("🚶 开始走访", "🚶 Visit started"),
    "history.event.audit.joined": ("🚶 加入走访", "🚶 Joined a visit"),
    "history.event.audit.ended": ("🏁 结束走访", "🏁 Visit ended"),
    "history.event.audit.located": ("📍 走访定位", "📍 Visit located"),
    "history.event.audit.arrival_confirmed": ("✅ 确认到场", "✅ Arrival confirmed"),
    "history.event.audit.created_on_visit": ("🏭 走访中新增企业", "🏭 Company added on a visit"),
    "history.event.audit.coordinates_set": ("📍 登记企业坐标", "📍 Company coordinates set"),
    "history.event.audit.coordinates_proposed": (
        "📍 提交企业坐标",
        "📍 Company coordinates proposed",
    ),
    "history.event.audit.coordinates_rejected": (
        "📍 企业坐标未采纳",
        "📍 Company coordinates rejected",
    ),
    "history.event.audit.registered": ("🙋 注册使用", "🙋 Registered"),
    "history.event.audit.revoked": ("🚫 撤销邀请", "🚫 Invitation revoked"),
    "history.event.audit.changed": ("✏️ 修改设置", "✏️ Changed"),
    "history.event.audit.admin_from_settings": (
        "🔑 按服务器设置成为管理员",
        "🔑 Made an administrator by the server's settings",
    ),
    "history.event.audit.admin_restored_from_settings": (
        "🔑 按服务器设置恢复管理员",
        "🔑 Administrator restored by the server's settings",
    ),
    "history.event.audit.replay": ("🔁 重新处理一条消息", "🔁 A set-aside update replayed"),
    # --- the words those phrases fill in
    "history.ack.assigned": ("新交办事项", "the new item"),
    "history.ack.returned": ("退回事项", "the returned item"),
    "history.entity.finding": ("发现", "A finding"),
    "history.entity.evidence": ("证据", "Evidence"),
    "history.field.joint_meeting": ("专题会商", "Joint meeting"),
    "history.field.other": ("其他", "Other"),
    "history.value.yes": ("是", "yes"),
    "history.value.no": ("否", "no"),
    "history.value.monthly": ("每月", "monthly"),
    "history.value.quarterly": ("每季度", "quarterly"),
    "history.value.ongoing": ("长期坚持", "ongoing"),
    "history.deadline_reason.sheet": ("台账更新", "updated from the sheet"),
    "history.deadline_reason.extension": ("延期：{reason}", "extension: {reason}"),
}
