"""The inspector's "add evidence" button on an item card."""

from __future__ import annotations

from telegram import Update

from bot.runtime.context import DubanContext
from bot.services import item_card


async def attach_button(update: Update, context: DubanContext, payload: dict) -> None:
    await context.work(item_card.attach_button, payload["item"])
