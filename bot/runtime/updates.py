"""Receiving updates without ever losing one: a durable inbox between Telegram and handlers.

python-telegram-bot's own polling confirms a whole batch as soon as it is fetched, so a crash
loses whatever was still queued in memory. Here the poller commits each raw batch to the
inbox table first and only then asks for the next one (whose offset is what confirms the
batch to Telegram). The processor runs inbox rows in update_id order through the
Application; a row is done when its handler's own transaction says so.

A full database (disk full) is a state of the machine, not a fault of an update: the poller
then keeps its offset (Telegram holds the updates), the processor leaves rows pending, both
retry with a growing pause, and the office is told (``StorageOutage``). A database locked by
another program is waited out by the Store itself (storage/db.py ``LockWait``); should the
lock still reach one of them, it is handled the same way, without telling the office.

A handler that fails is tried again after a pause that grows with each failure, counted in
the inbox row (bot/domain/retries.py); after the last attempt the update is set aside.

The processing is the same for every platform (``InboxProcessor``): Telegram's updates
(``Processor``) and DingTalk's frames (bot/platforms/dingtalk/processor.py), which DingTalk's
stream commits the same way before acknowledging them, differ only in how a row is read
and run.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import sqlite3
import time
from abc import ABC, abstractmethod
from collections import deque
from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta
from typing import ClassVar, Generic, TypeVar

from telegram import Update
from telegram.error import (
    Conflict,
    Forbidden,
    InvalidToken,
    NetworkError,
    RetryAfter,
    TelegramError,
)
from telegram.ext import Application

from bot.domain.people import TELEGRAM
from bot.runtime.context import STORAGE_FULL, STORAGE_LOCKED, Resources
from storage import inbox
from storage.db import is_disk_full, is_locked

log = logging.getLogger(__name__)

ALLOWED_UPDATES = ["message", "edited_message", "callback_query", "my_chat_member"]
POLL_TIMEOUT = 25  # seconds Telegram holds a getUpdates open when nothing arrives
LOCKED_PAUSE = 1.0  # seconds the poller waits before storing a batch the lock refused

Notice = Callable[[], Awaitable[None]]
U = TypeVar("U")  # an update as a platform's handlers take it


class StorageOutage:
    """The database is full: what the poller and the processor share while it lasts.

    Each caller waits a growing pause between tries (1 s doubling to 30 s), so a full disk
    is no busy loop; the office is told when it starts (at most hourly) and when it is over.
    A nearly full disk takes small writes and refuses bigger ones, so one write that succeeds
    does not end the outage: it ends when writes have gone through for ``SETTLE`` seconds
    with none refused.
    """

    FIRST_PAUSE = 1.0
    MAX_PAUSE = 30.0
    RETELL_AFTER = 3600.0
    SETTLE = 3.0

    def __init__(self, on_full: Notice | None = None, on_back: Notice | None = None) -> None:
        self.on_full = on_full
        self.on_back = on_back
        self.since: float | None = None
        self._pauses: dict[str, float] = {}
        self._told_at: float | None = None
        self._ending: asyncio.Task | None = None

    @property
    def active(self) -> bool:
        return self.since is not None

    async def hit(self, who: str) -> float:
        """Count a write refused for lack of space; returns the seconds ``who`` should wait."""
        now = time.monotonic()
        if self._ending is not None:
            self._ending.cancel()  # a write went through, but the disk is still full
            self._ending = None
        if self.since is None:
            self.since = now
            log.critical(
                "the database is full: nothing new can be saved; updates wait at Telegram "
                "and in the inbox, and are processed when there is space again"
            )
            if self.on_full and (self._told_at is None or now - self._told_at > self.RETELL_AFTER):
                self._told_at = now
                await _quietly(self.on_full, "tell the admins the database is full")
        pause = self._pauses.get(who, self.FIRST_PAUSE)
        self._pauses[who] = min(pause * 2, self.MAX_PAUSE)
        log.warning("database full: the %s tries again in %.0f s", who, pause)
        return pause

    async def cleared(self, who: str) -> None:
        """A write by ``who`` succeeded: the outage (if any) ends unless another is refused."""
        self._pauses.pop(who, None)
        if self.since is not None and self._ending is None:
            self._ending = asyncio.create_task(self._end(), name="storage-outage-end")

    async def _end(self) -> None:
        await asyncio.sleep(self.SETTLE)
        self._ending = None
        if self.since is None:
            return
        log.warning("the database takes writes again after %.0f s", time.monotonic() - self.since)
        self.since = None
        if self.on_back:
            await _quietly(self.on_back, "tell the admins the database is writable again")

    def close(self) -> None:
        if self._ending is not None:
            self._ending.cancel()


def _sender_of(raw: dict) -> object:
    """Whose update this is (their updates are kept in order); None for the unrecognisable."""
    for value in raw.values():
        if isinstance(value, dict):
            person = value.get("from") or value.get("chat")
            if isinstance(person, dict) and isinstance(person.get("id"), int):
                return person["id"]
    return None


async def _quietly(notice: Notice, what: str) -> None:
    try:
        await notice()
    except Exception:
        log.exception("could not %s", what)


class Poller:
    """Long-polls ``getUpdates`` and commits every batch before confirming it."""

    def __init__(
        self,
        application: Application,
        services: Resources,
        committed: Callable[[list[dict]], None],
        outage: StorageOutage | None = None,
    ):
        self.application = application
        self.resources = services
        self.committed = committed  # told of each batch once it is in the inbox
        self.outage = outage or StorageOutage()

    async def run(self) -> None:
        store = self.resources.store
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
            except Conflict as error:
                if "webhook" not in str(error).lower():
                    log.warning("getUpdates conflicts (%s); retrying in %.0f s", error, backoff)
                    await asyncio.sleep(backoff)
                    backoff = min(backoff * 2, 30.0)
                    continue
                # Back to polling after webhook mode: the webhook goes, its pending
                # updates stay at Telegram and come by the next getUpdates.
                log.warning("a webhook is set; deleting it to poll again")
                try:
                    await self.application.bot.do_api_request("deletewebhook")
                except TelegramError as failure:
                    log.warning("deleteWebhook failed (%s); retrying in %.0f s", failure, backoff)
                    await asyncio.sleep(backoff)
                    backoff = min(backoff * 2, 30.0)
                continue
            except (NetworkError, TelegramError) as error:
                log.warning("getUpdates failed (%s); retrying in %.0f s", error, backoff)
                await asyncio.sleep(backoff)
                backoff = min(backoff * 2, 30.0)
                continue
            backoff = 1.0
            updates = [u for u in batch or [] if isinstance(u, dict) and "update_id" in u]
            if not updates:
                continue
            try:
                await store.run(inbox.save_updates, updates, self.resources.clock.now())
            except sqlite3.OperationalError as error:
                # The offset stays: the next getUpdates asks for the same batch, which
                # Telegram keeps (up to 24 hours) until there is room to store it.
                if is_locked(error):
                    log.info("the batch waits for the database lock; asking again")
                    await asyncio.sleep(LOCKED_PAUSE)
                    continue
                if not is_disk_full(error):
                    raise
                await asyncio.sleep(await self.outage.hit("poller"))
                continue
            await self.outage.cleared("poller")
            offset = max(u["update_id"] for u in updates) + 1
            self.committed(updates)


class InboxProcessor(ABC, Generic[U]):
    """Runs one platform's pending inbox rows through its handlers.

    Each person's updates run one after another in arrival order (a reply to a question
    must not overtake the question); different people's run side by side, so one person's
    slow work — a download, a long commit — does not hold up everyone else's. A failed
    update is retried after a growing pause, then set aside (``on_set_aside``), whichever
    platform it came from: a platform's subclass only says how a row is read (``parse``),
    whose it is (``lane_of``) and how it is run (``handle``).
    """

    LANES = 16  # people whose updates are processed at the same time
    FETCH = 200  # updates held in memory at most, queued or running
    platform: ClassVar[str]  # whose rows it runs (inbox.platform)

    def __init__(
        self,
        services: Resources,
        ready: asyncio.Event,
        on_set_aside: Callable[[int, U], Awaitable[None]],
        outage: StorageOutage | None = None,
    ):
        self.resources = services
        self.ready = ready
        self.on_set_aside = on_set_aside
        self.outage = outage or StorageOutage()
        self._queues: dict[object, deque[tuple[int, dict]]] = {}
        self._lanes: dict[object, asyncio.Task] = {}
        self._taken: set[int] = set()  # fetched and queued or running, not yet seen done
        self._retry: set[int] = set()  # failed, still pending: hand out again
        # When rows pausing after a failure are due: only to wake up in time. The pause
        # itself is kept in the inbox row (a restart finds them by the next fetch).
        self._due: dict[int, datetime] = {}
        self._full = False
        self._backlog = True  # older pending rows may be in the inbox, not yet fetched

    async def run(self) -> None:
        try:
            while True:
                self.ready.clear()
                store = self.resources.store
                now = self.resources.clock.now()
                finished, fresh = await store.run(
                    inbox.pending, self.FETCH, frozenset(self._taken), now, self.platform
                )
                # A row stays "taken" until a fetch finds it no longer pending (done); a
                # fetch that raced with a commit can then never hand it out twice.
                self._taken.difference_update(finished)
                for update_id, raw in fresh:
                    self._take(update_id, raw)
                self._backlog = len(self._taken) >= self.FETCH
                self._open_lanes()
                if self._full and not self._lanes:
                    self._full = False
                    await self._pause(await self.outage.hit("processor"))
                    continue
                with contextlib.suppress(TimeoutError):
                    async with asyncio.timeout(self._wake_in(now)):
                        await self.ready.wait()
        finally:
            for lane in self._lanes.values():
                lane.cancel()

    def _wake_in(self, now: datetime) -> float:
        """Seconds until the next fetch: 5, or sooner when a failed row is due again."""
        for update_id, due in list(self._due.items()):
            if update_id in self._taken or due <= now - timedelta(minutes=1):
                del self._due[update_id]  # handed out again, or long overdue (clock moved)
        if not self._due:
            return 5.0
        return min(5.0, max(0.05, (min(self._due.values()) - now).total_seconds()))

    def offer(self, updates: list[dict]) -> None:
        """Updates the poller has just committed: queued at once, without reading them
        back, unless older rows still wait in the inbox (those must run first; the next
        fetch brings these in order) or FETCH updates are held already."""
        if self._backlog or self._full or len(self._taken) >= self.FETCH:
            self._backlog = True
            self.ready.set()
            return
        for raw in updates:
            self._take(raw["update_id"], raw)
        self._open_lanes()

    def _take(self, update_id: int, raw: dict) -> None:
        if update_id in self._taken:
            return  # offered by the poller and fetched too: queued once
        self._taken.add(update_id)
        self._queues.setdefault(self.lane_of(raw), deque()).append((update_id, raw))

    def _open_lanes(self) -> None:
        for key, queue in self._queues.items():
            if len(self._lanes) >= self.LANES or self._full:
                return
            if queue and key not in self._lanes:
                self._lanes[key] = asyncio.create_task(self._lane(key, queue))

    async def _lane(self, key: object, queue: deque[tuple[int, dict]]) -> None:
        try:
            while queue and not self._full:
                update_id, raw = queue[0]
                if not await self.process(update_id, raw):
                    self._full = True  # this row and everyone's next ones stay pending
                    break
                queue.popleft()
                if update_id in self._retry:
                    self._retry.discard(update_id)
                    self._taken.discard(update_id)
                    self._backlog = True  # it waits in the inbox for the next fetch
        finally:
            if self._full:
                for update_id, _ in queue:
                    self._taken.discard(update_id)
                queue.clear()
                self._backlog = True
            self._lanes.pop(key, None)
            if not queue:
                self._queues.pop(key, None)
            self.ready.set()

    async def _pause(self, seconds: float) -> None:
        """Wait, or less if the poller stores a batch (proof that there is room again)."""
        self.ready.clear()
        with contextlib.suppress(TimeoutError):
            async with asyncio.timeout(seconds):
                await self.ready.wait()

    async def process(self, update_id: int, raw: dict) -> bool:
        """Run one inbox row; False if the database was full and the row stays pending."""
        try:
            finished = await self._process(update_id, raw)
        except sqlite3.OperationalError as error:
            if is_locked(error):
                # Not an attempt: the row stays pending and is handed out again.
                log.info("update %s waits for the database lock", update_id)
                self._retry.add(update_id)
                return True
            if not is_disk_full(error):
                raise
            finished = False
        if finished:
            await self.outage.cleared("processor")
        else:
            log.warning("update %s stays pending: the database is full", update_id)
        return finished

    @abstractmethod
    def lane_of(self, raw: dict) -> object:
        """Whose update this is: their updates are kept in order."""

    @abstractmethod
    def parse(self, update_id: int, raw: dict) -> U:
        """The stored row as the handlers take it; raises if it is malformed."""

    @abstractmethod
    async def handle(self, update_id: int, update: U) -> None:
        """Run the update's handlers; a failure is recorded in ``resources.failures``
        (never raised), a commit in ``resources.committed``."""

    async def _process(self, update_id: int, raw: dict) -> bool:
        services = self.resources
        try:
            update = self.parse(update_id, raw)
        except Exception as error:  # a malformed update must not block the ones after it
            log.warning("update %s is malformed and set aside: %r", update_id, error)
            await services.store.run(
                inbox.mark_failed,
                update_id,
                f"malformed: {error!r}",
                services.clock.now(),
                final=True,
            )
            return True
        services.failures.pop(update_id, None)
        await self.handle(update_id, update)
        failure = services.failures.pop(update_id, None)
        committed = update_id in services.committed
        services.committed.discard(update_id)
        now = services.clock.now()
        if failure == STORAGE_FULL:
            return False  # not an attempt: the same update succeeds once there is room
        if failure == STORAGE_LOCKED:
            self._retry.add(update_id)  # not an attempt either: run again once unlocked
            return True
        if failure is not None:
            status = await services.store.run(inbox.mark_failed, update_id, failure, now)
            if status == "pending":
                self._retry.add(update_id)
                due = await services.store.run(inbox.next_retry, update_id)
                if due is not None:
                    self._due[update_id] = due
                    log.warning("update %s failed; it is tried again at %s", update_id, due)
            if status == "set_aside":
                self._taken.discard(update_id)  # a replay makes it pending again
                log.error("update %s failed every attempt and is set aside", update_id)
                await self.on_set_aside(update_id, update)
        elif not committed:
            await services.store.run(inbox.mark_done, update_id, now)
        return True


class Processor(InboxProcessor[Update]):
    """Runs pending Telegram rows through the Application (handlers/, errors → on_error)."""

    platform = TELEGRAM

    def __init__(
        self,
        application: Application,
        services: Resources,
        ready: asyncio.Event,
        on_set_aside: Callable[[Update], Awaitable[None]],
        outage: StorageOutage | None = None,
    ):
        super().__init__(services, ready, lambda _, update: on_set_aside(update), outage)
        self.application = application

    def lane_of(self, raw: dict) -> object:
        return _sender_of(raw)

    def parse(self, update_id: int, raw: dict) -> Update:
        return Update.de_json(raw, self.application.bot)

    async def handle(self, update_id: int, update: Update) -> None:
        await self.application.process_update(update)  # never raises: errors → on_error
