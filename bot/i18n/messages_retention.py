"""Running for years (issue 17, ops-b): retention of old rows and the log format setting."""

MESSAGES: dict[str, tuple[str, str]] = {
    "config.log_format": (
        '"{value}" 须为以下之一：{choices}',
        "'{value}' must be one of: {choices}",
    ),
}
