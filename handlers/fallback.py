"""What no other handler wanted."""

from __future__ import annotations

from telegram import Update

from bot.runtime.context import DubanContext
from bot.runtime.work import Work


async def ignore(update: Update, context: DubanContext) -> None:
    """Quietly let the update go (it is marked done)."""


async def unsupported(update: Update, context: DubanContext) -> None:
    """Say politely that this kind of message is not something the bot handles."""
    await context.work(_say_unsupported)


def _say_unsupported(work: Work) -> None:
    work.reply("ignored.unsupported")
