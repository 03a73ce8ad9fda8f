"""The reminder feature's periodic work: one sweep a minute (and at start-up).

All its state is in the database (bot/services/sweep.py), so a sweep missed while the bot
was down is simply a larger window at the next one.
"""

from __future__ import annotations

from telegram.ext import Application

from bot.context import Services, system_work
from bot.jobs import JOBS, Job
from bot.services.sweep import sweep

SWEEP_EVERY_SECONDS = 60


async def run_sweep(application: Application, services: Services) -> None:
    await system_work(services, sweep, source=f"sweep:{services.clock.now().isoformat()}")


JOBS.append(Job("reminders", SWEEP_EVERY_SECONDS, run_sweep))
