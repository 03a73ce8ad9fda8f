"""The invitations' periodic work (scheduled in bot/jobs/schedule.py): the link leaves the outbox
once the chat platform has it."""

from __future__ import annotations

from bot.runtime.context import Resources
from storage import people


async def forget_sent_links(services: Resources) -> None:
    """Drop the text of invitation messages already sent, so no live code stays on disk."""
    await services.store.run(people.forget_sent_links)
