"""What every handler can reach: the services, and the person behind the update."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Concatenate, ParamSpec, TypeVar

from telegram.ext import CallbackContext, ExtBot

from bot.builders.pool import BuilderPool
from bot.chat import Address, Sender, Tap
from bot.clock import Clock
from bot.config import Settings
from bot.domain.people import Person
from bot.runtime.wakeup import Wakeup
from bot.runtime.work import Work, WorkEnv, run_work
from storage.db import Store

if TYPE_CHECKING:
    from telegram.ext import Application

P = ParamSpec("P")
T = TypeVar("T")

# ``Resources.failures`` value for an update whose transaction found the database full: the
# update is fine and waits (stays pending) instead of counting as a failed attempt.
STORAGE_FULL = "database or disk is full"
# Likewise for a database another program kept locked: the update runs again, uncounted.
STORAGE_LOCKED = "database is locked"


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

    @property
    def env(self) -> WorkEnv:
        settings = self.settings
        return WorkEnv(
            settings.timezone, self.bot_username, settings.default_language, settings.admin_ids
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
        services = self.resources
        result = await services.store.run(
            run_work,
            fn,
            args,
            kwargs,
            env=services.env,
            at=services.clock.now(),
            lang=self.lang,
            chat=self.chat,
            person=self.person,
            update_id=self.update_id,
            sender=self.sender,
            tap=self.tap,
        )
        if self.update_id is not None:
            services.committed.add(self.update_id)
        services.outbox_ready.set()
        return result


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
