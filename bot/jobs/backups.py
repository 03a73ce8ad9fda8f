"""The daily backup as a periodic job, looked at every ten minutes (bot/jobs/schedule.py):
due-ness and the record on the database thread, the copy itself (SQLite's online backup,
hashing and linking every evidence file) in the bot's builder process, so neither the
event loop nor the database thread waits for it."""

from __future__ import annotations

from bot.backup import take
from bot.runtime.context import Resources, system_work
from bot.services import backups


async def daily_backup(services: Resources) -> None:
    settings = services.settings
    plan = await system_work(services, backups.due, settings.database_path, source="backup-due")
    if plan is None:
        return
    report = await services.builder.run(
        take, settings.database_path, settings.media_dir, plan.folder, plan.at, plan.keep
    )
    await system_work(services, backups.record, report, source="backup")
