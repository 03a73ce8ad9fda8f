"""When the daily backup is due, what its folder is called, and which old ones go.

Plain rules for bot/backup.py (the copying) and bot/services/backups.py (the schedule):
a backup is due once per local day at the policy's ``backup_time``; one missed while the
bot was down is taken at its first look after. Each backup is a folder named by the UTC
moment it was taken, so names sort in time order on any machine and in any time zone,
and only folders with such a name are ever deleted.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, time, timedelta, tzinfo

PREFIX = "duban-"
_NAME = re.compile(r"duban-(\d{8})-(\d{6})Z(?:-(\d+))?")
PARTIAL = ".partial"  # a folder still being written: never restored, deleted when stale


def folder_name(at: datetime, number: int = 1) -> str:
    """``duban-20261207-030000Z``; a second backup in the same second gets ``-2``."""
    stamp = at.astimezone(UTC).strftime("%Y%m%d-%H%M%S")
    return f"{PREFIX}{stamp}Z" + (f"-{number}" if number > 1 else "")


def is_backup_name(name: str) -> bool:
    """Whether a folder name is one this program gave a finished backup."""
    return _NAME.fullmatch(name) is not None


def _order(name: str) -> tuple[str, str, int]:
    match = _NAME.fullmatch(name)
    assert match is not None
    return match.group(1), match.group(2), int(match.group(3) or 1)


def to_delete(names: list[str], keep: int) -> list[str]:
    """The backups beyond the newest ``keep``, oldest first; other names are not ours."""
    ours = sorted((name for name in names if is_backup_name(name)), key=_order)
    return ours[: max(len(ours) - keep, 0)]


def newest(names: list[str]) -> str | None:
    """The newest finished backup among the names, or None."""
    ours = sorted((name for name in names if is_backup_name(name)), key=_order)
    return ours[-1] if ours else None


def stale_partials(names: list[str], taken: str) -> list[str]:
    """Unfinished folders of backups started before the one named ``taken``: a crash or a
    full disk stopped them. A later one may be another backup still being written."""
    return [
        name
        for name in names
        if name.endswith(PARTIAL)
        and is_backup_name(unfinished := name.removesuffix(PARTIAL))
        and _order(unfinished) < _order(taken)
    ]


def latest_moment(now: datetime, at: time, tz: tzinfo) -> datetime:
    """The last moment at or before ``now`` when a backup was scheduled: today's
    ``backup_time`` in the office's time zone, or yesterday's if today's is still ahead."""
    local = now.astimezone(tz)
    today = datetime.combine(local.date(), at, tzinfo=tz)
    if today <= local:
        return today
    return datetime.combine(local.date() - timedelta(days=1), at, tzinfo=tz)


def is_due(now: datetime, at: time, tz: tzinfo, last: datetime) -> bool:
    """Whether the backup of the latest scheduled moment is still to be taken. ``last`` is
    the last backup taken, or, before the first, when the bot first looked (a new
    installation waits for its first scheduled moment, as the other daily jobs do)."""
    return last < latest_moment(now, at, tz)
