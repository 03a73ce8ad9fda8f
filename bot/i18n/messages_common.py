"""Registration, help, language, errors: messages every user can meet."""

MESSAGES: dict[str, tuple[str, str]] = {
    # Between the names of a list: Chinese enumerates with 、, English with a comma.
    "list.sep": ("、", ", "),
    "start.invitation_only": (
        "您好！本机器人仅限受邀人员使用。请向人大常委会办公室索取邀请链接。",
        "Hello! This bot is by invitation only. Please ask the committee office for an "
        "invitation link.",
    ),
    "start.invitation_used": (
        "这个邀请链接已经使用过了。如需帮助，请联系人大常委会办公室。",
        "This invitation has already been used. Please contact the committee office.",
    ),
    "start.invitation_expired": (
        "这个邀请链接已过期。请向人大常委会办公室索取新的邀请。",
        "This invitation has expired. Please ask the committee office for a new one.",
    ),
    "start.invitation_revoked": (
        "这个邀请链接已被撤销。请联系人大常委会办公室。",
        "This invitation was revoked. Please contact the committee office.",
    ),
    "start.welcome": (
        "欢迎，{name}！您已登记为<b>{role}</b>{unit}。\n发送 /help 查看可用命令。",
        "Welcome, {name}! You are registered as <b>{role}</b>{unit}.\n"
        "Send /help to see what you can do.",
    ),
    "start.welcome_unit": ("（{unit}）", " ({unit})"),
    "start.already": (
        "您好，{name}！您已登记为<b>{role}</b>。发送 /help 查看可用命令。",
        "Hello, {name}! You are registered as <b>{role}</b>. Send /help to see what you can do.",
    ),
    "role.inspector": ("督查人员", "inspector"),
    "role.contact": ("承办单位联络员", "department contact"),
    "role.admin": ("管理员", "administrator"),
    "role.leader": ("分管领导", "leader"),
    "help.title": ("<b>可用命令</b>", "<b>Commands</b>"),
    "lang.choose": ("请选择语言：", "Choose your language:"),
    "lang.set": ("已切换为中文。", "Language set to English."),
    "lang.zh": ("中文", "中文"),
    "lang.en": ("English", "English"),
    "error.domain": ("无法完成这个操作。", "That cannot be done."),
    "error.illegal_transition": (
        "这个事项当前的状态不允许此操作。",
        "The item's current status does not allow this.",
    ),
    "error.not_permitted": (
        "您没有权限对这个事项进行此操作。",
        "You may not do this to this item.",
    ),
    "error.closeout_needs_evidence": (
        "申请销号需要附上佐证材料（文字说明、照片或文件）。",
        "A close-out request needs evidence (a note, photos or documents).",
    ),
    "error.reason_required": ("请说明理由。", "Please give a reason."),
    "error.sorry": (
        "抱歉，处理您的消息时出错了，管理员已收到通知。您发送的内容没有丢失。",
        "Sorry, something went wrong with your message. The administrators have been told; "
        "nothing you sent was lost.",
    ),
    "error.button_expired": (
        "这个按钮已失效，请重新打开相关页面。",
        "This button has expired; please open the page again.",
    ),
    "error.button_not_yours": ("这个按钮不属于您。", "This button is not meant for you."),
    "admin.user_blocked_bot": (
        "⚠️ {name}（{role}{unit}）已屏蔽机器人，无法收到提醒。",
        "⚠️ {name} ({role}{unit}) has blocked the bot and cannot receive reminders.",
    ),
    "command.unknown": (
        "没有 {command} 这个命令。发送 /help 查看您可以使用的命令。",
        "There is no command {command}. Send /help to see the ones you can use.",
    ),
    "ignored.unsupported": (
        "机器人暂不处理这类消息（贴纸、动图、投票、联系人等）。",
        "The bot does not handle this kind of message (stickers, GIFs, polls, contacts…).",
    ),
    "cmd.start": ("使用邀请链接登记", "Register with your invitation link"),
    "cmd.help": ("查看可用命令", "List the commands"),
    "cmd.lang": ("切换语言", "Change language"),
    "cmd.visit": ("开始一次走访（四不两直）", "Start a visit"),
    "cmd.done": ("结束当前走访", "Finish the current visit"),
    "cmd.item": ("查看事项：/item 编号 或关键词", "Look up an item: /item code or words"),
    "cmd.visits": ("我的走访记录", "My visits"),
    "cmd.invite": ("邀请新用户", "Invite someone"),
    "cmd.users": ("用户管理", "Manage users"),
    "cmd.queue": ("待完善事项和企业", "Items and companies to complete"),
}
