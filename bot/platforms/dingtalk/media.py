"""Fetching DingTalk evidence files into MEDIA_DIR, content-addressed, never lost.

A DingTalk person's photo or file is committed as an evidence row whose ``file_id`` is the
message's downloadCode, ``stored='pending'``. This job asks DingTalk for its download URL
(``/v1.0/robot/messageFiles/download``, downloadCode + robotCode) and fetches the bytes,
then stores them exactly as Telegram's job does (bot/platforms/media_files.py: written
under their sha256, fsync'd, renamed into place, the row and the audit chain told). A
failed try leaves the row pending and is tried again later; the download URL is never
stored or logged.
"""

from __future__ import annotations

from bot.platforms import media_files
from bot.platforms.dingtalk.openapi import DingTalkError, DingTalkOpenAPI
from bot.runtime.context import Resources
from storage import evidence

BATCH = 10


async def download_job(services: Resources) -> None:
    """The periodic job (bot/jobs/schedule.py): nothing to do without DingTalk."""
    if services.dingtalk_api is not None:
        await download_pending(services.dingtalk_api, services)


async def download_pending(api: DingTalkOpenAPI, services: Resources) -> None:
    """Download a batch of pending DingTalk evidence files (the rest wait for the next run)."""
    store, clock = services.store, services.clock
    for pending in await store.run(evidence.pending_downloads, clock.now(), BATCH, "dingtalk"):
        try:
            data = await api.download_file(pending.file_id)
        except DingTalkError as error:
            await media_files.retry_later(services, pending, error.fault.code)
            continue
        await media_files.keep(services, pending.id, data)
