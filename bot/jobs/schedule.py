"""Periodic work: each job reads its state from the database, with ``now`` from the clock.

Every periodic job is in ``PERIODIC_JOBS`` below, with its name, interval and function, so
the whole schedule reads top to bottom in one place; the functions live with their
features. They run on the bot's own APScheduler (``JobScheduler``), started by BotRuntime
whatever front-ends are configured: a deployment on DingTalk alone reminds, builds reports
and ends idle visits exactly as one on Telegram does. Each job runs once at start-up and
then every interval; a job tied to one front-end (its evidence downloads) is scheduled only
when that front-end is configured. Nothing they need is kept in scheduler memory, so a job
missed while the bot was down simply finds more to do at its next run. Tests call
``run_job`` to run one immediately after moving the fake clock.

A database locked by another program is waited out by the Store; if the lock still reaches
a job, the job runs again after a growing pause (said once, not per try), and a job still
waiting is not started a second time by the scheduler.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from apscheduler.schedulers.asyncio import AsyncIOScheduler

from bot.builders import runner
from bot.config import Settings
from bot.domain.people import DINGTALK, TELEGRAM
from bot.jobs import backups as backup_jobs
from bot.jobs import health_alerts as health_jobs
from bot.jobs import invitations as invitation_jobs
from bot.jobs import reminders as reminder_jobs
from bot.jobs import retention as retention_jobs
from bot.jobs import self_check as integrity_jobs
from bot.jobs import visits as visit_jobs
from bot.platforms.dingtalk import media as dingtalk_media
from bot.platforms.telegram import media
from bot.runtime.context import Resources
from storage.db import is_locked

log = logging.getLogger(__name__)

JobFn = Callable[[Resources], Awaitable[None]]


@dataclass(frozen=True)
class Job:
    name: str
    every_seconds: float
    run: JobFn
    # The front-end the job serves, if only one: scheduled only when it is configured.
    front_end: str | None = None

    def wanted(self, settings: Settings) -> bool:
        if self.front_end == TELEGRAM:
            return bool(settings.token)
        if self.front_end == DINGTALK:
            return settings.dingtalk_configured
        return True


# Every periodic job of the bot. Each runs once about half a second after start-up, then
# every ``every_seconds``; names are how logs, the scheduler and ``run_job`` call them.
PERIODIC_JOBS: tuple[Job, ...] = (
    # The reminder sweep: rungs of items' ladders that have come due (bot/services/sweep.py).
    Job("reminders", 60, reminder_jobs.run_sweep),
    # Photos and files of visits fetched from Telegram and kept on disk.
    Job("evidence.download", 5, media.download_job, TELEGRAM),
    # The same from DingTalk: its downloader fetches a file the moment its message is
    # committed; this slow sweep only wakes it, a safety net (bot/platforms/dingtalk/media.py).
    Job("evidence.download.dingtalk", 60, dingtalk_media.download_job, DINGTALK),
    # Visits idle longer than the policy's visit_idle_hours, ended with their summaries.
    Job("visits.idle", 60, visit_jobs.end_idle_visits),
    # Invitation texts with a live code dropped from the outbox once they are sent.
    Job("invitations.forget_links", 5, invitation_jobs.forget_sent_links),
    # Reports, exports and imports waiting to be built in the builder process.
    Job("report-jobs", 1.0, runner.tick),
    # Built files removed two days after their job finished.
    Job("report-files", 3600.0, runner.sweep_files),
    # Is the week's self-check due? It runs once a week, in the builder process.
    Job("integrity.weekly", 600, integrity_jobs.weekly_self_check),
    # Old update texts, sent messages and expired buttons pruned (bot/domain/retention.py).
    Job("retention", 86400.0, retention_jobs.prune),
    # Is the day's backup due? It runs once a day at the policy's backup_time, in the builder
    # process (database, manifest and evidence files: bot/backup.py).
    Job("backups", 600, backup_jobs.daily_backup),
    # The health figures of `duban status` against their thresholds: the administrators are
    # told once when one crosses and once when it clears (bot/domain/alerts.py).
    Job("health.alerts", 60, health_jobs.watch_health),
)


LOCKED_FIRST_PAUSE = 1.0
LOCKED_MAX_PAUSE = 30.0


async def run_patiently(services: Resources, job: Job) -> None:
    """Run a job; while the database is locked, again after 1 s, 2 s … up to 30 s."""
    pause, waited = LOCKED_FIRST_PAUSE, False
    while True:
        try:
            await job.run(services)
        except Exception as error:
            if not is_locked(error):
                raise
            if not waited:
                log.warning("periodic job %s waits for the database lock", job.name)
            waited = True
            await asyncio.sleep(pause)
            pause = min(pause * 2, LOCKED_MAX_PAUSE)
            continue
        if waited:
            log.warning("periodic job %s ran after the database lock was released", job.name)
        return


FIRST_RUN_AFTER = timedelta(seconds=0.5)


class JobScheduler:
    """The bot's periodic jobs on an APScheduler of its own, on the bot's event loop.

    One run per job at a time: a run that finds the last one still going (waiting for the
    lock, a slow disk) returns at once. APScheduler is allowed two instances for that, since
    with its default of one every interval of a long wait logs a warning ("skipped: maximum
    number of running instances reached"). A failed run is logged and the job runs again
    at its next interval. ``stop`` lets the runs under way finish, as PTB's JobQueue did.
    """

    def __init__(self, services: Resources, jobs: tuple[Job, ...] = PERIODIC_JOBS) -> None:
        self.services = services
        self.jobs = tuple(job for job in jobs if job.wanted(services.settings))
        self.scheduler = AsyncIOScheduler(timezone=UTC)
        self._running: set[str] = set()  # names of the jobs whose run has not finished yet
        self._runs: set[asyncio.Task[Any]] = set()

    def start(self) -> None:
        first = datetime.now(UTC) + FIRST_RUN_AFTER
        for job in self.jobs:
            self.scheduler.add_job(
                self._fire,
                trigger="interval",
                seconds=job.every_seconds,
                start_date=first,
                args=(job,),
                id=job.name,
                name=job.name,
                max_instances=2,
            )
        self.scheduler.start()

    @property
    def running(self) -> bool:
        return self.scheduler.running

    async def _fire(self, job: Job) -> None:
        if job.name in self._running:
            return  # the last run still waits (for the lock, a slow disk): it is enough
        self._running.add(job.name)
        task = asyncio.current_task()
        if task is not None:
            self._runs.add(task)
        try:
            await run_patiently(self.services, job)
        except Exception:
            log.exception("periodic job %s failed; it runs again at its next interval", job.name)
        finally:
            self._running.discard(job.name)
            if task is not None:
                self._runs.discard(task)

    async def stop(self) -> None:
        """No new runs; the runs under way finish; then the scheduler is shut down."""
        if not self.scheduler.running:
            return
        self.scheduler.pause()
        await asyncio.gather(*self._runs, return_exceptions=True)
        self.scheduler.shutdown(wait=False)
        await asyncio.sleep(0.01)  # AsyncIOScheduler shuts down in a callback of the loop


async def run_job(services: Resources, name: str) -> None:
    """Run one job now (tests use it after moving the fake clock)."""
    for job in PERIODIC_JOBS:
        if job.name == name:
            await job.run(services)
            return
    raise KeyError(name)
