"""Reasons and deadline words in the reader's language: why a setting value was refused
(bot/domain/policy.py Refusal), why ``duban invite`` could not make a link, and the one
wording of a deadline's days left or overdue (bot/services/due_words.py)."""

MESSAGES: dict[str, tuple[str, str]] = {
    # A policy that cannot be read from the database (PolicyError outside /settings).
    "error.policy": (
        "办公室的工作设置中有一项无效，请管理员在 /settings 中检查。",
        "One of the office's settings is not valid; an administrator should check /settings.",
    ),
    # --- why a setting value was refused (policy.error.<Refusal>), after "无法保存「…」："
    "policy.error.unknown_setting": (
        "没有这项设置；现有的设置为：{known}",
        "no such setting; known settings are {known}",
    ),
    "policy.error.days_list": (
        "请输入用逗号分隔的整数天数，如 7,3,1（不提醒请输入“无”）",
        "expected whole numbers of days separated by commas, like 7,3,1 (or none)",
    ),
    "policy.error.days_repeated": (
        "同一个天数只能出现一次",
        "each number of days may appear only once",
    ),
    "policy.error.days_range": (
        "每个天数须在 {low} 到 {high} 之间",
        "each number of days must be between {low} and {high}",
    ),
    "policy.error.days_order": (
        "天数不能重复，并须从大到小排列",
        "days must be distinct, largest first",
    ),
    "policy.error.flag": ("请输入“开”或“关”", "expected on or off (开/关)"),
    "policy.error.number_days": (
        "请输入整数天数，如 {example}",
        "expected a whole number of days, like {example}",
    ),
    "policy.error.number_workdays": (
        "请输入整数工作日数，如 {example}",
        "expected a whole number of working days, like {example}",
    ),
    "policy.error.number_hours": (
        "请输入整数小时数，如 {example}",
        "expected a whole number of hours, like {example}",
    ),
    "policy.error.number_metres": (
        "请输入整数米数，如 {example}",
        "expected a whole number of metres, like {example}",
    ),
    "policy.error.range_days": (
        "须在 {low} 到 {high} 天之间，不能是 {value}",
        "must be between {low} and {high} {high:day|days}, not {value}",
    ),
    "policy.error.range_workdays": (
        "须在 {low} 到 {high} 个工作日之间，不能是 {value}",
        "must be between {low} and {high} {high:working day|working days}, not {value}",
    ),
    "policy.error.range_hours": (
        "须在 {low} 到 {high} 小时之间，不能是 {value}",
        "must be between {low} and {high} {high:hour|hours}, not {value}",
    ),
    "policy.error.range_metres": (
        "须在 {low} 到 {high} 米之间，不能是 {value}",
        "must be between {low} and {high} {high:metre|metres}, not {value}",
    ),
    "policy.error.time": (
        "请输入当地时间（时：分），如 09:00",
        "expected a local time of day as hours:minutes, like 09:00",
    ),
    "policy.error.time_minutes": ("时间只能精确到分钟", "expected whole minutes"),
    "policy.error.progress": (
        "请输入“每月”“每季度”或“关”",
        "expected monthly, quarterly or off (每月/每季度/关)",
    ),
    "policy.error.weekday": (
        "请输入星期几，如 周一",
        "expected a day of the week, like Monday or 周一",
    ),
    "policy.error.text": ("请输入文字", "expected text"),
    "policy.error.text_too_long": (
        "最多 {limit} 个字，现为 {length} 个字",
        "at most {limit} {limit:character|characters}, not {length}",
    ),
    "policy.error.text_printable": ("只能包含可显示的文字", "expected printable text"),
    "policy.error.in_quiet_hours": (
        "{time} 在免打扰时段 {start}–{end} 之内",
        "{time} falls in the quiet hours {start}–{end}",
    ),
    "policy.error.clash": ("会与「{label}」冲突：{reason}", "conflicts with “{label}”: {reason}"),
    "policy.error.stored": (
        "数据库中保存的值 {value} 无效",
        "the stored value {value} is not valid for this setting",
    ),
    # ``duban`` meets a stored setting it cannot read (bot/cli/main.py).
    "cli.policy": (
        "duban: 工作设置「{label}」有误：{reason}；请管理员在 /settings 中重新设置",
        "duban: the setting “{label}” is not valid: {reason}; an administrator should set it "
        "again in /settings",
    ),
    # --- why ``duban invite`` prints no t.me link (UsernameUnknown.kind)
    "cli.username.no_token": (
        "未设置 TELEGRAM_BOT_TOKEN",
        "TELEGRAM_BOT_TOKEN is not set",
    ),
    "cli.username.timeout": (
        "{url} 的 <code>getMe</code> 在 {seconds} 秒内没有应答",
        "<code>getMe</code> at {url} did not answer within {seconds} s",
    ),
    "cli.username.refused": (
        "{url} 的 <code>getMe</code> 拒绝了该令牌（请检查 TELEGRAM_BOT_TOKEN 和 TELEGRAM_API_URL）",
        "<code>getMe</code> at {url} refused the token "
        "(check TELEGRAM_BOT_TOKEN and TELEGRAM_API_URL)",
    ),
    "cli.username.failed": (
        "{url} 的 <code>getMe</code> 失败：{detail}",
        "<code>getMe</code> at {url} failed: {detail}",
    ),
    # --- a deadline's days left or overdue: the one wording (bot/services/due_words.py)
    "due.in": ("还有 {days} 天", "in {days} {days:day|days}"),
    "due.today": ("今天到期", "due today"),
    "due.overdue": ("逾期 {days} 天", "{days} {days:day|days} overdue"),
    "due.dated": ("{date}（{words}）", "{date} ({words})"),
    "due.none": ("无固定时限", "no fixed deadline"),
}
