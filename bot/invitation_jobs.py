"""The invitations' periodic work: the link leaves the outbox once Telegram has it."""

from __future__ import annotations

from telegram.ext import Application

from bot.context import Services
from bot.jobs import JOBS, Job
from storage import people

FORGET_LINKS_EVERY_SECONDS = 5


async def forget_sent_links(application: Application, services: Services) -> None:
    """Drop the text of invitation messages already sent, so no live code stays on disk."""
    await services.store.run(people.forget_sent_links)


JOBS.append(Job("invitations.forget_links", FORGET_LINKS_EVERY_SECONDS, forget_sent_links))
