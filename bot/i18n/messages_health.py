"""Health (issue 17): the lines of ``duban status`` (each figure against its threshold) and
``duban doctor`` (each check, or what to do when it fails)."""

MESSAGES: dict[str, tuple[str, str]] = {
    "health.platform.telegram": ("Telegram", "Telegram"),
    "health.platform.dingtalk": ("钉钉", "DingTalk"),
    "health.database": (
        "数据库 {path} 无法读取：{reason}",
        "the database {path} cannot be read: {reason}",
    ),
    "health.database_none": (
        "数据库 {path} 不存在：请检查 DATABASE_PATH（首次运行 duban run 时创建）",
        "there is no database at {path}: check DATABASE_PATH (duban run makes it at its "
        "first start)",
    ),
    "health.database_schema": (
        "数据库 {path} 的结构不是本版本的：运行 duban doctor 查看原因和处理办法",
        "the database {path} does not have this version's schema: duban doctor says why "
        "and what to do",
    ),
    "health.inbox": (
        "{platform} 收到的消息：最早一条未处理的已等待 {waited}（上限 {limit}）",
        "updates from {platform}: the oldest unprocessed one has waited {waited} (limit {limit})",
    ),
    "health.inbox_empty": (
        "{platform} 收到的消息：没有等待处理的（上限 {limit}）",
        "updates from {platform}: none waiting (limit {limit})",
    ),
    "health.outbox_empty": (
        "{platform} 待发消息：没有已到发送时间的（上限 {most} 条，等待 {limit}）",
        "{platform} outbox: nothing due (limits: {most} due, {limit} waiting)",
    ),
    "health.outbox": (
        "{platform} 待发消息：{count} 条已到发送时间（上限 {most}），最早一条已等待 {waited}"
        "（上限 {limit}）",
        "{platform} outbox: {count} {count:message|messages} due (limit {most}), the oldest "
        "waiting {waited} (limit {limit})",
    ),
    "health.dead": (
        "近 {days} 天放弃发送的消息：{count} 条（上限 {most}；累计 {total} 条）",
        "messages given up in the last {days} {days:day|days}: {count} (limit {most}; "
        "{total} in all)",
    ),
    "health.set_aside": (
        "搁置的消息：{count} 条（上限 0；用 duban inbox list 查看）",
        "set-aside updates: {count} (limit 0; see duban inbox list)",
    ),
    "health.reminders": (
        "上次提醒推送：{last}（最近应推送日为 {expected}，每个工作日 {at}）",
        "last reminder pass: {last} (due by {expected}, each working day at {at})",
    ),
    "health.reminders_never": (
        "提醒推送从未运行（最近应推送日为 {expected}，每个工作日 {at}）",
        "no reminder pass has run yet (due by {expected}, each working day at {at})",
    ),
    "health.backup": (
        "上次备份：{at}，在 {folder}（每天 {time}，允许延迟 {grace}）",
        "last backup: {at} in {folder} (daily at {time}, {grace} allowed)",
    ),
    "health.backup_never": (
        "尚无备份（每天 {time}，允许延迟 {grace}；可运行 duban backup）",
        "no backup yet (daily at {time}, {grace} allowed; duban backup takes one now)",
    ),
    "health.disk": (
        "{paths} 所在磁盘剩余 {free}（至少 {least}）",
        "free disk space for {paths}: {free} (at least {least})",
    ),
    "doctor.front_ends": ("已配置的前端：{names}", "front-ends configured: {names}"),
    "doctor.front_ends.none": (
        "没有配置任何前端：请设置 TELEGRAM_BOT_TOKEN，或 DINGTALK_CLIENT_ID 和 "
        "DINGTALK_CLIENT_SECRET",
        "no front-end is configured: set TELEGRAM_BOT_TOKEN, or DINGTALK_CLIENT_ID and "
        "DINGTALK_CLIENT_SECRET",
    ),
    "doctor.telegram.settings": (
        "Telegram 设置：令牌格式正确，<code>Bot API</code> 地址 {url}，不经代理",
        "Telegram settings: the token is well formed, <code>Bot API</code> at {url}, no proxy",
    ),
    "doctor.telegram.settings_proxy": (
        "Telegram 设置：令牌格式正确，<code>Bot API</code> 地址 {url}，经代理 {proxy}",
        "Telegram settings: the token is well formed, <code>Bot API</code> at {url}, "
        "through the proxy {proxy}",
    ),
    "doctor.telegram.ok": (
        "Telegram 的 <code>getMe</code> 已应答：机器人 @{username}",
        "Telegram's <code>getMe</code> answered: the bot is @{username}",
    ),
    "doctor.telegram.timeout": (
        "{url} 的 <code>getMe</code> 在 {seconds} 秒内没有应答："
        "请检查网络、TELEGRAM_API_URL 和 TELEGRAM_PROXY",
        "<code>getMe</code> at {url} did not answer within {seconds} s: check the network, "
        "TELEGRAM_API_URL and TELEGRAM_PROXY",
    ),
    "doctor.telegram.refused": (
        "{url} 的 <code>getMe</code> 拒绝了该令牌：请向 <code>@BotFather</code> 核对 "
        "TELEGRAM_BOT_TOKEN，并检查 TELEGRAM_API_URL",
        "<code>getMe</code> at {url} refused the token: check TELEGRAM_BOT_TOKEN with "
        "<code>@BotFather</code>, and TELEGRAM_API_URL",
    ),
    "doctor.telegram.failed": (
        "无法连接 {url} 的 <code>getMe</code>（{detail}）："
        "请检查 TELEGRAM_API_URL、TELEGRAM_PROXY 和网络",
        "<code>getMe</code> at {url} could not be reached ({detail}): check TELEGRAM_API_URL, "
        "TELEGRAM_PROXY and the network",
    ),
    "doctor.dingtalk.settings": (
        "钉钉设置：应用 {client_id}，开放接口 {url}",
        "DingTalk settings: app {client_id}, OpenAPI at {url}",
    ),
    "doctor.dingtalk.ok": (
        "钉钉 {url} 已发放访问令牌",
        "DingTalk at {url} gave an access token",
    ),
    "doctor.dingtalk.refused": (
        "钉钉 {url} 未发放访问令牌（{reason}）：请核对 DINGTALK_CLIENT_ID、"
        "DINGTALK_CLIENT_SECRET 和网络",
        "DingTalk at {url} gave no access token ({reason}): check DINGTALK_CLIENT_ID, "
        "DINGTALK_CLIENT_SECRET and the network",
    ),
    "doctor.timezone": (
        "时区 {zone}：当地时间 {now}",
        "time zone {zone}: the local time is {now}",
    ),
    "doctor.writable": ("{setting}：{path} 可写", "{setting}: {path} is writable"),
    "doctor.not_writable": (
        "{setting}：无法在 {path} 中创建文件（{reason}）：请让运行机器人的用户可以写入该目录",
        "{setting}: no file can be made in {path} ({reason}): let the user the bot runs "
        "as write there",
    ),
    "doctor.database.none": (
        "数据库 {path} 尚不存在：首次运行 duban run 时创建",
        "the database {path} does not exist yet: duban run makes it at its first start",
    ),
    "doctor.database.unopened": (
        "数据库 {path} 无法打开（{reason}）：请检查该文件及其目录的权限",
        "the database {path} cannot be opened ({reason}): check the permissions of the file "
        "and its folder",
    ),
    "doctor.database.writable": (
        "数据库 {path} 可写",
        "the database {path} is writable",
    ),
    "doctor.database.read_only": (
        "数据库 {path} 不可写（{reason}）：请让运行机器人的用户可以写入该文件及其目录；"
        "如另有程序长时间占用，请先停止它",
        "the database {path} cannot be written ({reason}): let the user the bot runs as "
        "write the file and its folder; if another program holds it, stop that first",
    ),
    "doctor.database.unread": (
        "无法读取数据库的迁移记录（{reason}）",
        "the database's migrations cannot be read ({reason})",
    ),
    "doctor.migrations.current": (
        "数据库结构为最新（{count} 次迁移均已应用）",
        "the database's schema is current ({count} migrations applied)",
    ),
    "doctor.migrations.pending": (
        "数据库尚未升级（待应用：{names}）：先运行 duban backup，再启动机器人，启动时自动升级",
        "the database is not upgraded yet (pending: {names}): run duban backup, then start "
        "the bot, which upgrades it at start",
    ),
    "doctor.migrations.newer": (
        "数据库由更新版本的督办写入（{names}）：请升级督办，或恢复本版本所做的备份",
        "the database was written by a newer Duban ({names}): upgrade Duban, or restore a "
        "backup made by this version",
    ),
    "doctor.quick_check.ok": (
        "数据库完整性快速检查通过",
        "the database passes SQLite's quick integrity check",
    ),
    "doctor.quick_check.failed": (
        "数据库完整性快速检查未通过（{reason}）：请停止机器人，用 duban restore 恢复最近的备份",
        "the database fails SQLite's quick integrity check ({reason}): stop the bot and "
        "restore the latest backup with duban restore",
    ),
    "doctor.disk": (
        "{paths} 所在磁盘剩余 {free}（至少需要 {least}）",
        "free disk space for {paths}: {free} (at least {least} needed)",
    ),
    "doctor.disk.low": (
        "{paths} 所在磁盘只剩 {free}（至少需要 {least}）：请清理磁盘或扩容，"
        "否则数据库和证据将无法写入",
        "free disk space for {paths}: only {free} (at least {least} needed): free some or "
        "add more, or the database and evidence cannot be written",
    ),
    "doctor.font.ok": (
        "图表用的中文字体可用：{path}",
        "the Chinese font for charts is in place: {path}",
    ),
    "doctor.font.missing": (
        "图表用的中文字体不可用（{reason}）：请重新安装督办（<code>pip install .</code>），它带有 "
        "<code>noto-cjk-sans-otc</code>",
        "the Chinese font for charts is missing ({reason}): reinstall Duban "
        "(<code>pip install .</code>), which brings <code>noto-cjk-sans-otc</code>",
    ),
    "doctor.passed": ("全部检查通过", "every check passed"),
    "doctor.failed": (
        "duban: {count} 项检查未通过",
        "duban: {count} {count:check|checks} failed",
    ),
}
