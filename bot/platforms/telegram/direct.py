"""A text sent straight through the Bot API, past the outbox: only for the one message that
cannot wait in it, the administrators' notice that the outbox itself is stuck
(bot/services/health_alerts.py says why it is sent once and not retried)."""

from __future__ import annotations

from telegram.ext import ExtBot


async def send_now(bot: ExtBot, chat_id: str, text: str) -> None:
    """One plain-text message, no retry; an error is the caller's to log."""
    await bot.send_message(chat_id=int(chat_id), text=text)
