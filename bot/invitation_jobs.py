"""The invitations' periodic work (scheduled in bot/jobs.py): the link leaves the outbox
once Telegram has it."""

from __future__ import annotations

from telegram.ext import Application

from bot.context import Services
from storage import people


async def forget_sent_links(application: Application, services: Services) -> None:
    """Drop the text of invitation messages already sent, so no live code stays on disk."""
    await services.store.run(people.forget_sent_links)
