"""Webhook mode's settings for a bot under test: a free local port and a secret."""

from __future__ import annotations

import socket

SECRET = "w3bh00k_Secret-token"


def free_port() -> int:
    """A port nobody listens on now (the bot listens on it across its restarts)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def webhook_env(port: int) -> dict[str, str]:
    """TELEGRAM_WEBHOOK_*: the sandbox posts to the bot's own server on ``port``."""
    return {
        "TELEGRAM_WEBHOOK_URL": f"http://127.0.0.1:{port}/telegram/hook",
        "TELEGRAM_WEBHOOK_LISTEN": f"127.0.0.1:{port}",
        "TELEGRAM_WEBHOOK_SECRET": SECRET,
    }
