"""The weekly self-check as a periodic job: due-ness and the message on the database thread,
the check itself (hashing every file, walking the chain) in the report builder process, so
neither the event loop nor the database thread waits for it."""

from __future__ import annotations

from telegram.ext import Application

from bot.context import Services, system_work
from bot.integrity import check_path
from bot.jobs import JOBS, Job
from bot.reports.runner import run_in_builder
from bot.services.self_check import due_week, publish

CHECK_EVERY_SECONDS = 600  # looks whether the week's check is due; runs it once a week


async def weekly_self_check(application: Application, services: Services) -> None:
    week = await system_work(services, due_week, source="integrity-due")
    if week is None:
        return
    settings = services.settings
    report = await run_in_builder(check_path, settings.database_path, settings.media_dir)
    await system_work(services, publish, week, report, source=f"integrity:{week.isoformat()}")


JOBS.append(Job("integrity.weekly", CHECK_EVERY_SECONDS, weekly_self_check))
