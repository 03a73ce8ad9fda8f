"""Evidence bytes on disk: content-addressed, fsync'd, never half-written, shared by platforms.

Every platform's download job (bot/platforms/telegram/media.py, bot/platforms/dingtalk/media.py)
ends the same way: the bytes are hashed off the event loop and written as
``MEDIA_DIR/ab/cd/<sha256>`` via a temporary file in the same directory, fsync and
``os.replace``, so a file is either complete or absent and the same photo sent twice is
stored once; then the evidence row records the hash (and the audit chain with it). The
senders find a stored file again by its hash (``media_path``).
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
import os
import tempfile
from datetime import timedelta
from pathlib import Path

from bot.runtime.context import Resources
from bot.runtime.outcomes import DOWNLOAD_PENDING
from storage import evidence, outbox

log = logging.getLogger(__name__)

MAX_RETRY_DELAY = timedelta(hours=1)


def media_path(media_dir: Path, sha256: str) -> Path:
    return media_dir / sha256[:2] / sha256[2:4] / sha256


def digest(data: bytes | bytearray) -> str:
    return hashlib.sha256(data).hexdigest()


def write_once(media_dir: Path, sha256: str, data: bytes | bytearray) -> bool:
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


async def keep(services: Resources, evidence_id: int, data: bytes | bytearray) -> str:
    """Store a downloaded evidence file's bytes and mark its row stored; returns the hash.

    The file is on disk (fsync'd) before the row says so: a crash in between leaves the row
    pending and the next run writes nothing new (the hash is already there)."""
    sha256 = await asyncio.to_thread(digest, data)
    await asyncio.to_thread(write_once, services.settings.media_dir, sha256, data)
    now = services.clock.now()
    await services.store.run(evidence.mark_stored, evidence_id, sha256, now)
    if await services.store.run(outbox.release_waiting, DOWNLOAD_PENDING.error, now):
        services.outbox_ready.set()  # the messages forwarding it go now, not in 10 s
    return sha256


async def retry_later(services: Resources, pending: evidence.PendingFile, reason: str) -> None:
    """A failed download, tried again after 10 s, 20 s, … up to an hour; the row stays
    pending (its file id or download code stays valid). Logged by id and error type only:
    a download URL may carry a credential."""
    delay = min(timedelta(seconds=10 * 2 ** min(pending.attempts, 10)), MAX_RETRY_DELAY)
    log.warning(
        "evidence %s: download failed (%s), attempt %s; retrying in %s",
        pending.id,
        reason,
        pending.attempts + 1,
        delay,
    )
    await services.store.run(evidence.mark_failed, pending.id, services.clock.now() + delay)
