"""A periodic job that meets a locked database runs again after a pause, said once; the
scheduler starts no second run of a job still waiting, logs a failed run, and lets the runs
under way finish when the bot stops."""

from __future__ import annotations

import asyncio
import logging
import sqlite3
from types import SimpleNamespace

import pytest

from bot.jobs import schedule as jobs
from bot.jobs.schedule import Job, JobScheduler, run_patiently


async def test_job_refused_by_the_lock_runs_again_and_is_logged_once(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    """A reminder pass that finds the database locked twice is not lost until its next
    interval: it runs again after growing pauses, and the log says so once, not per try."""
    monkeypatch.setattr(jobs, "LOCKED_FIRST_PAUSE", 0.01)
    caplog.set_level(logging.INFO, logger="bot.jobs.schedule")
    runs: list[str] = []

    async def sweep(_services: object) -> None:
        runs.append("try")
        if len(runs) <= 2:
            raise sqlite3.OperationalError("database is locked")

    await run_patiently(None, Job("reminders", 60, sweep))  # type: ignore[arg-type]
    assert runs == ["try", "try", "try"]
    said = [r.getMessage() for r in caplog.records]
    assert said == [
        "periodic job reminders waits for the database lock",
        "periodic job reminders ran after the database lock was released",
    ]


async def test_job_failing_otherwise_is_not_retried_here() -> None:
    """Any other error is the job's own: it propagates (the scheduler logs it and the job
    runs at its next interval), instead of being retried as if it were a lock."""
    runs: list[str] = []

    async def broken(_services: object) -> None:
        runs.append("try")
        raise sqlite3.OperationalError("no such table: items")

    with pytest.raises(sqlite3.OperationalError, match="no such table"):
        await run_patiently(None, Job("reminders", 60, broken))  # type: ignore[arg-type]
    assert runs == ["try"]


async def test_the_scheduler_runs_a_job_once_at_a_time_and_logs_its_failures(
    caplog: pytest.LogCaptureFixture,
) -> None:
    """A job due every 50 ms whose first run waits is not started beside it; a job that
    fails is logged and runs again at its next interval; stopping waits for the run under
    way, then no job runs any more."""
    caplog.set_level(logging.ERROR, logger="bot.jobs.schedule")
    release = asyncio.Event()
    slow_runs: list[str] = []
    broken_runs: list[str] = []

    async def slow(_services: object) -> None:
        slow_runs.append("run")
        await release.wait()

    async def broken(_services: object) -> None:
        broken_runs.append("run")
        raise RuntimeError("a bug in the job")

    services = SimpleNamespace(settings=None)
    scheduler = JobScheduler(services, (Job("slow", 0.05, slow), Job("broken", 0.05, broken)))  # type: ignore[arg-type]
    scheduler.start()
    await asyncio.sleep(1.0)  # the first runs half a second after the start, then every 50 ms
    assert slow_runs == ["run"]
    assert len(broken_runs) >= 2
    failures = [r.getMessage() for r in caplog.records]
    assert "periodic job broken failed; it runs again at its next interval" in failures
    stopping = asyncio.create_task(scheduler.stop())
    await asyncio.sleep(0.2)
    assert not stopping.done()  # the slow run is under way: it is let finish
    release.set()
    await asyncio.wait_for(stopping, 5)
    assert not scheduler.running
    runs = len(broken_runs)
    await asyncio.sleep(0.2)
    assert len(broken_runs) == runs and slow_runs == ["run"]
