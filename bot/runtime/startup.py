"""Start-up and shutdown: services opened and closed in one place, in order."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
import sys
from typing import TYPE_CHECKING

from telegram.ext import Application

from bot.clock import Clock, SystemClock
from bot.config import Settings
from bot.jobs.schedule import JobScheduler, run_job
from bot.logs import configure_logging
from bot.platforms.telegram.application import build_application
from bot.runtime.context import Resources
from bot.runtime.healthz import HealthEndpoint
from bot.runtime.lock_watch import LockWatch
from bot.runtime.sender import Sender
from bot.runtime.updates import Poller, Processor, StorageOutage
from bot.runtime.webhook import WebhookReceiver
from handlers.errors import (
    report_blocked,
    report_set_aside,
    report_storage_back,
    report_storage_full,
)
from storage import people
from storage.db import Store

if TYPE_CHECKING:
    from bot.platforms.dingtalk.sender import DingTalkSender
    from bot.platforms.dingtalk.stream import DingTalkStream

log = logging.getLogger(__name__)


class BotRuntime:
    """The running bot: store, front-ends (Telegram's Application and poller/processor/sender
    tasks, DingTalk's stream, processor and sender), and the periodic jobs over them."""

    def __init__(
        self,
        settings: Settings,
        clock: Clock | None = None,
        *,
        flood_limits: bool = True,
    ) -> None:
        self.settings = settings
        self.store = Store(settings.database_path)
        self.resources = Resources(settings, self.store, clock or SystemClock())
        # Off only for benchmarks against a sandbox whose own limits are off.
        self.flood_limits = flood_limits
        self.application: Application | None = None
        self._tasks: list[asyncio.Task] = []
        self.outage: StorageOutage | None = None
        self.dingtalk: DingTalkStream | None = None
        self.dingtalk_sender: DingTalkSender | None = None
        self.jobs: JobScheduler | None = None
        self.webhook: WebhookReceiver | None = None
        self.health: HealthEndpoint | None = None

    async def start(self) -> None:
        """Open everything in order; if any step fails (a wrong token, an unreachable Bot API
        server), close what was opened before raising, so nothing is left behind."""
        try:
            await self._start()
        except BaseException:
            await self.stop()
            raise

    async def _start(self) -> None:
        await self.store.open()
        if self.settings.health_listen is not None:
            self.health = HealthEndpoint(self.settings, self.resources.clock)
            await self.health.start()
        if self.settings.token:
            await self._start_telegram()
        if self.settings.dingtalk_configured:
            self._start_dingtalk()
        # Whatever front-ends run: reminders, reports and idle visits are theirs alike.
        self.jobs = JobScheduler(self.resources)
        self.jobs.start()

    async def _start_telegram(self) -> None:
        services = self.resources
        application = build_application(self.settings, services, flood_limits=self.flood_limits)
        self.application = application
        await application.initialize()  # getMe: fails fast on a wrong token or URL
        services.bot_username = application.bot.username
        services.telegram_bot = application.bot  # evidence downloads, imported sheets
        await self.store.run(people.remember_bot_username, services.bot_username)
        await application.start()
        inbox_ready = services.inbox_ready
        inbox_ready.set()  # unfinished rows from before a restart run first
        self.outage = outage = StorageOutage(
            lambda: report_storage_full(application, services),
            lambda: report_storage_back(services),
        )
        processor = Processor(
            application, services, inbox_ready, lambda u: report_set_aside(services, u), outage
        )
        # Updates arrive by webhook when a URL is set, else by polling: one or the other.
        webhook = self.settings.webhook
        receiver: Poller | WebhookReceiver
        if webhook is not None:
            self.webhook = receiver = WebhookReceiver(
                application, services, webhook, processor.offer, outage
            )
            await receiver.open()
        else:
            receiver = Poller(application, services, processor.offer, outage)
        sender = Sender(
            application,
            services,
            lambda chat: report_blocked(services, chat),
            per_chat_rate=1.0 if self.flood_limits else None,
        )
        watch = LockWatch(application, services)
        for name, job in (
            ("poller" if webhook is None else "webhook", receiver),
            ("processor", processor),
            ("sender", sender),
            ("lock-watch", watch),
        ):
            self._tasks.append(asyncio.create_task(job.run(), name=name))
        log.info("Duban is running as @%s", services.bot_username)

    def _start_dingtalk(self) -> None:
        """DingTalk's Stream connection (its own thread), the processor of its rows and the
        downloader of its evidence files.

        The SDK is imported only here: it reads DINGTALK_OPENAPI_ENDPOINT when imported, and
        a deployment on Telegram alone never needs it. DingTalk's messages leave through
        the outbox like every other; its sender is started with the others.
        """
        from bot.platforms.dingtalk.media import Downloader
        from bot.platforms.dingtalk.openapi import DingTalkConfig
        from bot.platforms.dingtalk.processor import DingTalkProcessor, report_set_aside
        from bot.platforms.dingtalk.sender import DingTalkSender
        from bot.platforms.dingtalk.stream import DingTalkStream
        from storage import dingtalk_sessions

        services = self.resources
        app = self.settings.dingtalk
        sender = DingTalkSender(
            services,
            lambda chat: report_blocked(services, chat),
            DingTalkConfig.of(app),
            lambda staff_id: self.store.run(
                dingtalk_sessions.webhook_for, staff_id, services.clock.now()
            ),
        )
        self.dingtalk_sender = sender
        services.dingtalk_api = sender.api  # evidence downloads use it too
        self._tasks.append(asyncio.create_task(sender.run(), name="dingtalk-sender"))
        downloads = Downloader(sender.api, services)
        downloads.wake()  # files left pending before a restart are fetched first
        services.dingtalk_downloads = downloads
        self._tasks.append(asyncio.create_task(downloads.run(), name="dingtalk-downloads"))
        ready = asyncio.Event()
        ready.set()  # unfinished rows from before a restart run first
        processor = DingTalkProcessor(
            services,
            ready,
            lambda update_id, update: report_set_aside(services, update_id, update),
            self.outage,
        )
        loop = asyncio.get_running_loop()
        self.dingtalk = DingTalkStream(
            self.settings.dingtalk,
            self.settings.database_path,
            services.clock.now,
            lambda: loop.call_soon_threadsafe(ready.set),
        )
        self._tasks.append(asyncio.create_task(processor.run(), name="dingtalk-processor"))
        self.dingtalk.start()
        log.info("Duban is connected to DingTalk as app %s", self.settings.dingtalk.client_id)

    async def run_job(self, name: str) -> None:
        await run_job(self.resources, name)

    async def wait(self) -> None:
        """Return when a task stops on its own (which only a fatal error does)."""
        done, _ = await asyncio.wait(self._tasks, return_when=asyncio.FIRST_COMPLETED)
        for task in done:
            if task.exception():
                raise task.exception()

    async def stop(self) -> None:
        """Close everything ``start`` opened, last opened first; safe after a partial start:
        the periodic jobs (their runs under way finish, the report build under way is
        delivered), the tasks, the Application and its HTTP clients, the builder process,
        the store; the /healthz server first, so no probe reads a bot half closed."""
        if self.health is not None:
            await self.health.stop()
            self.health = None
        if self.jobs is not None:
            await self.jobs.stop()  # before the clients its jobs use are closed
            self.jobs = None
        await self.resources.background.close()
        if self.dingtalk is not None:
            await asyncio.to_thread(self.dingtalk.stop)  # nothing is committed after this
            self.dingtalk = None
        if self.outage is not None:
            self.outage.close()
        for task in self._tasks:
            task.cancel()
        for task in self._tasks:
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await task
        self._tasks.clear()
        self.resources.dingtalk_downloads = None  # its task has ended with the others
        if self.webhook is not None:
            await self.webhook.close()  # opened but its task never started: a failed start
            self.webhook = None
        if self.dingtalk_sender is not None:
            await self.dingtalk_sender.close()  # its HTTP client, once its sender has stopped
            self.dingtalk_sender = None
        if self.application is not None:
            if self.application.running:
                await self.application.stop()
            await self.application.shutdown()
            # The HTTP clients (bot/platforms/telegram/transport.py): Application.shutdown
            # closes them only for
            # an Application whose initialize succeeded; getMe failing leaves them open.
            await self.application.bot.shutdown()
        # After the report drain has ended (background.close), so no build is waited on.
        await self.resources.builder.close()
        await self.store.close()


async def serve(
    settings: Settings, *, flood_limits: bool = True, clock: Clock | None = None
) -> None:
    """Run until SIGINT or SIGTERM. ``flood_limits=False`` only for benchmarks against the
    sandbox with its own limits off: Telegram enforces them whatever the bot does; a
    ``clock`` only for the demo and benchmarks that must run in office hours."""
    runtime = BotRuntime(settings, clock, flood_limits=flood_limits)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    await runtime.start()
    try:
        stopper = asyncio.create_task(stop.wait())
        runner = asyncio.create_task(runtime.wait())
        await asyncio.wait({stopper, runner}, return_when=asyncio.FIRST_COMPLETED)
        if runner.done() and runner.exception():
            raise runner.exception()
    finally:
        await runtime.stop()


def run_bot(settings: Settings) -> int:
    if not settings.token and not settings.dingtalk_configured:
        print(
            "duban: TELEGRAM_BOT_TOKEN is not set; put it in the environment or .env "
            "(or run `duban demo` to try the bot on the local sandbox)",
            file=sys.stderr,
        )
        return 3
    configure_logging(settings.token)
    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(serve(settings))
    return 0
