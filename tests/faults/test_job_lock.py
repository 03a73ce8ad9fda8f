"""A periodic job that meets a locked database runs again after a pause, said once."""

from __future__ import annotations

import logging
import sqlite3

import pytest

from bot.jobs import schedule as jobs
from bot.jobs.schedule import Job, run_patiently


async def test_job_refused_by_the_lock_runs_again_and_is_logged_once(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    """A reminder pass that finds the database locked twice is not lost until its next
    interval: it runs again after growing pauses, and the log says so once, not per try."""
    monkeypatch.setattr(jobs, "LOCKED_FIRST_PAUSE", 0.01)
    caplog.set_level(logging.INFO, logger="bot.jobs.schedule")
    runs: list[str] = []

    async def sweep(_application: object, _services: object) -> None:
        runs.append("try")
        if len(runs) <= 2:
            raise sqlite3.OperationalError("database is locked")

    await run_patiently(None, None, Job("reminders", 60, sweep))  # type: ignore[arg-type]
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

    async def broken(_application: object, _services: object) -> None:
        runs.append("try")
        raise sqlite3.OperationalError("no such table: items")

    with pytest.raises(sqlite3.OperationalError, match="no such table"):
        await run_patiently(None, None, Job("reminders", 60, broken))  # type: ignore[arg-type]
    assert runs == ["try"]
