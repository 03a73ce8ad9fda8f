"""Errors: logged with their traceback first, then the people concerned are told."""

from __future__ import annotations

import logging

from telegram import Update
from telegram.constants import ParseMode
from telegram.error import TelegramError
from telegram.ext import Application, ApplicationHandlerStop

from bot.chat import Address
from bot.domain.lifecycle import Role
from bot.domain.people import TELEGRAM
from bot.i18n import language_for, t
from bot.runtime.context import DubanContext, Resources, failure_of, system_work
from bot.services import admin_notices, stuck
from storage import people
from storage.db import is_disk_full

log = logging.getLogger(__name__)


async def on_error(update: object, context: DubanContext) -> None:
    """Record the failure so the processor retries the update, then sets it aside.

    A full database is not the update's fault: it is recorded as STORAGE_FULL, so the
    processor keeps the update pending until there is room (bot/runtime/updates.py). A database
    another program keeps locked is not its fault either (STORAGE_LOCKED).
    """
    failure = failure_of(
        context.error, getattr(update, "update_id", "?"), context.resources.settings.token
    )
    if isinstance(update, Update):
        context.resources.failures[update.update_id] = failure
        # Fail closed: no later handler group runs for this update. Without this, a failure
        # in access.identify (group -1) let the update reach the handlers with no person
        # checked (and a second context.work, which raises).
        raise ApplicationHandlerStop


async def report_set_aside(services: Resources, update: Update) -> None:
    """The sender gets an apology, the admins a notice pointing to /stuck."""
    user = update.effective_user
    lang = language_for(user.language_code if user else None, services.settings.default_language)
    await system_work(
        services,
        stuck.notify_set_aside,
        update.update_id,
        lang,
        source=f"setaside:{update.update_id}",
    )


async def report_blocked(services: Resources, chat: Address) -> None:
    """The person behind a chat that blocked the bot is marked unreachable, the admins told."""
    await system_work(
        services,
        admin_notices.person_unreachable,
        chat,
        source=f"blocked:{chat.id}:{services.clock.now().isoformat()}",
    )


async def report_storage_full(application: Application, services: Resources) -> None:
    """Tell the admins the database is full: through the outbox if it still takes the
    notice, else straight to Telegram (the outbox lives in the database that is full)."""
    try:
        await system_work(
            services,
            admin_notices.notify_admins,
            "admin.storage_full",
            source=f"storage-full:{services.clock.now().isoformat()}",
        )
        return
    except Exception as error:
        if not is_disk_full(error):
            raise
    admins = await services.store.run(people.active_people, role=Role.ADMIN)
    chats = {
        int(p.account): p.language
        for p in admins
        if p.platform == TELEGRAM and p.account is not None
    }
    for admin_id in services.settings.admin_ids:
        chats.setdefault(admin_id, services.settings.default_language)
    for chat_id, lang in chats.items():
        try:
            await application.bot.send_message(
                chat_id, t(lang, "admin.storage_full"), parse_mode=ParseMode.HTML
            )
        except TelegramError as error:
            log.error("could not tell admin %s that the database is full: %s", chat_id, error)


async def report_storage_back(services: Resources) -> None:
    """Tell the admins the outage is over (a durable notice: there is room again)."""
    await system_work(
        services,
        admin_notices.notify_admins,
        "admin.storage_back",
        source=f"storage-back:{services.clock.now().isoformat()}",
    )
