"""The last backup taken, kept in ``sweep_state`` for the schedule and ``duban status``.

``last_backup_at`` (UTC, ISO 8601) and ``last_backup_dir`` are written after a backup's
folder is complete, by the daily job and by ``duban backup`` alike. ``backups_watched_since``
is when the bot first looked, so a new installation waits for its first scheduled moment.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import sqlite_utils

from storage.reminders import get_state, set_state

LAST_AT = "last_backup_at"
LAST_DIR = "last_backup_dir"
WATCHED_SINCE = "backups_watched_since"


@dataclass(frozen=True)
class LastBackup:
    at: datetime
    folder: Path


def last_backup(db: sqlite_utils.Database) -> LastBackup | None:
    """The newest backup this database knows it was copied into, or None."""
    at, folder = get_state(db, LAST_AT), get_state(db, LAST_DIR)
    if not at or not folder:
        return None
    return LastBackup(datetime.fromisoformat(at), Path(folder))


def record_backup(db: sqlite_utils.Database, at: datetime, folder: Path) -> None:
    """Remember a finished backup (the folder absolute, as the operator will look for it)."""
    with db.atomic():
        set_state(db, LAST_AT, at.isoformat())
        set_state(db, LAST_DIR, str(folder.resolve()))


def watched_since(db: sqlite_utils.Database, now: datetime) -> datetime:
    """When the schedule was first looked at on this database (``now`` the first time)."""
    seen = get_state(db, WATCHED_SINCE)
    if seen:
        return datetime.fromisoformat(seen)
    set_state(db, WATCHED_SINCE, now.isoformat())
    return now
