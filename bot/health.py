"""The figures ``duban status`` reports, read from the database and the machine.

Each reading is a plain function of a database connection (opened read-only by the caller,
so it works beside the running bot) and ``now``; each returns Figures already compared with
their thresholds (bot/domain/health.py says what counts as past one and why). Later, the
administrators' notices on crossing a threshold are built on the same functions.
"""

from __future__ import annotations

import os
import shutil
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import sqlite_utils

from bot.config import Settings
from bot.domain import health as rules
from bot.domain.health import Figure
from bot.domain.people import DINGTALK, TELEGRAM
from storage import backups, reminders
from storage.policy import load_policy
from storage.rows import fetch_value


def figures(db: sqlite_utils.Database, settings: Settings, now: datetime) -> list[Figure]:
    """Every figure, in the order ``duban status`` prints them."""
    platforms = configured_platforms(settings, db)
    return [
        *(inbox_wait(db, platform, now) for platform in platforms),
        *(outbox_backlog(db, platform, now) for platform in platforms),
        dead_messages(db, now),
        set_aside_updates(db),
        reminder_pass(db, settings.timezone, now),
        last_backup(db, settings.timezone, now),
        *disk_space([settings.database_path, settings.media_dir]),
    ]


def configured_platforms(settings: Settings, db: sqlite_utils.Database) -> list[str]:
    """The front-ends configured, and any other whose rows are in the inbox or outbox (a
    front-end turned off with work still waiting)."""
    named = [TELEGRAM] if settings.token else []
    if settings.dingtalk_configured:
        named.append(DINGTALK)
    for table in ("inbox", "outbox"):
        rows = db.execute(f"SELECT DISTINCT platform FROM {table} WHERE status = 'pending'")
        named += [platform for (platform,) in rows if platform not in named]
    return named


def _moment(text: str | None) -> datetime | None:
    if not text:
        return None
    moment = datetime.fromisoformat(text)
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _seconds(since: datetime | None, now: datetime) -> int:
    return 0 if since is None else max(0, int((now - since).total_seconds()))


def inbox_wait(db: sqlite_utils.Database, platform: str, now: datetime) -> Figure:
    """How long the oldest update of ``platform`` has waited unprocessed."""
    oldest = _moment(
        fetch_value(
            db,
            "SELECT min(received_at) FROM inbox WHERE status = 'pending' AND platform = ?",
            [platform],
        )
    )
    limit = rules.INBOX_WAIT
    waited = _seconds(oldest, now)
    return Figure(
        f"inbox.{platform}",
        not rules.waited_too_long(oldest, now, limit),
        waited,
        int(limit.total_seconds()),
        "health.inbox" if oldest else "health.inbox_empty",
        {"platform": platform, "waited": _duration(waited), "limit": _duration(limit)},
    )


def outbox_backlog(db: sqlite_utils.Database, platform: str, now: datetime) -> Figure:
    """How many of ``platform``'s messages are due and unsent, and how long the oldest has
    waited since it was first due (a failing one since its first failure; one held for the
    end of quiet hours is not due yet and does not count)."""
    count, first_due = db.execute(
        "SELECT count(*), min(coalesce(failing_since, not_before)) FROM outbox "
        "WHERE status = 'pending' AND platform = ? "
        "AND julianday(coalesce(failing_since, not_before)) <= julianday(?)",
        [platform, now.astimezone(UTC).isoformat()],
    ).fetchone()
    oldest = _moment(first_due)
    waited = _seconds(oldest, now)
    limit = rules.OUTBOX_WAIT
    ok = count <= rules.OUTBOX_BACKLOG and not rules.waited_too_long(oldest, now, limit)
    return Figure(
        f"outbox.{platform}",
        ok,
        count,
        rules.OUTBOX_BACKLOG,
        "health.outbox" if count else "health.outbox_empty",
        {
            "platform": platform,
            "count": count,
            "waited": _duration(waited),
            "most": rules.OUTBOX_BACKLOG,
            "limit": _duration(limit),
        },
    )


def dead_messages(db: sqlite_utils.Database, now: datetime) -> Figure:
    """Messages given up among those queued within the window, and in all."""
    since = (now - rules.DEAD_WINDOW).astimezone(UTC).isoformat()
    recent, total = db.execute(
        "SELECT count(*) FILTER (WHERE julianday(created_at) >= julianday(?)), count(*) "
        "FROM outbox WHERE status = 'dead'",
        [since],
    ).fetchone()
    return Figure(
        "dead",
        recent <= rules.DEAD_RECENT,
        recent,
        rules.DEAD_RECENT,
        "health.dead",
        {
            "count": recent,
            "days": rules.DEAD_WINDOW.days,
            "total": total,
            "most": rules.DEAD_RECENT,
        },
    )


def set_aside_updates(db: sqlite_utils.Database) -> Figure:
    count = fetch_value(db, "SELECT count(*) FROM inbox WHERE status = 'set_aside'") or 0
    return Figure("set_aside", count == 0, count, 0, "health.set_aside", {"count": count})


def created_at(db: sqlite_utils.Database) -> datetime | None:
    """When the database was made: its first migration's moment (kept across upgrades)."""
    return _moment(fetch_value(db, "SELECT min(applied_at) FROM _sqlite_migrations"))


def reminder_pass(db: sqlite_utils.Database, tz: ZoneInfo, now: datetime) -> Figure:
    """The day of the last reminder pass against the working day whose pass is due."""
    policy = load_policy(db)
    last = reminders.get_day(db, "last_sweep_day")
    expected = rules.expected_pass_day(
        now, tz, policy.daily_push_time, reminders.calendar(db), rules.REMINDER_GRACE
    )
    late = rules.reminder_pass_late(last, expected, created_at(db), tz)
    return Figure(
        "reminders",
        not late,
        last.isoformat() if last else None,
        expected.isoformat() if expected else None,
        "health.reminders" if last else "health.reminders_never",
        {
            "last": last.isoformat() if last else "",
            "expected": expected.isoformat() if expected else "",
            "at": f"{policy.daily_push_time:%H:%M}",
        },
    )


def last_backup(db: sqlite_utils.Database, tz: ZoneInfo, now: datetime) -> Figure:
    """The last backup against the policy's daily moment. Before the first backup, the
    schedule counts from when the bot first looked at it, or from the database's making."""
    policy = load_policy(db)
    taken = backups.last_backup(db)
    since = (
        taken.at
        if taken is not None
        else _moment(reminders.get_state(db, backups.WATCHED_SINCE)) or created_at(db)
    )
    overdue = rules.backup_overdue(since, now, policy.backup_time, tz, rules.BACKUP_GRACE)
    shown = f"{taken.at.astimezone(tz):%Y-%m-%d %H:%M}" if taken else ""
    return Figure(
        "backup",
        not overdue,
        taken.at.astimezone(UTC).isoformat() if taken else None,
        f"{policy.backup_time:%H:%M}",
        "health.backup" if taken else "health.backup_never",
        {
            "at": shown,
            "folder": str(taken.folder) if taken else "",
            "time": f"{policy.backup_time:%H:%M}",
            "grace": _duration(rules.BACKUP_GRACE),
        },
    )


def existing(path: Path) -> Path:
    """``path`` or its nearest existing parent: where it will live, once made."""
    path = path.absolute()
    while not path.exists() and path != path.parent:
        path = path.parent
    return path


def disk_space(paths: list[Path]) -> list[Figure]:
    """Free space on each file system holding one of ``paths`` (one figure per file system,
    naming every path on it)."""
    by_device: dict[int, list[Path]] = {}
    for path in paths:
        by_device.setdefault(os.stat(existing(path)).st_dev, []).append(path)
    shown = []
    for on_it in by_device.values():
        free = shutil.disk_usage(existing(on_it[0])).free
        shown.append(
            Figure(
                "disk",
                not rules.disk_low(free),
                free,
                rules.DISK_FREE,
                "health.disk",
                {
                    "paths": ", ".join(str(path) for path in on_it),
                    "free": _size(free),
                    "least": _size(rules.DISK_FREE),
                },
            )
        )
    return shown


def _duration(span: timedelta | int) -> str:
    """A wait as an operator reads it: 45s, 12m, 3h05m, 2d04h."""
    seconds = int(span.total_seconds()) if isinstance(span, timedelta) else span
    if seconds < 60:
        return f"{seconds}s"
    minutes = seconds // 60
    if minutes < 60:
        return f"{minutes}m"
    hours, minutes = divmod(minutes, 60)
    if hours < 24:
        return f"{hours}h{minutes:02d}m"
    days, hours = divmod(hours, 24)
    return f"{days}d{hours:02d}h"


def _size(count: int) -> str:
    """Bytes in GiB (or MiB below one GiB), as ``df -h`` shows them."""
    if count >= 1024**3:
        return f"{count / 1024**3:.1f} GiB"
    return f"{count / 1024**2:.0f} MiB"


def database_unreadable(path: Path, reason: str | None) -> Figure:
    """The figure standing for all the others when the database cannot be read (``reason``
    None: there is no database file at all)."""
    if reason is None:
        return Figure("database", False, None, None, "health.database_none", {"path": path})
    return Figure(
        "database", False, None, None, "health.database", {"path": path, "reason": reason}
    )


def database_not_current(path: Path) -> Figure:
    """The figure standing for all the others when the database's schema is not this
    version's (not upgraded yet, or written by a newer Duban): ``duban doctor`` says which."""
    return Figure("database", False, None, None, "health.database_schema", {"path": path})
