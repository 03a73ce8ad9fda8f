"""The administrators' notices on a health figure crossing its threshold and clearing, and
the HEALTH_LISTEN setting (issue 17)."""

MESSAGES: dict[str, tuple[str, str]] = {
    "alerts.crossed": (
        "⚠️ 运行异常：{line}\n请在服务器上运行 duban status 查看全部指标。",
        "⚠️ Health alert: {line}\nRun duban status on the server to see every figure.",
    ),
    "alerts.cleared": ("✅ 已恢复正常：{what}", "✅ Back to normal: {what}"),
    "alerts.what.inbox": ("{platform} 收到的消息的处理", "processing of updates from {platform}"),
    "alerts.what.outbox": ("{platform} 消息的发送", "sending of messages on {platform}"),
    "alerts.what.dead": ("近期放弃发送的消息数", "messages given up recently"),
    "alerts.what.set_aside": ("搁置的消息", "set-aside updates"),
    "alerts.what.reminders": ("每日提醒推送", "the daily reminder pass"),
    "alerts.what.backup": ("每日备份", "the daily backup"),
    "alerts.what.disk": ("{paths} 所在磁盘的剩余空间", "free disk space for {paths}"),
    "config.health_listen": (
        "应为地址和端口，形如 127.0.0.1:8089（当前为 {value}）",
        "must be host:port, e.g. 127.0.0.1:8089 (got {value})",
    ),
}
