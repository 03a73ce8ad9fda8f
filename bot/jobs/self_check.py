"""The weekly self-check as a periodic job, looked at every ten minutes (bot/jobs/schedule.py)
and run once a week: due-ness and the message on the database thread, the check itself (hashing
every file, walking the chain) in the bot's builder process, so neither the event loop nor
the database thread waits for it."""

from __future__ import annotations

from bot.integrity import check_path
from bot.runtime.context import Resources, system_work
from bot.services.self_check import due_week, publish


async def weekly_self_check(services: Resources) -> None:
    week = await system_work(services, due_week, source="integrity-due")
    if week is None:
        return
    settings = services.settings
    report = await services.builder.run(check_path, settings.database_path, settings.media_dir)
    await system_work(services, publish, week, report, source=f"integrity:{week.isoformat()}")
