"""Running report jobs without holding anyone up.

Updates are processed one at a time, so a handler that built a 10 000-item workbook itself
would make every other person wait. Instead the request commits a job row (with a "working
on it…" reply) and returns at once; this runner, woken every second by a periodic job,
builds pending jobs one after another off the event loop with a read-only SQLite
connection of their own, then delivers the result in one transaction on the database
thread: the outbox rows (pointing at files already on disk) and the job marked done. A
crash anywhere leaves the job pending, and it is built again.

Builds run in the bot's builder process (bot/builders/pool.py, ``services.builder``), not
on the event loop and not in a thread: its own GIL and collector keep every chat responsive
while a 10 000-item workbook is made.
"""

from __future__ import annotations

import asyncio
import contextlib
import importlib
import logging
import shutil
from datetime import timedelta

from telegram.error import TelegramError

from bot.builders.build import IN, OUT, BuildContext, Builder, Result
from bot.chat import Address, ChatAction
from bot.domain.lifecycle import DomainError
from bot.domain.people import TELEGRAM
from bot.i18n import t
from bot.logs import redact
from bot.platforms import RENDERERS
from bot.runtime.context import Resources, system_work
from bot.runtime.work import Work
from bot.services import delivery
from storage import outbox, people, report_jobs
from storage.db import connect
from storage.report_jobs import MAX_ATTEMPTS, ReportJob

log = logging.getLogger(__name__)

# Each kind's builder as "module:function", imported in the builder process when first
# needed: the bot's own process never loads matplotlib, openpyxl or fpdf (tens of MB).
BUILDERS: dict[str, str] = {
    "report": "bot.builders.summary:build_report",
    "ranking": "bot.builders.notice:build_preview",
    "notice": "bot.builders.notice:build_issue",
    "dossier": "bot.builders.dossier:build_dossier",
    "export": "bot.builders.export_job:build_export",
    "import": "bot.builders.import_preview:build_preview",
    "import_apply": "bot.builders.import_preview:build_apply",
    "weekly": "bot.builders.weekly_report:build_weekly",
    "digest": "bot.builders.digest_picture:build_digest",
}
# The chat action shown while a job runs ("sending a photo…"); Telegram shows it ~5 s,
# DingTalk has none.
ACTIONS = {
    "report": "upload_photo",
    "ranking": "upload_document",
    "notice": "upload_document",
    "dossier": "upload_document",
    "export": "upload_document",
    "import": "typing",
    "import_apply": "typing",
    "weekly": "upload_document",
    "digest": "upload_photo",
}
ACTION_EVERY_S = 4.5
KEEP_FILES = timedelta(days=2)


async def build_off_loop(
    services: Resources, kind: str, context: BuildContext, job: ReportJob
) -> Result:
    """Build a job in the bot's builder process (started again if it died, e.g. out of memory)."""
    return await services.builder.run(build, kind, context, job)


async def tick(services: Resources) -> None:
    """Start draining pending jobs unless a drain is already running (periodic job).

    The drain is background work (bot/runtime/background.py): a stopping bot waits for
    the build under way to be delivered, and no second drain starts beside it."""
    services.background.start_once("report-jobs", lambda: drain(services))


async def drain(services: Resources) -> None:
    """Build pending jobs, oldest first, until none is left (or the bot stops)."""
    failed_now: list[int] = []
    while services.background.running:
        job = await services.store.run(report_jobs.next_pending, tuple(failed_now))
        if job is None:
            return
        if not await run_job(services, job):
            failed_now.append(job.id)  # tried again at the next tick, not in a tight loop


async def run_job(services: Resources, job: ReportJob) -> bool:
    """Build and deliver one job; False if it failed and stays pending for another try."""
    attempt = await services.store.run(report_jobs.start_attempt, job.id)
    context = BuildContext(
        db_path=services.settings.database_path,
        media_dir=services.settings.media_dir,
        tz=services.settings.timezone,
        now=services.clock.now(),
        bot_username=services.bot_username,
    )
    action = asyncio.create_task(_show_action(services, job.chat, ACTIONS[job.kind]))
    try:
        if job.kind == "import":
            from bot.builders import sheet_download  # openpyxl: only when a sheet comes in

            await sheet_download.download(services, context, job)
        result = await build_off_loop(services, job.kind, context, job)
    except DomainError as error:
        result = Result(t(job.language, error.key), failed=True)
    except Exception as error:  # a bug or a bad file must not stop the other jobs
        log.exception("report job %s (%s) failed, attempt %s", job.id, job.kind, attempt)
        failure = redact(repr(error), services.settings.token)
        await services.store.run(report_jobs.record_error, job.id, failure)
        if attempt < MAX_ATTEMPTS:
            return False
        result = Result(t(job.language, "report.failed"), failed=True)
    finally:
        action.cancel()
    try:
        await system_work(services, deliver, job.id, result, source=f"job:{job.id}")
    except Exception as error:  # e.g. an import that no longer applies: nothing was written
        log.exception("report job %s (%s) could not be delivered", job.id, job.kind)
        reason = redact(repr(error), services.settings.token)
        await services.store.run(report_jobs.record_error, job.id, reason)
        if attempt < MAX_ATTEMPTS:
            return False
        failure = Result(t(job.language, "report.failed"), failed=True)
        await system_work(services, deliver, job.id, failure, source=f"job:{job.id}:failed")
    return True


def build(kind: str, context: BuildContext, job: ReportJob) -> Result:
    """In the builder process: a read-only connection of its own, closed afterwards."""
    module, name = BUILDERS[kind].split(":")
    builder: Builder = getattr(importlib.import_module(module), name)
    db = connect(context.db_path, read_only=True)
    try:
        return builder(context, job, db)
    finally:
        db.close()


async def _show_action(services: Resources, to: Address, activity: str) -> None:
    """The chat action, again every few seconds until the job is done (it fades after ~5 s).

    Only Telegram has chat actions: DingTalk's renderer makes no call for one, and its
    person simply sees the "working on it…" reply until the result comes."""
    calls = RENDERERS[to.platform].render(ChatAction(activity), to.id, "")
    bot = services.telegram_bot
    if to.platform != TELEGRAM or bot is None or not calls:
        return
    ((method, payload),) = calls
    with contextlib.suppress(TelegramError):
        while True:
            # Lower case: PTB passes the rendered JSON through as it is (as the sender does).
            await bot.do_api_request(method.lower(), api_kwargs=payload)
            await asyncio.sleep(ACTION_EVERY_S)


def deliver(work: Work, job_id: int, result: Result) -> None:
    """On the database thread: queue the result and finish the job, in one commit."""
    job = report_jobs.get(work.db, job_id)
    if job is None or job.status != "pending":
        return  # delivered before a crash
    work.lang = job.language
    work.person = people.by_id(work.db, job.person_id)
    text, keyboard = result.text, result.keyboard
    if result.commit is not None and not result.failed:
        text, keyboard = result.commit(work)
    key = f"job:{job.id}:text"
    if result.files_first:
        _queue_files(work, job, result)
    message_id = outbox.sent_message_id(work.db, job.progress_key)
    if message_id is not None:
        work.edit(
            job.chat, message_id, text, keyboard=keyboard, key=key, button_owner=job.person_id
        )
    else:
        work.send(job.chat, text, keyboard=keyboard, key=key, button_owner=job.person_id)
    if not result.files_first:
        _queue_files(work, job, result)
    report_jobs.finish(work.db, job.id, "failed" if result.failed else "done", work.at)


def _queue_files(work: Work, job: ReportJob, result: Result) -> None:
    for number, send in enumerate(result.sends):
        delivery.queue_file(work, job.chat, send, key=f"job:{job.id}:{number}")


async def sweep_files(services: Resources) -> None:
    """Remove files of jobs finished more than KEEP_FILES ago, once nothing waits on them."""
    before = services.clock.now() - KEEP_FILES
    for job_id in await services.store.run(report_jobs.finished_before, before):
        for kind in (OUT, IN):
            folder = services.settings.media_dir / kind / str(job_id)
            if not folder.exists():
                continue
            if await services.store.run(report_jobs.file_still_queued, str(folder)):
                continue
            await asyncio.to_thread(shutil.rmtree, folder, True)
