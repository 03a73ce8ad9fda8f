"""People's scenarios on DingTalk too (issue 16): what the office is told about a DingTalk
person in words that name DingTalk, not Telegram."""

MESSAGES: dict[str, tuple[str, str]] = {
    # who used an invitation, when they redeemed it in DingTalk: their nick and staff id
    "invites.who_dingtalk": (
        "{full_name}{username}（钉钉 ID {id}）",
        "{full_name}{username} (DingTalk ID {id})",
    ),
}
