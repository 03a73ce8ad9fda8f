"""Fetching evidence files from Telegram into MEDIA_DIR, content-addressed, never lost.

Evidence rows are committed with ``stored='pending'`` when their update is processed; this
job downloads them later by ``file_id`` (which stays valid), so a slow or failed download
never holds up an inspector and a restart never loses a file. Bytes are hashed off the
event loop and written as ``MEDIA_DIR/ab/cd/<sha256>`` via a temporary file in the same
directory, fsync and ``os.replace``: a file is either complete or absent, and the same
photo sent twice is stored once.

``File.file_path`` from getFile is a URL holding the bot token in PTB, so it is never
stored and never logged; failures are logged by evidence id and error type only.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
import os
import tempfile
from datetime import timedelta
from pathlib import Path

from telegram.error import BadRequest, TelegramError
from telegram.ext import Application

from bot.runtime.context import Resources
from storage import evidence

log = logging.getLogger(__name__)

BATCH = 10
MAX_RETRY_DELAY = timedelta(hours=1)


def media_path(media_dir: Path, sha256: str) -> Path:
    return media_dir / sha256[:2] / sha256[2:4] / sha256


def _digest(data: bytes | bytearray) -> str:
    return hashlib.sha256(data).hexdigest()


def _write_once(media_dir: Path, sha256: str, data: bytes | bytearray) -> bool:
    """Write the bytes under their hash unless already there; True if written now."""
    target = media_path(media_dir, sha256)
    if target.exists():
        return False
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, temp = tempfile.mkstemp(dir=target.parent, prefix=".incoming-")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temp, target)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise
    return True


async def download_pending(application: Application, services: Resources) -> None:
    """Download a batch of pending evidence files (the rest wait for the next run)."""
    store, clock = services.store, services.clock
    media_dir = services.settings.media_dir
    for pending in await store.run(evidence.pending_downloads, clock.now(), BATCH):
        try:
            telegram_file = await application.bot.get_file(pending.file_id)
            data = await telegram_file.download_as_bytearray()
        except BadRequest as error:
            if "too big" in str(error).lower():
                await store.run(evidence.mark_too_big, pending.id)
                continue
            await _failed(services, pending, type(error).__name__)
            continue
        except (TelegramError, OSError) as error:
            await _failed(services, pending, type(error).__name__)
            continue
        digest = await asyncio.to_thread(_digest, data)
        await asyncio.to_thread(_write_once, media_dir, digest, data)
        await store.run(evidence.mark_stored, pending.id, digest, clock.now())


async def _failed(services: Resources, pending: evidence.PendingFile, reason: str) -> None:
    delay = min(timedelta(seconds=10 * 2 ** min(pending.attempts, 10)), MAX_RETRY_DELAY)
    log.warning(
        "evidence %s: download failed (%s), attempt %s; retrying in %s",
        pending.id,
        reason,
        pending.attempts + 1,
        delay,
    )
    await services.store.run(evidence.mark_failed, pending.id, services.clock.now() + delay)
