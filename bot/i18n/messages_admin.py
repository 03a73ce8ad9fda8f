"""The office's people work: invitations and users."""

MESSAGES: dict[str, tuple[str, str]] = {
    "admin.only": ("此操作仅限管理员。", "Only administrators can do this."),
    "invite.choose_role": ("邀请哪类用户？", "Whom are you inviting?"),
    "invite.choose_unit": (
        "联络员属于哪个承办单位？点选下方单位，或直接输入单位名称。",
        "Which responsible unit is the contact with? Tap one below or type its name.",
    ),
    "invite.ask_name": ("请输入被邀请人的姓名。", "Type the invited person's name."),
    "invite.name_invalid": (
        "名称不能为空，且不超过 {limit} 个字，请重新输入。",
        "The name must not be empty or longer than {limit} {limit:character|characters}; please "
        "type it again.",
    ),
    "invite.created": (
        "已为 <b>{name}</b>（{role}{unit}）生成邀请链接，仅可使用一次，{expires} 前有效：\n{link}\n"
        "请通过可靠渠道发给本人。",
        "Invitation for <b>{name}</b> ({role}{unit}), single use, valid until {expires}:\n"
        "{link}\nSend it to them through a trusted channel.",
    ),
    "invite.revoke": ("撤销邀请", "Revoke"),
    "invite.revoked": ("邀请已撤销。", "The invitation was revoked."),
    "invite.not_revocable": (
        "这个邀请已被使用或已撤销。",
        "That invitation was already used or revoked.",
    ),
    "users.none": ("还没有登记的用户。", "Nobody is registered yet."),
    "users.title": (
        "共 {count} 位用户，点选查看：",
        "{count} {count:person|people}; tap one to manage:",
    ),
    "users.card": (
        "<b>{name}</b>\n角色：{role}\n单位：{unit}\n状态：{state}",
        "<b>{name}</b>\nRole: {role}\nUnit: {unit}\nStatus: {state}",
    ),
    "users.active": ("在用", "active"),
    "users.inactive": ("已停用", "deactivated"),
    "users.deactivate": ("停用", "Deactivate"),
    "users.handover": ("移交工作", "Hand over"),
    "users.contact_needs_unit": (
        "联络员必须属于一个承办单位；请为其重新发出联络员邀请。",
        "A contact must belong to a unit; send them a contact invitation instead.",
    ),
    "users.role_changed": ("{name} 的角色已改为{role}。", "{name} is now {role}."),
    "users.not_yourself": ("不能停用自己。", "You cannot deactivate yourself."),
    "users.deactivated": ("{name} 已停用。", "{name} was deactivated."),
    "users.no_successor": (
        "没有同一角色的其他在用人员可接手。",
        "There is nobody else with the same role to hand over to.",
    ),
    "users.choose_successor": ("由谁接手 {name} 的工作？", "Who takes over from {name}?"),
    "users.handed_over": (
        "{name} 的 {items} 个事项和 {visits} 次进行中的走访已移交给 {successor}，{name} 已停用。",
        "{name}'s {items} {items:item|items} and {visits} open {visits:visit|visits} now belong "
        "to {successor}; "
        "{name} was deactivated.",
    ),
    "text.no_context": (
        "收到。如需记录走访发现，请先发送 /visit 开始走访；发送 /help 查看全部命令。",
        "Got it. To log findings, start a visit with /visit first; /help lists everything.",
    ),
}
