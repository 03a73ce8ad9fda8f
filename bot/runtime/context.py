"""What every handler can reach: the services, and the person behind the update."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Concatenate, ParamSpec, TypeVar

from telegram.ext import CallbackContext, ExtBot

from bot.builders.pool import BuilderPool
from bot.chat import Address, Sender, Tap
from bot.clock import Clock
from bot.config import Settings
from bot.domain.people import Person
from bot.logs import redact
from bot.runtime.background import Background
from bot.runtime.wakeup import Wakeup
from bot.runtime.work import Work, WorkEnv, run_work
from storage.db import Store, is_disk_full, is_locked

if TYPE_CHECKING:
    from telegram.ext import Application

    from bot.platforms.dingtalk.media import Downloader
    from bot.platforms.dingtalk.openapi import DingTalkOpenAPI

log = logging.getLogger(__name__)

P = ParamSpec("P")
T = TypeVar("T")

# ``Resources.failures`` value for an update whose transaction found the database full: the
# update is fine and waits (stays pending) instead of counting as a failed attempt.
STORAGE_FULL = "database or disk is full"
# Likewise for a database another program kept locked: the update runs again, uncounted.
STORAGE_LOCKED = "database is locked"


def failure_of(error: BaseException | None, update_id: object, token: str | None) -> str:
    """What a handler's failure is recorded as, logged once: STORAGE_FULL or STORAGE_LOCKED
    (the update waits, uncounted), else the error itself (an attempt), with any token
    scrubbed since it is stored in inbox.last_error and an error may quote a request URL.
    Shared by every platform's handlers (Telegram's on_error, DingTalk's processor)."""
    if is_disk_full(error):
        log.warning("update %s waits: the database is full", update_id)
        return STORAGE_FULL
    if is_locked(error):
        log.info("update %s waits: the database is locked", update_id)
        return STORAGE_LOCKED
    log.error("handler failed for update %s", update_id, exc_info=error)
    return redact(repr(error), token)


@dataclass
class Resources:
    """What the running bot holds: opened once at start-up, closed once at shutdown."""

    settings: Settings
    store: Store
    clock: Clock
    bot_username: str = ""
    outbox_ready: Wakeup = field(default_factory=Wakeup)  # one per sender: wakeup.py
    # Set when inbox rows become pending outside the poller (a replay): the processor looks.
    inbox_ready: asyncio.Event = field(default_factory=asyncio.Event)
    # Per-process bookkeeping of the update being processed, never state that matters.
    committed: set[int] = field(default_factory=set)
    failures: dict[int, str] = field(default_factory=dict)
    # The builder process (reports, imports, the weekly self-check): started on first use,
    # shut down by BotRuntime.stop.
    builder: BuilderPool = field(default_factory=BuilderPool)
    # DingTalk's OpenAPI client, when DingTalk is configured (its sender's; evidence
    # downloads and imported sheets use it too).
    dingtalk_api: DingTalkOpenAPI | None = None
    # DingTalk's evidence downloader, when DingTalk runs: woken the moment a robot message
    # carrying files is committed (bot/platforms/dingtalk/media.py).
    dingtalk_downloads: Downloader | None = None
    # Telegram's bot, when Telegram is configured: the periodic jobs and the report builder
    # download its files and show its chat actions with it.
    telegram_bot: ExtBot | None = None
    # Work started by periodic jobs that must finish before shutdown (the report drain).
    background: Background = field(default_factory=Background)

    @property
    def env(self) -> WorkEnv:
        settings = self.settings
        return WorkEnv(
            settings.timezone,
            self.bot_username,
            settings.default_language,
            settings.admin_ids,
            dingtalk_admin_ids=settings.dingtalk.admin_ids,
            front_ends=settings.front_ends,
        )


class BotData:
    """``context.bot_data``: typed, holding only the resources."""

    resources: Resources


class DubanContext(CallbackContext[ExtBot, dict, dict, BotData]):
    def __init__(
        self, application: Application, chat_id: int | None = None, user_id: int | None = None
    ) -> None:
        super().__init__(application, chat_id, user_id)
        self.person: Person | None = None
        self.lang: str = "zh"
        self.update_id: int | None = None
        self.chat: Address | None = None
        self.sender: Sender | None = None
        self.tap: Tap | None = None  # set by the button handler for a tap
        self._worked = False

    @property
    def resources(self) -> Resources:
        return self.bot_data.resources

    async def work(
        self, fn: Callable[Concatenate[Work, P], T], *args: P.args, **kwargs: P.kwargs
    ) -> T:
        """Run ``fn`` with a Work in one transaction that also marks this update done.

        One per update: a second transaction would find the update already done.
        """
        if self._worked:
            raise RuntimeError("context.work may run once per update")
        self._worked = True
        turn = Turn(
            self.resources, self.update_id, self.chat, self.sender, self.person, self.lang, self.tap
        )
        return await turn.work(fn, *args, **kwargs)


@dataclass
class Turn:
    """One update being handled on a platform without PTB's context (DingTalk): who sent
    it, from which chat, in which language, the button tapped, and its one transaction."""

    services: Resources
    update_id: int | None
    chat: Address | None = None
    sender: Sender | None = None
    person: Person | None = None
    lang: str = "zh"
    tap: Tap | None = None
    worked: bool = False

    async def work(
        self, fn: Callable[Concatenate[Work, P], T], *args: P.args, **kwargs: P.kwargs
    ) -> T:
        """Run ``fn`` with a Work in one transaction that also marks this update done."""
        if self.worked:
            raise RuntimeError("a turn's work may run once per update")
        self.worked = True
        return await update_work(
            self.services,
            fn,
            args,
            kwargs,
            lang=self.lang,
            chat=self.chat,
            person=self.person,
            update_id=self.update_id,
            sender=self.sender,
            tap=self.tap,
        )


async def update_work(
    services: Resources,
    fn: Callable[..., T],
    args: tuple,
    kwargs: dict,
    *,
    lang: str,
    chat: Address | None,
    person: Person | None,
    update_id: int | None,
    sender: Sender | None,
    tap: Tap | None,
) -> T:
    """An update's one transaction (``run_work`` on the database thread), whatever platform
    it came from: the processor is told it committed, the sender that messages wait."""
    result = await services.store.run(
        run_work,
        fn,
        args,
        kwargs,
        env=services.env,
        at=services.clock.now(),
        lang=lang,
        chat=chat,
        person=person,
        update_id=update_id,
        sender=sender,
        tap=tap,
    )
    if update_id is not None:
        services.committed.add(update_id)
    services.outbox_ready.set()
    return result  # type: ignore[return-value]


async def system_work(
    services: Resources,
    fn: Callable[Concatenate[Work, P], T],
    *args: P.args,
    **kwargs: P.kwargs,
) -> T:
    """A Work caused by the bot itself (a sweep, a failure report), not by an update.

    ``source`` must name the cause uniquely: it prefixes the outbox keys of the messages.
    """
    source = kwargs.pop("source")
    result = await services.store.run(
        run_work,
        fn,
        args,
        kwargs,
        env=services.env,
        at=services.clock.now(),
        lang=services.settings.default_language,
        chat=None,
        person=None,
        update_id=None,
        sender=None,
        source=source,
    )
    services.outbox_ready.set()
    return result
