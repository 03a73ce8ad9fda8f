"""Proof of presence: locations sent in the chat, /company, and coordinate proposals."""

from __future__ import annotations

from telegram import Update

from bot.runtime.context import DubanContext
from bot.services import presence


async def on_location(update: Update, context: DubanContext) -> None:
    """A shared location: a company's place being set, or arrival on the open visit."""
    message = update.message
    location = message.location
    chosen = message.venue is not None  # a place picked from a list, not where the phone is
    await context.work(
        presence.receive_location, location.latitude, location.longitude, chosen=chosen
    )


async def company(update: Update, context: DubanContext) -> None:
    """/company <part of a name>: a company's coordinates and its visits' presence checks."""
    await context.work(presence.company_command, " ".join(context.args or []))


async def company_button(update: Update, context: DubanContext, payload: dict) -> None:
    await context.work(presence.company_button, payload["company"])


async def set_button(update: Update, context: DubanContext, payload: dict) -> None:
    await context.work(presence.set_button, payload["company"])


async def confirm_button(update: Update, context: DubanContext, payload: dict) -> None:
    await context.work(presence.confirm_button, payload["p"])


async def reject_button(update: Update, context: DubanContext, payload: dict) -> None:
    await context.work(presence.reject_button, payload["p"])
