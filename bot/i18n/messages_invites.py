"""Administrators from ADMIN_IDS and invitations: confirming, telling the inviter, revoking."""

MESSAGES: dict[str, tuple[str, str]] = {
    "setting.admin_invitation_hours": ("管理员邀请有效小时数", "Admin invitation valid hours"),
    # /start <code> from someone already registered, or from an ADMIN_IDS administrator
    "invites.settings_admin_start": (
        "您是服务器配置（ADMIN_IDS）指定的管理员，身份不能通过邀请链接更改，这个链接没有被使用。"
        "如果它是发给别人的，请转交被邀请人本人。",
        "You are an administrator set in the server's configuration (ADMIN_IDS); an invitation "
        "cannot change that, so this link was not used. If it is meant for someone else, "
        "pass it on to them.",
    ),
    "invites.unknown_code": (
        "这个邀请链接无效。请核对链接，或向人大常委会办公室索取新的邀请。",
        "This invitation link is not valid. Check the link or ask the committee office for a "
        "new one.",
    ),
    "invites.confirm_change": (
        "您已登记为 <b>{name}</b>（{role}{unit}）。使用这个邀请将更改您的登记信息：\n{changes}\n"
        "确认更改吗？在您确认前，什么都不会改变。",
        "You are registered as <b>{name}</b> ({role}{unit}). Using this invitation changes "
        "your registration:\n{changes}\nChange it? Nothing changes until you confirm.",
    ),
    "invites.change_line": (
        "• {field}：{before} → <b>{after}</b>",
        "• {field}: {before} → <b>{after}</b>",
    ),
    "invites.no_change": (
        "• 登记信息与现在相同（使用后此邀请即失效）",
        "• nothing (the invitation would only be used up)",
    ),
    "invites.field.name": ("姓名", "Name"),
    "invites.field.role": ("角色", "Role"),
    "invites.field.unit": ("单位", "Unit"),
    "invites.nothing": ("无", "none"),
    "invites.confirm": ("✅ 确认更改", "✅ Change it"),
    "invites.keep": ("保持不变", "Keep as is"),
    "invites.kept": (
        "好的，您的登记信息保持不变，邀请也没有被使用。",
        "All right: your registration stays as it is and the invitation was not used.",
    ),
    "invites.changed": (
        "已更新：您现在登记为 <b>{name}</b>（{role}{unit}）。发送 /help 查看可用命令。",
        "Updated: you are now registered as <b>{name}</b> ({role}{unit}). "
        "Send /help to see what you can do.",
    ),
    # the inviter is told, and the message with the link shows what became of it
    "invites.who": (
        "{full_name}{username}（Telegram ID {id}）",
        "{full_name}{username} (Telegram ID {id})",
    ),
    "invites.who_username": (" @{username}", " @{username}"),
    "invites.used_notice": (
        "🔔 邀请已被使用：<b>{name}</b>（{role}{unit}）\n使用者：{who}\n"
        "如果这不是被邀请人本人（例如链接被转发给了别人），请立即停用。",
        "🔔 An invitation was used: <b>{name}</b> ({role}{unit})\nUsed by: {who}\n"
        "If this is not the invited person (the link may have been forwarded), deactivate "
        "them now.",
    ),
    "invites.deactivate_now": ("⛔ 立即停用", "⛔ Deactivate now"),
    "invites.message_used": (
        "✅ 邀请已使用：<b>{name}</b>（{role}{unit}）\n使用者：{who}\n时间：{at}",
        "✅ Invitation used: <b>{name}</b> ({role}{unit})\nUsed by: {who}\nAt: {at}",
    ),
    "invites.message_revoked": (
        "⛔ 邀请已撤销：<b>{name}</b>（{role}{unit}），链接不再有效。",
        "⛔ Invitation revoked: <b>{name}</b> ({role}{unit}); the link no longer works.",
    ),
    # /invite: what is still open
    "invites.pending_title": (
        "尚未使用的邀请（{count} 个），点选可撤销：\n{lines}",
        "Invitations not used yet ({count}); tap one to revoke it:\n{lines}",
    ),
    "invites.pending_line": (
        "• <b>{name}</b>（{role}{unit}），{expires} 前有效",
        "• <b>{name}</b> ({role}{unit}), valid until {expires}",
    ),
    "invites.pending_more": ("……另有 {count} 个未列出", "… and {count} more not listed"),
    "invites.revoke_one": ("撤销：{name}（{role}）", "Revoke: {name} ({role})"),
    # /users and ADMIN_IDS administrators
    "users.settings_admin_note": (
        "🔒 服务器配置（ADMIN_IDS）指定的管理员",
        "🔒 Administrator set in the server's configuration (ADMIN_IDS)",
    ),
    "users.settings_admin_refused": (
        "{name} 是服务器配置（ADMIN_IDS）指定的管理员，不能在这里降级、停用或移交；"
        "如需变更，请修改服务器上的 ADMIN_IDS 设置。",
        "{name} is an administrator set in the server's configuration (ADMIN_IDS) and cannot "
        "be demoted, deactivated or handed over here; change ADMIN_IDS on the server instead.",
    ),
}
