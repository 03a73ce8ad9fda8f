"""The visit feature's periodic work: evidence downloads and ending idle visits."""

from __future__ import annotations

from telegram.ext import Application

from bot.context import Services, system_work
from bot.jobs import JOBS, Job
from bot.media import download_pending
from bot.services.visits import close_idle_visits
from storage.policy import load_policy

DOWNLOAD_EVERY_SECONDS = 5
IDLE_CHECK_EVERY_SECONDS = 60


async def end_idle_visits(application: Application, services: Services) -> None:
    """End visits idle longer than the policy's visit_idle_hours, with their summaries."""
    policy = await services.store.run(load_policy)
    await system_work(
        services,
        close_idle_visits,
        policy.visit_idle_hours,
        source=f"visit-idle:{services.clock.now().isoformat()}",
    )


JOBS.append(Job("evidence.download", DOWNLOAD_EVERY_SECONDS, download_pending))
JOBS.append(Job("visits.idle", IDLE_CHECK_EVERY_SECONDS, end_idle_visits))
