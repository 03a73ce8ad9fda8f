"""The reminder feature's periodic work: one sweep a minute (and at start-up; bot/jobs/schedule.py).

All its state is in the database (bot/services/sweep.py), so a sweep missed while the bot
was down is simply a larger window at the next one.
"""

from __future__ import annotations

from bot.runtime.context import Resources, system_work
from bot.services.sweep import sweep


async def run_sweep(services: Resources) -> None:
    await system_work(services, sweep, source=f"sweep:{services.clock.now().isoformat()}")
