"""People on both platforms (issue 16): how to join on each front-end, each person's
platforms in /users, and linking a second platform's account with a link invitation."""

MESSAGES: dict[str, tuple[str, str]] = {
    "platform.telegram": ("Telegram", "Telegram"),
    "platform.dingtalk": ("钉钉", "DingTalk"),
    "invite.join_telegram": ("Telegram：点击 {link}", "Telegram: open {link}"),
    "invite.join_dingtalk": (
        "钉钉：在钉钉里给督办机器人发送「绑定 {code}」",
        "DingTalk: send the Duban robot “绑定 {code}” in DingTalk",
    ),
    "users.platforms": ("平台：{platforms}", "Platforms: {platforms}"),
    "users.platforms_reached": (
        "平台：{platforms}（消息发往{current}）",
        "Platforms: {platforms} (messages go to {current})",
    ),
    "users.platforms_none": ("平台：尚未登记", "Platforms: not yet registered"),
    "users.link": ("🔗 连接{platform}账号", "🔗 Link a {platform} account"),
    "users.link_created": (
        "已为 <b>{name}</b> 生成连接{platform}账号的邀请，仅可使用一次，{expires} 前有效：\n"
        "{how}\n请通过可靠渠道发给本人。连接后，{name} 在两个平台都能使用督办，"
        "消息发往其最近使用的平台。",
        "An invitation to link <b>{name}</b>'s {platform} account, single use, valid until "
        "{expires}:\n{how}\nSend it to them through a trusted channel. Once linked, {name} "
        "uses Duban on both platforms and messages go to the one they used last.",
    ),
    "users.link_not_active": (
        "{name} 已停用，不能连接新的账号。",
        "{name} is deactivated; no account can be linked to them.",
    ),
    "invites.linked": (
        "已连接：此{platform}账号现在是 <b>{name}</b>（{role}{unit}）的账号，"
        "消息将发到这里。发送 /help 查看可用命令。",
        "Linked: this {platform} account is now <b>{name}</b>'s ({role}{unit}), and messages "
        "come here. Send /help to see what you can do.",
    ),
    "invites.link_already": (
        "此账号已经是 <b>{name}</b> 的账号，无需再次连接；这个邀请没有被使用。",
        "This account is already <b>{name}</b>'s; nothing to link, and the invitation was "
        "not used.",
    ),
    "invites.link_taken": (
        "此账号已登记为 <b>{name}</b>，不能再连接到别人。这个邀请没有被使用；"
        "如有疑问请联系人大常委会办公室。",
        "This account is registered as <b>{name}</b> and cannot be linked to someone else. "
        "The invitation was not used; ask the committee office if this is unexpected.",
    ),
    "invites.link_person_inactive": (
        "这个邀请所连接的用户已停用，邀请没有被使用。请向人大常委会办公室咨询。",
        "The person this invitation links to is deactivated; it was not used. Ask the "
        "committee office.",
    ),
    "history.event.audit.account_linked": ("🔗 连接新平台账号", "🔗 Account linked"),
}
