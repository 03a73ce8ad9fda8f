"""Plain text: an answer to what the bot asked, or a finding in an open visit."""

from __future__ import annotations

from telegram import Update

from bot.runtime.context import DubanContext
from bot.services.router import route_text


async def on_text(update: Update, context: DubanContext) -> None:
    """Hand the text to the dialog or visit waiting for it."""
    await context.work(route_text, update.message.text)
