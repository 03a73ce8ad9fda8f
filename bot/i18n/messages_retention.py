"""Running for years (issue 17, ops-b): how long processed updates keep their text, and the
log format setting."""

MESSAGES: dict[str, tuple[str, str]] = {
    # --- /settings
    "setting.update_retention_days": (
        "已处理消息原文保留（天）",
        "Keep processed messages' raw text (days)",
    ),
    # --- bot/config.py
    "config.log_format": (
        '"{value}" 须为以下之一：{choices}',
        "'{value}' must be one of: {choices}",
    ),
}
