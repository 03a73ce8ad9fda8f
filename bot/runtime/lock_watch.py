"""Telling the office when another program keeps the database locked for long.

A lock is waited out (storage/db.py ``LockWait``) and an import holds it for seconds, which
nobody needs to hear about. But a program that keeps it for minutes — an import stuck on a
huge sheet, an SQLite shell left inside a transaction — leaves everyone's messages waiting
in silence. After ``TELL_AFTER`` the administrators are told, straight through Telegram
(the outbox is in the locked database; the list of admins is read on a read-only
connection, which a write lock does not block), and told again, through the outbox, once
the lock is gone.
"""

from __future__ import annotations

import asyncio
import logging
import time

from telegram.constants import ParseMode
from telegram.error import TelegramError
from telegram.ext import Application

from bot.domain.lifecycle import Role
from bot.domain.people import TELEGRAM
from bot.i18n import t
from bot.runtime.context import Resources, system_work
from bot.services import admin_notices
from storage import people
from storage.db import connect

log = logging.getLogger(__name__)


class LockWatch:
    CHECK_EVERY = 15.0  # seconds between looks at the Store's LockWait
    TELL_AFTER = 300.0  # seconds of waiting before the administrators are told

    def __init__(self, application: Application, services: Resources) -> None:
        self.application = application
        self.resources = services

    async def run(self) -> None:
        told = False  # about the lock that is going on now
        while True:
            await asyncio.sleep(self.CHECK_EVERY)
            since = self.resources.store.lock_wait.since
            if since is None:
                if told:
                    await self._tell_back()
                told = False
            elif not told and time.monotonic() - since >= self.TELL_AFTER:
                told = True
                await self._tell_locked(round((time.monotonic() - since) / 60))

    async def _tell_locked(self, minutes: int) -> None:
        log.warning("the database has been locked for %d min; telling the admins", minutes)
        chats = await asyncio.to_thread(self._admin_chats)
        for chat_id, lang in chats.items():
            try:
                await self.application.bot.send_message(
                    chat_id, t(lang, "faults.lock_long", minutes=minutes), parse_mode=ParseMode.HTML
                )
            except TelegramError as error:
                log.error("could not tell admin %s that the database is locked: %s", chat_id, error)

    def _admin_chats(self) -> dict[int, str]:
        """Every active admin's Telegram chat and language, and ADMIN_IDS (runs in a thread)."""
        settings = self.resources.settings
        chats: dict[int, str] = {}
        try:
            db = connect(settings.database_path, read_only=True)
            try:
                for admin in people.active_people(db, role=Role.ADMIN):
                    if admin.platform == TELEGRAM and admin.account is not None:
                        chats[int(admin.account)] = admin.language
            finally:
                db.close()
        except Exception:  # the list is a courtesy: ADMIN_IDS are told whatever happens
            log.exception("could not read the administrators while the database is locked")
        for admin_id in settings.admin_ids:
            chats.setdefault(admin_id, settings.default_language)
        return chats

    async def _tell_back(self) -> None:
        try:
            await system_work(
                self.resources,
                admin_notices.notify_admins,
                "faults.lock_back",
                source=f"lock-back:{self.resources.clock.now().isoformat()}",
            )
        except Exception:
            log.exception("could not tell the admins that the database lock is gone")
