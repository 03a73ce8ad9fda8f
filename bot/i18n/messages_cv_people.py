"""People's scenarios on DingTalk too (issue 16): what the office is told about a DingTalk
person in words that name DingTalk, not Telegram: who used an invitation, and the setting
that makes a DingTalk administrator (DINGTALK_ADMIN_IDS, not ADMIN_IDS)."""

MESSAGES: dict[str, tuple[str, str]] = {
    # who used an invitation, when they redeemed it in DingTalk: their nick and staff id
    "invites.who_dingtalk": (
        "{full_name}{username}（钉钉 ID {id}）",
        "{full_name}{username} (DingTalk ID {id})",
    ),
    # an administrator named in DINGTALK_ADMIN_IDS only (services/invitations.py
    # settings_admin_key): the same words as for ADMIN_IDS, naming the setting to change
    "invites.settings_admin_start_dingtalk": (
        "您是服务器配置（DINGTALK_ADMIN_IDS）指定的管理员，身份不能通过邀请链接更改，这个链接没有"
        "被使用。如果它是发给别人的，请转交被邀请人本人。",
        "You are an administrator set in the server's configuration (DINGTALK_ADMIN_IDS); an "
        "invitation cannot change that, so this link was not used. If it is meant for someone "
        "else, pass it on to them.",
    ),
    "users.settings_admin_note_dingtalk": (
        "🔒 服务器配置（DINGTALK_ADMIN_IDS）指定的管理员",
        "🔒 Administrator set in the server's configuration (DINGTALK_ADMIN_IDS)",
    ),
    "users.settings_admin_refused_dingtalk": (
        "{name} 是服务器配置（DINGTALK_ADMIN_IDS）指定的管理员，不能在这里降级、停用或移交；"
        "如需变更，请修改服务器上的 DINGTALK_ADMIN_IDS 设置。",
        "{name} is an administrator set in the server's configuration (DINGTALK_ADMIN_IDS) and "
        "cannot be demoted, deactivated or handed over here; change DINGTALK_ADMIN_IDS on the "
        "server instead.",
    ),
}
