"""Delivering the outbox: at least once, in order per chat, within each platform's limits.

Order per chat gives way to a row that keeps failing (see ``storage.outbox.due``): it holds
back its own transaction's later rows while it waits, and the rest of the chat only during
its first attempts. A failure that cannot pass (a refused request, a file over the
platform's limit) or a day of failures gives the row up, and the administrators are told
once (``bot.services.delivery``). Nothing is dropped in silence.

This loop is the same for every platform; what one row becomes on the wire, and what the
platform's errors mean, is its courier's (``bot.runtime.outcomes.Courier``:
bot/platforms/telegram/courier.py, bot/platforms/dingtalk/courier.py). Each sender
delivers only its own platform's rows. A row is marked sent only after the platform said
ok. A timeout or a 5xx may hide a message the platform did accept, so such a row is sent
again: that, and a crash between sending and marking, are the only ways a person can get a
message twice.

On Telegram, PTB's AIORateLimiter keeps the bot under the global limit (about 30 messages a
second) but does not limit private chats, where Telegram allows about one message a second;
each chat here has its own token bucket.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import sqlite3
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlite_utils
from telegram.ext import Application

from bot.chat import Address
from bot.domain.delivery import Failure, gave_up_waiting
from bot.platforms.telegram.courier import TelegramCourier
from bot.platforms.telegram.foreign_files import ForeignFiles
from bot.runtime.context import Resources
from bot.runtime.outcomes import Courier, GiveUp, Retry, Sent
from bot.runtime.work import WorkEnv, run_work
from bot.services import delivery
from storage import outbox
from storage.db import is_disk_full, must_wait
from storage.outbox import Outgoing

log = logging.getLogger(__name__)


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


class OutboxSender:
    """Delivers one platform's outbox rows through its courier, chat by chat."""

    def __init__(
        self,
        courier: Courier,
        services: Resources,
        on_blocked: Callable[[Address], Awaitable[None]],
        *,
        per_chat_rate: float | None = 1.0,
        per_chat_burst: float = 3.0,
    ) -> None:
        self.courier = courier
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
        self._ready = services.outbox_ready.subscribe()  # this sender's own wake-up

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
            self._ready.clear()
            rows, next_due = await services.store.run(
                outbox.due_and_next,
                services.clock.now(),
                1000,
                frozenset(self._inflight),
                self.courier.platform,
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
                await self._ready.wait()

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
        if self.per_chat_rate is None or not self.courier.chat_limited(chat):
            return
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
        outcome = await self.courier.deliver(row)
        if isinstance(outcome, Sent):
            at = self.resources.clock.now()
            await self._record(row, outbox.mark_sent, outcome.message_id, at, outcome.payload)
            return True
        if isinstance(outcome, Retry):
            return await self._retry(row, outcome.error, outcome.wait)
        if isinstance(outcome, GiveUp):
            return await self._give_up(row, outcome.failure, outcome.detail)
        await self._record(row, outbox.mark_dead, self.courier.redact(outcome.error))
        try:
            await self.on_blocked(row.to)
        except sqlite3.OperationalError as error:
            if not is_disk_full(error):
                raise
            log.warning("chat %s blocked the bot; the database is full", row.to.id)
        return True

    async def _give_up(self, row: Outgoing, failure: Failure, detail: str) -> bool:
        """A failure that will not pass: the row is dead, the administrators are told
        (what the platform or the network said, without the token a URL might carry)."""
        env, at = self.resources.env, self.resources.clock.now()
        detail = self.courier.redact(detail)
        await self._record(row, _give_up, failure, detail, env, at)
        return True

    async def _retry(self, row: Outgoing, error: str, wait: timedelta) -> bool:
        """Try again after ``wait``, or give up once the row has failed for a day."""
        env, at = self.resources.env, self.resources.clock.now()
        error = self.courier.redact(error)
        failure = self.courier.timed_out
        await self._record(row, _retry_or_give_up, error, at + wait, env, at, failure)
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
    failure: Failure = Failure.TIMED_OUT,
) -> None:
    """Record a failed attempt to retry at ``retry_at``; after GIVE_UP_AFTER of failures
    (counted from the first, ``outbox.failing_since``) give the row up instead."""
    if gave_up_waiting(outbox.failing_since(db, row_id), at):
        _give_up(db, row_id, failure, error, env, at)
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


class Sender(OutboxSender):
    """The Telegram sender: the outbox loop with Telegram's courier."""

    def __init__(
        self,
        application: Application,
        services: Resources,
        on_blocked: Callable[[Address], Awaitable[None]],
        *,
        per_chat_rate: float | None = 1.0,
        per_chat_burst: float = 3.0,
    ) -> None:
        token = getattr(services.settings, "token", None)
        media_dir = getattr(services.settings, "media_dir", None)
        foreign = ForeignFiles(services.store, media_dir) if media_dir is not None else None
        super().__init__(
            TelegramCourier(application, token, foreign),
            services,
            on_blocked,
            per_chat_rate=per_chat_rate,
            per_chat_burst=per_chat_burst,
        )
        self.application = application
