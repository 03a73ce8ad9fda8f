"""/stuck for administrators: updates that failed every attempt, each with a replay button."""

from __future__ import annotations

from telegram import Update

from bot.runtime.context import DubanContext
from bot.services import stuck as stuck_service


async def stuck(update: Update, context: DubanContext) -> None:
    """List the set-aside updates (administrators only; others are told so)."""
    await context.work(stuck_service.list_stuck)


async def replay_button(update: Update, context: DubanContext, payload: dict) -> None:
    """Put one back in line, and wake the processor so it runs within moments."""
    if await context.work(stuck_service.replay, payload["update"]):
        context.resources.inbox_ready.set()
