"""People on both platforms, the office's tools (issue 16): unlinking one of a person's two
accounts from /users, and the accounts column of ``duban list people``."""

MESSAGES: dict[str, tuple[str, str]] = {
    "users.unlink": ("✂️ 解除{platform}账号", "✂️ Unlink the {platform} account"),
    "users.unlink_confirm": (
        "解除 <b>{name}</b> 的{platform}账号（{account}）？\n"
        "解除后，这个{platform}账号不能再使用督办（可以重新邀请），"
        "{name} 的消息发往{remaining}。",
        "Unlink <b>{name}</b>'s {platform} account ({account})?\n"
        "Once unlinked, that {platform} account can no longer use Duban (it may be invited "
        "again), and {name}'s messages go to {remaining}.",
    ),
    "users.unlink_yes": ("✂️ 确认解除", "✂️ Unlink"),
    "users.unlink_no": ("取消", "Cancel"),
    "users.unlink_cancelled": (
        "已取消，{name} 的账号没有变化。",
        "Cancelled; {name}'s accounts are unchanged.",
    ),
    "users.unlinked": (
        "已解除 <b>{name}</b> 的{platform}账号。{name} 的消息今后发往{remaining}。",
        "<b>{name}</b>'s {platform} account is unlinked. {name}'s messages go to {remaining} "
        "from now on.",
    ),
    "users.unlink_not_theirs": (
        "这个{platform}账号已不是 {name} 的账号（已解除），无需再解除。",
        "That {platform} account is no longer {name}'s (it was unlinked); nothing to do.",
    ),
    "users.unlink_only_account": (
        "{platform}是 {name} 唯一的账号，不能解除，否则无法联系到本人。"
        "如需停止其使用督办，请在其名片上点「停用」。",
        "{platform} is {name}'s only account; unlinking it would leave them unreachable. To "
        "stop them using Duban, tap Deactivate on their card.",
    ),
    "users.account_unlinked_notice": (
        "办公室已解除你的{platform}账号与督办的连接。督办的消息今后发到这里。",
        "The office has unlinked your {platform} account from Duban. Duban's messages come "
        "here from now on.",
    ),
    "parity.list.col.accounts": ("平台账号", "Accounts"),
    "parity.list.col.reached": ("消息发往", "Messages go to"),
    "history.event.audit.account_unlinked": ("✂️ 解除平台账号", "✂️ Account unlinked"),
}
