"""The running bot's schedule is the one list in bot/jobs/schedule.py, and the list is what we mean.

Jobs used to register themselves when their module happened to be imported; a module
dropped from an import line silently stopped its job. Now ``PERIODIC_JOBS`` is the whole
schedule: these tests pin its names and intervals (tests, logs and operators call jobs by
name) and check that the scheduler of a started bot holds exactly those jobs (less the
evidence downloads of a front-end it does not run), each allowed the second instance that
lets a run still waiting for a lock skip quietly. The scheduler is the bot's own, not PTB's
JobQueue: a bot on DingTalk alone has it too (tests/dingtalk/test_background_jobs.py).
"""

from __future__ import annotations

from datetime import timedelta

import pytest

from bot.jobs.schedule import PERIODIC_JOBS
from tests.harness import Duban

# Name → seconds between runs. A change here is a change of behaviour: say why in the commit.
SCHEDULE = {
    "reminders": 60,
    "evidence.download": 5,
    # DingTalk's files are fetched when their message is committed; this is the safety net.
    "evidence.download.dingtalk": 60,
    "visits.idle": 60,
    "invitations.forget_links": 5,
    "report-jobs": 1,
    "report-files": 3600,
    "integrity.weekly": 600,
    "retention": 86400,
    "backups": 600,
    "health.alerts": 60,
}


def test_the_list_names_every_job_once_with_its_interval() -> None:
    """Every job the bot relies on is in PERIODIC_JOBS once, at its interval."""
    names = [job.name for job in PERIODIC_JOBS]
    assert len(names) == len(set(names))
    assert {job.name: job.every_seconds for job in PERIODIC_JOBS} == SCHEDULE


def scheduled(duban: Duban) -> dict[str, timedelta]:
    """Name → interval of the jobs the started bot's scheduler holds, each checked to allow
    the second instance (the one that returns at once while the first waits)."""
    assert duban.runtime is not None and duban.runtime.jobs is not None
    jobs = duban.runtime.jobs.scheduler.get_jobs()
    assert {job.max_instances for job in jobs} == {2}
    assert len({job.name for job in jobs}) == len(jobs)
    return {job.name: job.trigger.interval for job in jobs}


def intervals(*leaving_out: str) -> dict[str, timedelta]:
    return {
        name: timedelta(seconds=seconds)
        for name, seconds in SCHEDULE.items()
        if name not in leaving_out
    }


async def test_a_started_bot_schedules_exactly_the_listed_jobs(duban: Duban) -> None:
    """After start-up the bot's scheduler holds one repeating job per entry of the list, at
    its interval; on Telegram alone, DingTalk's evidence downloads are not among them."""
    assert scheduled(duban) == intervals("evidence.download.dingtalk")


async def test_run_job_runs_a_listed_job_by_name(duban: Duban) -> None:
    """``run_job`` finds jobs in the same list the scheduler uses: every listed name runs
    (on a fresh database each finds nothing to do), and a name not in it is refused."""
    assert duban.runtime is not None
    for name in SCHEDULE:
        await duban.runtime.run_job(name)
    with pytest.raises(KeyError, match="no-such-job"):
        await duban.runtime.run_job("no-such-job")
