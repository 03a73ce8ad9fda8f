"""Periodic work: each job reads its state from the database, with ``now`` from the clock.

Jobs run on PTB's JobQueue (APScheduler underneath) with ``run_repeating``, once at
start-up and then every interval. Nothing they need is kept in scheduler memory, so a job
missed while the bot was down simply finds more to do at its next run. Tests call
``run_job`` to run one immediately after moving the fake clock.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from telegram.ext import Application

from bot.context import Services

log = logging.getLogger(__name__)

JobFn = Callable[[Application, Services], Awaitable[None]]


@dataclass(frozen=True)
class Job:
    name: str
    every_seconds: float
    run: JobFn


# Features add their periodic jobs here.
JOBS: list[Job] = []


def schedule_jobs(application: Application, services: Services) -> None:
    for job in JOBS:

        async def callback(_context: object, job: Job = job) -> None:
            try:
                await job.run(application, services)
            except Exception:
                log.exception(
                    "periodic job %s failed; it runs again at its next interval", job.name
                )

        application.job_queue.run_repeating(
            callback, interval=job.every_seconds, first=0.5, name=job.name
        )


async def run_job(application: Application, services: Services, name: str) -> None:
    """Run one job now (tests use it after moving the fake clock)."""
    for job in JOBS:
        if job.name == name:
            await job.run(application, services)
            return
    raise KeyError(name)
