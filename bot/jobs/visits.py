"""The visit feature's periodic work: ending idle visits (scheduled in bot/jobs/schedule.py,
beside the evidence downloads of bot/platforms/telegram/media.py)."""

from __future__ import annotations

from bot.runtime.context import Resources, system_work
from bot.services.visits import close_idle_visits
from storage.policy import load_policy


async def end_idle_visits(services: Resources) -> None:
    """End visits idle longer than the policy's visit_idle_hours, with their summaries."""
    policy = await services.store.run(load_policy)
    await system_work(
        services,
        close_idle_visits,
        policy.visit_idle_hours,
        source=f"visit-idle:{services.clock.now().isoformat()}",
    )
