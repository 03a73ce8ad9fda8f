"""Errors: logged with their traceback first, then the people concerned are told."""

from __future__ import annotations

import logging

from telegram import Update

from bot.context import DubanContext, Services, system_work
from bot.i18n import language_for
from bot.services import admin_notices

log = logging.getLogger(__name__)


async def on_error(update: object, context: DubanContext) -> None:
    """Record the failure so the processor retries the update, then sets it aside."""
    log.error(
        "handler failed for update %s", getattr(update, "update_id", "?"), exc_info=context.error
    )
    if isinstance(update, Update):
        context.services.failures[update.update_id] = repr(context.error)


async def report_set_aside(services: Services, update: Update) -> None:
    user = update.effective_user
    lang = language_for(user.language_code if user else None, services.settings.default_language)
    await system_work(
        services,
        admin_notices.update_set_aside,
        update.update_id,
        user.id if user else None,
        lang,
        source=f"setaside:{update.update_id}",
    )


async def report_blocked(services: Services, chat_id: int) -> None:
    await system_work(
        services,
        admin_notices.person_unreachable,
        chat_id,
        source=f"blocked:{chat_id}:{services.clock.now().isoformat()}",
    )
