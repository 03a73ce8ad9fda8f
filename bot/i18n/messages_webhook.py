"""Telegram's webhook mode: what ``duban`` says about its settings."""

from __future__ import annotations

MESSAGES: dict[str, tuple[str, str]] = {
    "config.webhook_listen": (
        '"{value}" 须为“主机地址：端口”格式（如 {example}）',
        "'{value}' must be host:port (e.g. {example})",
    ),
    "config.webhook_secret": (
        "设置了 TELEGRAM_WEBHOOK_URL 时必须设置：1–256 个字符，只能是字母、数字、下划线或连字符",
        "required with TELEGRAM_WEBHOOK_URL: 1–256 characters of A-Z a-z 0-9 _ -",
    ),
}
