"""Fetching DingTalk evidence files into MEDIA_DIR: promptly, a few at a time, never lost.

A photo or file sent on DingTalk is committed as an evidence row whose ``file_id`` is the
message's downloadCode, ``platform='dingtalk'`` and ``stored='pending'``. The downloader
asks DingTalk for its download URL (``/v1.0/robot/messageFiles/download``, downloadCode +
robotCode) and fetches the bytes, then stores them exactly as Telegram's job does
(bot/platforms/media_files.py: written under their sha256, fsync'd, renamed into place,
and only then the row marked stored and the audit chain told). The download URL is never
stored or logged.

Why a task of its own rather than a periodic job: a job fetching 10 files every 5 s left
the last picture of a 30-photo album half a minute behind, and a message forwarding it to
a verifier waited as long. The downloader is woken the moment a robot message carrying
files is committed (``Resources.evidence_ready``, set by handlers.py after the message's
transaction) and fetches until nothing is due, ``CONCURRENT`` files at a time: DingTalk's
20 calls a second per API are kept by the OpenAPI client's ``CallRate``, so more at once
would only queue there. It looks once when started (files left by a crash or a restart),
sleeps until the next failed file's retry is due, and the slow periodic job
(bot/jobs/schedule.py) wakes it now and then as a safety net; nothing it needs is held in
memory, so a crash loses nothing: a row stays pending until its file is on disk.

Each file is stored once: a row being fetched is not taken again until its try ends, the
row is marked stored only while still pending, and the bytes are named by their hash. A
failed try is retried after 10 s, 20 s, … up to an hour (``media_files.retry_later``).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from datetime import datetime

from bot.domain.people import DINGTALK
from bot.platforms import media_files
from bot.platforms.dingtalk.openapi import DingTalkError, DingTalkOpenAPI, FileTooLarge
from bot.runtime.context import Resources
from storage import evidence

log = logging.getLogger(__name__)

CONCURRENT = 4  # files fetched at once (DingTalk's rate is the client's to keep)
# The largest file kept (a few minutes of workshop video). DingTalk hands a robot files of
# any size, and each is held in memory until stored, CONCURRENT at a time: a larger one is
# kept as a record only ('too_big', as Telegram's files over its 20 MB are).
DOWNLOAD_LIMIT = 100 * 1024 * 1024
BATCH = 20  # due rows read at a time; the workers share them
QUIET_PAUSE = 1.0  # the least sleep before a retry is due (never a busy loop on the clock)
TROUBLE_PAUSE = 5.0  # after a look that failed (the database locked, a full disk)


async def download_job(services: Resources) -> None:
    """The periodic safety net (bot/jobs/schedule.py): wake the running downloader, or,
    where none runs, fetch what is due here."""
    downloader = services.dingtalk_downloads
    if downloader is not None:
        downloader.wake()
    elif services.dingtalk_api is not None:
        await download_pending(services.dingtalk_api, services)


async def download_pending(api: DingTalkOpenAPI, services: Resources) -> None:
    """Fetch every DingTalk evidence file now due, a few at a time."""
    await Downloader(api, services).drain()


class Downloader:
    """DingTalk's evidence downloads: one task (``run``), woken by ``wake``."""

    def __init__(
        self,
        api: DingTalkOpenAPI,
        services: Resources,
        *,
        concurrent: int = CONCURRENT,
    ) -> None:
        self.api = api
        self.services = services
        self.ready = asyncio.Event()  # set by ``wake``
        self.concurrent = concurrent
        self._fetching: set[int] = set()  # evidence ids whose try has not ended
        self.troubled = False  # a file of the last drain failed oddly: look again soon

    def wake(self) -> None:
        self.ready.set()

    async def run(self) -> None:
        """Fetch what is due, then sleep until woken or a retry comes due; forever."""
        while True:
            self.ready.clear()  # before looking: a commit meanwhile wakes the next wait
            self.troubled = False
            try:
                await self.drain()
                pause = TROUBLE_PAUSE if self.troubled else await self._until_next_retry()
            except Exception:
                log.exception("DingTalk evidence downloads could not look; again shortly")
                pause = TROUBLE_PAUSE
            with contextlib.suppress(TimeoutError):
                async with asyncio.timeout(pause):
                    await self.ready.wait()

    async def drain(self) -> None:
        """Fetch every due file, ``concurrent`` workers taking rows as they come due; each
        row is tried at most once per drain (a failure waits for its retry time)."""
        tried: set[int] = set()
        queue: list[evidence.PendingFile] = []
        refill = asyncio.Lock()

        async def next_file() -> evidence.PendingFile | None:
            async with refill:
                if not queue:
                    queue.extend(await self._due(tried))
                if not queue:
                    return None
                pending = queue.pop(0)
                tried.add(pending.id)
                self._fetching.add(pending.id)
                return pending

        async def worker() -> None:
            while (pending := await next_file()) is not None:
                try:
                    await self._fetch(pending)
                finally:
                    self._fetching.discard(pending.id)

        try:
            async with asyncio.TaskGroup() as workers:
                for _ in range(self.concurrent):
                    workers.create_task(worker())
        except ExceptionGroup as failed:
            # A look that failed (the database locked): raised as itself, so the periodic
            # job's caller still knows a lock when it sees one (schedule.run_patiently).
            raise failed.exceptions[0] from None

    async def _due(self, tried: set[int]) -> list[evidence.PendingFile]:
        """Due rows not tried in this drain and not being fetched by another."""
        skip = tried | self._fetching
        services = self.services
        rows = await services.store.run(
            evidence.pending_downloads, services.clock.now(), BATCH + len(skip), DINGTALK
        )
        return [row for row in rows if row.id not in skip][:BATCH]

    async def _fetch(self, pending: evidence.PendingFile) -> None:
        """One file: fetched and kept, or its retry set. Whatever else goes wrong (a full
        disk, a locked database) leaves the row pending for a later look, logged by id."""
        try:
            try:
                data = await self.api.download_file(pending.file_id, DOWNLOAD_LIMIT)
            except DingTalkError as error:
                await media_files.retry_later(self.services, pending, error.fault.code)
                return
            except FileTooLarge:
                log.warning(
                    "evidence %s: over %s bytes, kept as a record", pending.id, DOWNLOAD_LIMIT
                )
                await self.services.store.run(evidence.mark_too_big, pending.id)
                return
            await media_files.keep(self.services, pending.id, data)
        except Exception as error:
            self.troubled = True
            log.warning("evidence %s: not stored yet (%s)", pending.id, type(error).__name__)

    async def _until_next_retry(self) -> float | None:
        """Seconds until the earliest failed file may be tried again; None when none
        waits (then only a wake-up starts the next look)."""
        services = self.services
        at: datetime | None = await services.store.run(evidence.next_retry_at, DINGTALK)
        if at is None:
            return None
        return max((at - services.clock.now()).total_seconds(), QUIET_PAUSE)
