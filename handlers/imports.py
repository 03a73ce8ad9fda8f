"""The buttons under a sheet-import preview (the sheet itself arrives through route_media)."""

from __future__ import annotations

from telegram import Update

from bot.runtime.context import DubanContext
from bot.services import sheet_import


async def confirm_button(update: Update, context: DubanContext, payload: dict) -> None:
    """Apply the previewed import."""
    expect = {
        "new": payload["new"],
        "changed": payload["changed"],
        "places": payload.get("places", 0),  # company coordinates; absent on older buttons
    }
    message = update.callback_query.message
    await context.work(
        sheet_import.confirm,
        payload["job"],
        expect,
        payload["_token"],
        message.message_id if message else None,
    )


async def cancel_button(update: Update, context: DubanContext, payload: dict) -> None:
    """Drop the previewed import."""
    message = update.callback_query.message
    await context.work(
        sheet_import.cancel,
        payload["job"],
        payload["_token"],
        message.message_id if message else None,
    )
