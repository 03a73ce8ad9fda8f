"""Fetching evidence files from Telegram into MEDIA_DIR, content-addressed, never lost.

Evidence rows are committed with ``stored='pending'`` when their update is processed; this
job downloads them later by ``file_id`` (which stays valid), so a slow or failed download
never holds up an inspector and a restart never loses a file. Bytes are hashed off the
event loop and written as ``MEDIA_DIR/ab/cd/<sha256>`` by bot/platforms/media_files.py
(shared with DingTalk's job): a file is either complete or absent, and the same photo
sent twice is stored once. Only evidence sent on Telegram is fetched here (the row's
``platform``, not its sender's: they may have written from DingTalk since).

``File.file_path`` from getFile is a URL holding the bot token in PTB, so it is never
stored and never logged; failures are logged by evidence id and error type only.
"""

from __future__ import annotations

from telegram import Bot
from telegram.error import BadRequest, TelegramError

from bot.platforms import media_files
from bot.runtime.context import Resources
from storage import evidence

BATCH = 10


async def download_job(services: Resources) -> None:
    """The periodic job (bot/jobs/schedule.py): nothing to do without Telegram."""
    if services.telegram_bot is not None:
        await download_pending(services.telegram_bot, services)


async def download_pending(bot: Bot, services: Resources) -> None:
    """Download a batch of pending evidence files (the rest wait for the next run)."""
    store, clock = services.store, services.clock
    for pending in await store.run(evidence.pending_downloads, clock.now(), BATCH, "telegram"):
        try:
            telegram_file = await bot.get_file(pending.file_id)
            data = await telegram_file.download_as_bytearray()
        except BadRequest as error:
            if "too big" in str(error).lower():
                await store.run(evidence.mark_too_big, pending.id)
                continue
            await media_files.retry_later(services, pending, type(error).__name__)
            continue
        except (TelegramError, OSError) as error:
            await media_files.retry_later(services, pending, type(error).__name__)
            continue
        await media_files.keep(services, pending.id, data)
