"""Receiving updates without ever losing one: a durable inbox between Telegram and handlers.

python-telegram-bot's own polling confirms a whole batch as soon as it is fetched, so a crash
loses whatever was still queued in memory. Here the poller commits each raw batch to the
inbox table first and only then asks for the next one (whose offset is what confirms the
batch to Telegram). The processor runs inbox rows in update_id order through the
Application; a row is done when its handler's own transaction says so.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable

from telegram import Update
from telegram.error import Forbidden, InvalidToken, NetworkError, RetryAfter, TelegramError
from telegram.ext import Application

from bot.context import Services
from storage import inbox

log = logging.getLogger(__name__)

ALLOWED_UPDATES = ["message", "edited_message", "callback_query", "my_chat_member"]
POLL_TIMEOUT = 25  # seconds Telegram holds a getUpdates open when nothing arrives


class Poller:
    """Long-polls ``getUpdates`` and commits every batch before confirming it."""

    def __init__(self, application: Application, services: Services, ready: asyncio.Event):
        self.application = application
        self.services = services
        self.ready = ready  # set when new rows are in the inbox

    async def run(self) -> None:
        store = self.services.store
        offset = await store.run(inbox.next_offset)
        backoff = 1.0
        while True:
            try:
                # Bot API method names are case-insensitive; the lower-case name asks PTB for
                # the raw JSON, which is stored as Telegram sent it. https://core.telegram.org/bots/api#making-requests
                batch = await self.application.bot.do_api_request(
                    "getupdates",
                    api_kwargs={
                        "offset": offset,
                        "timeout": POLL_TIMEOUT,
                        "allowed_updates": ALLOWED_UPDATES,
                    },
                    read_timeout=POLL_TIMEOUT + 10,
                )
            except RetryAfter as error:
                await asyncio.sleep(error.retry_after.total_seconds())
                continue
            except (InvalidToken, Forbidden):
                log.critical("Telegram refused the bot token; stopping")
                raise
            except (NetworkError, TelegramError) as error:
                log.warning("getUpdates failed (%s); retrying in %.0f s", error, backoff)
                await asyncio.sleep(backoff)
                backoff = min(backoff * 2, 30.0)
                continue
            backoff = 1.0
            updates = [u for u in batch or [] if isinstance(u, dict) and "update_id" in u]
            if not updates:
                continue
            await store.run(inbox.save_updates, updates, self.services.clock.now())
            offset = max(u["update_id"] for u in updates) + 1
            self.ready.set()


class Processor:
    """Runs pending inbox rows through the Application, oldest first."""

    def __init__(
        self,
        application: Application,
        services: Services,
        ready: asyncio.Event,
        on_set_aside: Callable[[Update], Awaitable[None]],
    ):
        self.application = application
        self.services = services
        self.ready = ready
        self.on_set_aside = on_set_aside

    async def run(self) -> None:
        while True:
            rows = await self.services.store.run(inbox.pending, 50)
            if not rows:
                self.ready.clear()
                # asyncio.timeout: wait_for (3.11) can swallow a cancellation (see sender).
                with contextlib.suppress(TimeoutError):
                    async with asyncio.timeout(5):
                        await self.ready.wait()
                continue
            for update_id, raw in rows:
                await self.process(update_id, raw)

    async def process(self, update_id: int, raw: dict) -> None:
        services = self.services
        try:
            update = Update.de_json(raw, self.application.bot)
        except Exception as error:  # a malformed update must not block the ones after it
            log.warning("update %s is malformed and set aside: %r", update_id, error)
            await services.store.run(
                inbox.mark_failed,
                update_id,
                f"malformed: {error!r}",
                services.clock.now(),
                final=True,
            )
            return
        services.failures.pop(update_id, None)
        await self.application.process_update(update)  # never raises: errors → on_error
        failure = services.failures.pop(update_id, None)
        committed = update_id in services.committed
        services.committed.discard(update_id)
        now = services.clock.now()
        if failure is not None:
            status = await services.store.run(inbox.mark_failed, update_id, failure, now)
            if status == "set_aside":
                log.error("update %s failed three times and is set aside", update_id)
                await self.on_set_aside(update)
        elif not committed:
            await services.store.run(inbox.mark_done, update_id, now)
