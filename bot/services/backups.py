"""The daily backup's schedule, read and written on the database thread.

``due`` says whether today's backup (at the policy's ``backup_time``, office time) is still
to be taken and where it goes; the copying runs in the builder process (bot/backup.py),
and ``record`` remembers it for the schedule and for ``duban status``. A failed backup is
not recorded, so the next look (ten minutes later) tries again.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from bot.backup import BackupReport, resolve_folder
from bot.domain.backups import is_due
from bot.runtime.work import Work
from storage import backups as store

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Plan:
    """A backup to take now: where, stamped when, and how many to keep."""

    folder: Path
    at: datetime
    keep: int


def due(work: Work, database_path: Path) -> Plan | None:
    """Today's backup if it is still to be taken, else None."""
    last = store.last_backup(work.db)
    since = last.at if last is not None else store.watched_since(work.db, work.at)
    policy = work.policy
    if not is_due(work.at, policy.backup_time, work.tz, since):
        return None
    return Plan(resolve_folder(policy.backup_dir, database_path), work.at, policy.backup_keep)


def record(work: Work, report: BackupReport) -> None:
    """Remember a finished backup; say in the log what it holds and what it left out."""
    store.record_backup(work.db, report.taken_at, report.folder)
    log.info(
        "backup %s: %d evidence files (%d linked), %d older removed",
        report.folder,
        report.files,
        report.linked,
        len(report.deleted),
    )
    for problem in report.problems:
        log.warning("backup %s left out a file: %s %s", report.folder, problem.kind, problem.values)
