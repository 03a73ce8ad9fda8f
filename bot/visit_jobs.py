"""The visit feature's periodic work: ending idle visits (scheduled in bot/jobs.py,
beside the evidence downloads of bot/media.py)."""

from __future__ import annotations

from telegram.ext import Application

from bot.context import Services, system_work
from bot.services.visits import close_idle_visits
from storage.policy import load_policy


async def end_idle_visits(application: Application, services: Services) -> None:
    """End visits idle longer than the policy's visit_idle_hours, with their summaries."""
    policy = await services.store.run(load_policy)
    await system_work(
        services,
        close_idle_visits,
        policy.visit_idle_hours,
        source=f"visit-idle:{services.clock.now().isoformat()}",
    )
