"""Delivering the outbox: at least once, in order per chat, within Telegram's limits.

Order per chat gives way to a row that keeps failing (see ``storage.outbox.due``): it holds
back its own transaction's later rows while it waits, and the rest of the chat only during
its first attempts. A failure that cannot pass (400, a 403 on content, 413, a file over
50 MB) or a day of failures gives the row up, and the administrators are told once
(``bot.services.delivery``). Nothing is dropped in silence.

PTB's AIORateLimiter keeps the bot under the global limit (about 30 messages a second) but
does not limit private chats, where Telegram allows about one message a second; each chat
here has its own token bucket. A row is marked sent only after Telegram said ok. A timeout
or a 5xx may hide a message Telegram did accept, so such a row is sent again: that, and a
crash between sending and marking, are the only ways a person can get a message twice.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import math
import sqlite3
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

import sqlite_utils
from telegram import (
    InputFile,
    InputMedia,
    InputMediaAudio,
    InputMediaDocument,
    InputMediaPhoto,
    InputMediaVideo,
)
from telegram.error import BadRequest, Forbidden, NetworkError, RetryAfter, TelegramError
from telegram.ext import Application

from bot.chat import Address
from bot.domain.delivery import (
    UPLOAD_LIMIT,
    Failure,
    gave_up_waiting,
    is_blocked,
    is_entity_too_large,
    is_file_spec,
)
from bot.domain.people import TELEGRAM
from bot.logs import redact
from bot.runtime.context import Resources
from bot.runtime.work import WorkEnv, run_work
from bot.services import delivery
from storage import outbox
from storage.db import is_disk_full, must_wait
from storage.outbox import Outgoing

log = logging.getLogger(__name__)

MAX_BACKOFF = timedelta(minutes=10)
BOT_RATE = 30  # messages a second Telegram takes from one bot
MAX_IN_FLIGHT = 10


class InFlight:
    """How many sends may be on their way at once: Telegram's rate times the round trip.

    More requests in flight than that cannot deliver faster (it is the bandwidth-delay
    product); more would only hold connections open and queue at the server. Over a slow
    link (300 ms) this allows 10; to a Bot API server next door, 2.
    """

    def __init__(self, round_trip: float = 0.0) -> None:
        self.round_trip = round_trip  # seconds, smoothed over recent sends; grows as measured
        self.busy = 0
        self._changed = asyncio.Condition()

    @property
    def limit(self) -> int:
        return max(2, min(MAX_IN_FLIGHT, math.ceil(BOT_RATE * self.round_trip) + 1))

    @contextlib.asynccontextmanager
    async def slot(self) -> AsyncIterator[None]:
        async with self._changed:
            await self._changed.wait_for(lambda: self.busy < self.limit)
            self.busy += 1
        started = time.monotonic()
        try:
            yield
        finally:
            self.round_trip += (time.monotonic() - started - self.round_trip) / 8
            async with self._changed:
                self.busy -= 1
                self._changed.notify(self.limit - self.busy)


@dataclass
class ChatLimit:
    """A token bucket: ``rate`` messages a second with bursts of ``burst``."""

    rate: float = 1.0
    burst: float = 3.0
    tokens: float = 3.0
    stamp: float = 0.0

    def delay(self, now: float) -> float:
        """Seconds to wait before the next message, taking its token."""
        if self.stamp:
            self.tokens = min(self.burst, self.tokens + (now - self.stamp) * self.rate)
        self.stamp = now
        self.tokens -= 1
        return 0.0 if self.tokens >= 0 else -self.tokens / self.rate


class Sender:
    def __init__(
        self,
        application: Application,
        services: Resources,
        on_blocked: Callable[[Address], Awaitable[None]],
        *,
        per_chat_rate: float | None = 1.0,
        per_chat_burst: float = 3.0,
    ) -> None:
        self.application = application
        self.resources = services
        self.on_blocked = on_blocked
        self.per_chat_rate = per_chat_rate
        self.per_chat_burst = per_chat_burst
        self._limits: dict[Address, ChatLimit] = {}
        self._queues: dict[Address, list[Outgoing]] = {}
        self._inflight: set[int] = set()
        self._workers: dict[Address, asyncio.Task] = {}  # one per chat with rows to send
        # Outcomes of sends that a full database could not record yet, by outbox row id.
        # Their rows stay "in flight", so a delivered message is not sent a second time.
        self._unrecorded: dict[int, tuple[Callable[..., object], tuple]] = {}
        # Outcomes waiting to be written; written together, one commit (one fsync) a batch.
        self._outcomes: list[tuple[int, Callable[..., object], tuple, asyncio.Future]] = []
        self._writer: asyncio.Task | None = None
        self._in_flight = InFlight()

    async def run(self) -> None:
        services = self.resources
        pause = 1.0
        while True:
            if self._unrecorded and not await self._record_held():
                # The database is full: send nothing more until outcomes can be written.
                await asyncio.sleep(pause)
                pause = min(pause * 2, 30.0)
                continue
            pause = 1.0
            services.outbox_ready.clear()
            rows, next_due = await services.store.run(
                outbox.due_and_next,
                services.clock.now(),
                1000,
                frozenset(self._inflight),
                TELEGRAM,  # Telegram's rows: another platform's are its own sender's
            )
            for row in rows:
                if row.id in self._inflight:
                    continue
                self._inflight.add(row.id)
                queue = self._queues.setdefault(row.to, [])
                queue.append(row)
                if len(queue) == 1 and not self._chat_busy(row.to):
                    self._start_worker(row.to)
            await self._sleep_until(next_due)

    def _chat_busy(self, chat: Address) -> bool:
        worker = self._workers.get(chat)
        return worker is not None and not worker.done()

    def _start_worker(self, chat: Address) -> None:
        task = asyncio.create_task(self._drain(chat), name=f"send-{chat.platform}-{chat.id}")
        self._workers[chat] = task
        task.add_done_callback(lambda done: self._forget(chat, done))

    def _forget(self, chat: Address, worker: asyncio.Task) -> None:
        if self._workers.get(chat) is worker:
            del self._workers[chat]

    async def _sleep_until(self, next_due: datetime | None) -> None:
        timeout = 30.0
        if next_due is not None:
            timeout = max(0.05, (next_due - self.resources.clock.now()).total_seconds())
            timeout = min(timeout, 30.0)
        # asyncio.timeout, not wait_for: on Python 3.11 wait_for swallows a cancellation
        # that arrives as the event is set, and stop() then waits for this task forever.
        with contextlib.suppress(TimeoutError):
            async with asyncio.timeout(timeout):
                await self.resources.outbox_ready.wait()

    async def _drain(self, chat: Address) -> None:
        """Send one chat's rows in order; stop at the first that must wait."""
        queue = self._queues[chat]
        try:
            while queue:
                row = queue[0]
                await self._respect_chat_limit(chat)
                delivered = await self._deliver(row)
                queue.pop(0)
                if row.id not in self._unrecorded:
                    self._inflight.discard(row.id)
                if not delivered:
                    break  # later rows wait behind the retried one (see outbox.due)
        finally:
            for row in queue:
                self._inflight.discard(row.id)
            queue.clear()
            self.resources.outbox_ready.set()

    async def _respect_chat_limit(self, chat: Address) -> None:
        if self.per_chat_rate is None or chat.id.startswith("-"):
            return  # groups (Telegram numbers them below zero) are limited by AIORateLimiter
        limit = self._limits.setdefault(
            chat, ChatLimit(self.per_chat_rate, self.per_chat_burst, self.per_chat_burst)
        )
        delay = limit.delay(time.monotonic())
        if delay > 0:
            await asyncio.sleep(delay)

    async def _record(self, row: Outgoing, fn: Callable[..., object], *args: object) -> None:
        """Write a send's outcome to the outbox (with whatever other outcomes are waiting, in
        one commit); if the database is full (or locked by another program), hold it."""
        future = asyncio.get_running_loop().create_future()
        self._outcomes.append((row.id, fn, args, future))
        if self._writer is None or self._writer.done():
            self._writer = asyncio.create_task(self._write_outcomes())
        await future

    async def _write_outcomes(self) -> None:
        while self._outcomes:
            batch, self._outcomes = self._outcomes, []
            try:
                await self.resources.store.run(
                    _apply_outcomes, [(row_id, fn, args) for row_id, fn, args, _ in batch]
                )
            except sqlite3.OperationalError as error:
                if not must_wait(error):  # a full disk or another program's lock
                    _settle(batch, error)
                    continue
                log.warning("%d send outcomes wait: %s", len(batch), error)
                for row_id, fn, args, _ in batch:
                    self._unrecorded[row_id] = (fn, args)
            except Exception as error:
                _settle(batch, error)
                continue
            _settle(batch, None)

    async def _record_held(self) -> bool:
        """Write the held outcomes; False while the database is still full."""
        for row_id, (fn, args) in list(self._unrecorded.items()):
            try:
                await self.resources.store.run(_apply_outcomes, [(row_id, fn, args)])
            except sqlite3.OperationalError as error:
                if not must_wait(error):
                    raise
                return False
            del self._unrecorded[row_id]
            self._inflight.discard(row_id)
        return True

    async def _deliver(self, row: Outgoing) -> bool:
        """Send one row and record the outcome; True when it is finished (sent or dead)."""
        clock = self.resources.clock
        try:
            api_kwargs = await with_files(row.payload)
        except FileTooBig as error:
            log.error("outbox row %s: %s", row.id, error)
            return await self._give_up(row, Failure.TOO_BIG, str(error))
        except OSError as error:
            # The file was removed (by hand, or after days of failed sending): nothing to send.
            log.error("outbox row %s refers to a file that cannot be read: %s", row.id, error)
            return await self._give_up(row, Failure.NO_FILE, f"file: {error}")
        try:
            # Lower-case method names are valid (the Bot API is case-insensitive) and make
            # PTB pass the stored JSON payload through as it is.
            async with self._in_flight.slot():
                result = await self.application.bot.do_api_request(
                    row.method.lower(), api_kwargs=api_kwargs
                )
        except RetryAfter as error:
            wait = error.retry_after
            wait = wait if isinstance(wait, timedelta) else timedelta(seconds=wait)
            return await self._retry(row, str(error), wait)
        except Forbidden as error:
            if not is_blocked(str(error)):  # e.g. a kind of file this person does not take
                log.error("outbox row %s forbidden by Telegram: %s", row.id, error)
                return await self._give_up(row, Failure.FORBIDDEN, str(error))
            log.info("chat %s cannot be reached: %s", row.to.id, error)
            await self._record(row, outbox.mark_dead, str(error))
            try:
                await self.on_blocked(row.to)
            except sqlite3.OperationalError as error:
                if not is_disk_full(error):
                    raise
                log.warning("chat %s blocked the bot; the database is full", row.to.id)
            return True
        except BadRequest as error:
            if "message is not modified" in str(error).lower():  # PTB capitalises it
                # The chat shows this text already; if the row was rewritten meanwhile,
                # mark_sent queues the newer text as a further edit.
                message_id = row.payload.get("message_id")
                await self._record(row, outbox.mark_sent, message_id, clock.now(), row.payload)
                return True
            log.error("outbox row %s refused by Telegram: %s", row.id, error)
            return await self._give_up(row, Failure.REFUSED, str(error))
        except (NetworkError, TelegramError) as error:
            if is_entity_too_large(str(error)):  # 413: the upload will never fit
                log.error("outbox row %s too large for Telegram: %s", row.id, error)
                return await self._give_up(row, Failure.TOO_BIG, str(error))
            # Timeouts and 5xx are ambiguous: the message may have arrived. Send again later.
            backoff = min(timedelta(seconds=2 ** min(row.attempts, 10)), MAX_BACKOFF)
            log.warning("outbox row %s failed (%s); retrying in %s", row.id, error, backoff)
            return await self._retry(row, str(error), backoff)
        message_id = result.get("message_id") if isinstance(result, dict) else None
        await self._record(row, outbox.mark_sent, message_id, clock.now(), row.payload)
        return True

    async def _give_up(self, row: Outgoing, failure: Failure, detail: str) -> bool:
        """A failure that will not pass: the row is dead, the administrators are told
        (what Telegram or the network said, without the token a URL might carry)."""
        env, at = self.resources.env, self.resources.clock.now()
        detail = redact(detail, self.resources.settings.token)
        await self._record(row, _give_up, failure, detail, env, at)
        return True

    async def _retry(self, row: Outgoing, error: str, wait: timedelta) -> bool:
        """Try again after ``wait``, or give up once the row has failed for a day."""
        env, at = self.resources.env, self.resources.clock.now()
        error = redact(error, self.resources.settings.token)
        await self._record(row, _retry_or_give_up, error, at + wait, env, at)
        return False


def _give_up(
    db: sqlite_utils.Database,
    row_id: int,
    failure: Failure,
    detail: str,
    env: WorkEnv,
    at: datetime,
) -> None:
    """The dead row and the administrators' notice, in the outcome's transaction."""
    run_work(
        db,
        delivery.give_up,
        (row_id, failure, detail),
        {},
        env=env,
        at=at,
        lang=env.default_language,
        chat=None,
        person=None,
        update_id=None,
        sender=None,
        source=f"dead:{row_id}",
    )


def _retry_or_give_up(
    db: sqlite_utils.Database,
    row_id: int,
    error: str,
    retry_at: datetime,
    env: WorkEnv,
    at: datetime,
) -> None:
    """Record a failed attempt to retry at ``retry_at``; after GIVE_UP_AFTER of failures
    (counted from the first, ``outbox.failing_since``) give the row up instead."""
    if gave_up_waiting(outbox.failing_since(db, row_id), at):
        _give_up(db, row_id, Failure.TIMED_OUT, error, env, at)
    else:
        outbox.mark_retry(db, row_id, error, retry_at, at)


def _apply_outcomes(
    db: sqlite_utils.Database, outcomes: list[tuple[int, Callable[..., object], tuple]]
) -> None:
    with db.atomic():
        for row_id, fn, args in outcomes:
            fn(db, row_id, *args)


def _settle(batch: list, error: BaseException | None) -> None:
    for *_, future in batch:
        if future.done():
            continue
        if error is None:
            future.set_result(None)
        else:
            future.set_exception(error)


# --- files on disk, and albums -----------------------------------------------------------
# A payload may name a file the bot made (a chart, a workbook) instead of a file_id:
# ``{"photo": {"path": "/…/chart.png"}}``, ``{"document": {"path": …, "filename": …}}``, or
# in sendMediaGroup ``{"type": "photo", "media": {"path": …}}``. The row stores only the
# path (the file is on disk before the row is committed); the bytes are read at send time.
# PTB's request code expects sendMediaGroup's ``media`` as InputMedia objects (it sets their
# default parse_mode and fails on plain dicts), so album items always become objects.
_FILE_FIELDS = ("photo", "document", "video", "audio", "voice", "animation")
_MEDIA_TYPES = {
    "photo": InputMediaPhoto,
    "document": InputMediaDocument,
    "video": InputMediaVideo,
    "audio": InputMediaAudio,
}


def _read(spec: dict, *, attach: bool = False) -> InputFile:
    path = Path(spec["path"])
    return InputFile(path.read_bytes(), filename=spec.get("filename") or path.name, attach=attach)


def _input_media(item: dict) -> InputMedia:
    media = item["media"]
    return _MEDIA_TYPES[item["type"]](
        media=_read(media, attach=True) if is_file_spec(media) else media,
        caption=item.get("caption"),
        parse_mode=item.get("parse_mode"),
    )


class FileTooBig(Exception):
    """A file the payload names is over Telegram's upload limit: sending it cannot work."""


def _check_sizes(payload: dict) -> None:
    total = delivery.upload_size(payload)
    if total > UPLOAD_LIMIT:
        raise FileTooBig(f"{total} bytes to upload, over Telegram's {UPLOAD_LIMIT}")


def _payload_with_files(payload: dict) -> dict:
    """The payload with file references replaced by their bytes (runs in a thread)."""
    _check_sizes(payload)
    out = dict(payload)
    for name in _FILE_FIELDS:
        if is_file_spec(out.get(name)):
            out[name] = _read(out[name])
    if isinstance(out.get("media"), list):
        out["media"] = [_input_media(item) for item in out["media"]]
    return out


async def with_files(payload: dict) -> dict:
    """Read referred files off the event loop (a 45 MB part takes a moment)."""
    if not any(is_file_spec(payload.get(n)) for n in _FILE_FIELDS) and not isinstance(
        payload.get("media"), list
    ):
        return payload
    return await asyncio.to_thread(_payload_with_files, payload)
