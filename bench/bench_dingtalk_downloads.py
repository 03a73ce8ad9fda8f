"""DingTalk evidence downloads: a burst of pictures kept on disk, old pacing against new.

    python -m bench.bench_dingtalk_downloads

PHONES DingTalk inspectors on visits each send PICTURES_EACH pictures at the same moment
(60 in all, a workshop's album or a team's morning) through the stand-in; the figure is
how soon every one of them is stored in MEDIA_DIR, as files a second over the burst.

* new: Duban as it runs, its downloader woken as each message is committed and fetching
  a few files at a time (bot/platforms/dingtalk/media.py).
* old: the same Duban with its downloader left asleep and the pacing it replaced run
  beside it: a job every 5 s fetching at most 10 files one after another, its first run
  as the burst begins (a deployment's job ran at a random moment of its 5 s).

Both in the same process, against the same stand-in, with DingTalk's 20 calls a second per
API on (in the stand-in and in Duban's client) as a deployment on the standard edition
has them; refused calls are counted (none is expected). Prints one JSON line.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import time
from collections.abc import AsyncIterator
from pathlib import Path

from bench import dingtalk_world
from bot.domain.people import DINGTALK
from bot.platforms import media_files
from bot.platforms.dingtalk import media
from bot.platforms.dingtalk.openapi import DingTalkError, DingTalkOpenAPI
from bot.runtime.context import Resources
from bot.runtime.startup import BotRuntime
from sandbox.dingtalk.phones import DingTalkPhone
from storage import evidence
from storage.db import open_database

PHONES = 20
PICTURES_EACH = 3  # 60 pictures in the burst
OLD_EVERY = 5.0  # seconds between runs of the old job
OLD_BATCH = 10  # files the old job fetched a run, one after another
WITHIN = 300.0


async def _old_run(api: DingTalkOpenAPI, services: Resources) -> None:
    """One run of the job the downloader replaced, as it was."""
    store, clock = services.store, services.clock
    for pending in await store.run(evidence.pending_downloads, clock.now(), OLD_BATCH, DINGTALK):
        try:
            data = await api.download_file(pending.file_id, media.DOWNLOAD_LIMIT)
        except DingTalkError as error:
            await media_files.retry_later(services, pending, error.fault.code)
            continue
        await media_files.keep(services, pending.id, data)


async def _old_pacing(api: DingTalkOpenAPI, services: Resources) -> None:
    while True:
        started = time.perf_counter()
        await _old_run(api, services)
        await asyncio.sleep(max(OLD_EVERY - (time.perf_counter() - started), 0))


@contextlib.asynccontextmanager
async def _paced_the_old_way(runtime: BotRuntime) -> AsyncIterator[None]:
    """The downloader never woken (no commit reaches it, no sweep runs) and the old job
    running instead, for the block."""
    services = runtime.resources
    api = services.dingtalk_api
    assert api is not None and runtime.jobs is not None
    services.dingtalk_downloads = None
    runtime.jobs.scheduler.remove_job("evidence.download.dingtalk")
    task = asyncio.create_task(_old_pacing(api, services))
    try:
        yield
    finally:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task


def _stored(database: Path) -> int:
    db = open_database(database)
    try:
        return db.execute("SELECT count(*) FROM evidence WHERE stored = 'stored'").fetchone()[0]
    finally:
        db.close()


async def _burst(phones: list[DingTalkPhone], database: Path) -> float:
    """Seconds from the burst's first picture until every picture is stored."""

    async def pictures(phone: DingTalkPhone) -> None:
        for n in range(PICTURES_EACH):
            await phone.send_picture(f"\xff\xd8 {phone.staff_id} photo {n}".encode())

    total = len(phones) * PICTURES_EACH
    started = time.perf_counter()
    await asyncio.gather(*(pictures(phone) for phone in phones))
    while await asyncio.to_thread(_stored, database) < total:
        assert time.perf_counter() - started < WITHIN, "the burst was never stored"
        await asyncio.sleep(0.05)
    return time.perf_counter() - started


async def run(*, old: bool) -> dict[str, float]:
    with dingtalk_world.standin(limits=True) as server:
        async with dingtalk_world.duban(server, PHONES, limits=True) as runtime:
            phones = dingtalk_world.phones(server, PHONES)
            database = runtime.settings.database_path
            if old:
                async with _paced_the_old_way(runtime):
                    seconds = await _burst(phones, database)
            else:
                seconds = await _burst(phones, database)
            files = PHONES * PICTURES_EACH
            return {
                "seconds": round(seconds, 2),
                "files_per_s": round(files / seconds, 1),
                "refused_calls": len(server.rate.refused),
            }


async def run_all() -> dict[str, object]:
    old = await run(old=True)
    new = await run(old=False)
    return {
        "bench": "dingtalk_downloads",
        "pictures": PHONES * PICTURES_EACH,
        "phones": PHONES,
        "old_seconds": old["seconds"],
        "old_files_per_s": old["files_per_s"],
        "new_seconds": new["seconds"],
        "new_files_per_s": new["files_per_s"],
        "ratio_files_per_s": round(new["files_per_s"] / old["files_per_s"], 1),
        "refused_calls": old["refused_calls"] + new["refused_calls"],
    }


def main() -> None:
    logging.basicConfig(level=logging.WARNING)
    print(json.dumps(asyncio.run(run_all()), ensure_ascii=False))


if __name__ == "__main__":
    main()
