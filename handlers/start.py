"""/start, /help and /lang."""

from __future__ import annotations

from telegram import Update

from bot.context import DubanContext
from bot.services import registration


async def start(update: Update, context: DubanContext) -> None:
    """Register with an invitation code, or greet someone already registered."""
    code = context.args[0] if context.args else None
    await context.work(registration.start, code, context.lang)


async def help_command(update: Update, context: DubanContext) -> None:
    """List the commands of this person's role."""
    await context.work(registration.show_help)


async def lang(update: Update, context: DubanContext) -> None:
    """Offer the two languages as buttons."""
    await context.work(registration.choose_language)


async def lang_button(update: Update, context: DubanContext, payload: dict) -> None:
    """Switch the person's language."""
    await context.work(registration.set_language, payload.get("lang", ""))
