"""What counts as healthy: the thresholds ``duban status`` compares its figures with.

The thresholds are constants, not policy settings. The policy is the office's working rules,
edited in /settings by administrators who are not the people who run the machine; these
limits describe the machine and its program (how long an update may wait, how much disk a
database needs) and are the IT person's to read, in the README, not the office's to tune.
Each default is generous enough that a healthy bot never crosses it on a busy day:

- an update waits at most ``INBOX_WAIT`` unprocessed (a failing one is retried three times
  within 36 s, then set aside, which takes it out of the waiting);
- the outbox holds at most ``OUTBOX_BACKLOG`` messages due now, and none has waited since it
  was due for longer than ``OUTBOX_WAIT`` (Telegram's flood limits let a morning push of a
  thousand messages through in well under a minute);
- no update is set aside (each needs a person: ``duban inbox list``);
- at most ``DEAD_RECENT`` messages were given up among those queued in the last
  ``DEAD_WINDOW`` (a person who blocked the bot makes one now and then; more means a fault);
- the reminder pass of the last working day whose push time is past has run, allowing it
  ``REMINDER_GRACE`` to finish;
- the backup of the last scheduled moment was taken, allowing it ``BACKUP_GRACE``;
- every file system holding the database or the evidence has ``DISK_FREE`` left.

Which figures may make a container "unhealthy" is said here too (``RESTART_MENDS``): only
those a restart of the bot can mend — its own work standing still. A backup overdue, a low
disk, a set-aside update or a late reminder pass need a person; an orchestrator restarting
the bot over them would only interrupt it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, tzinfo

from bot.domain.backups import latest_moment
from bot.domain.workdays import WorkCalendar

INBOX_WAIT = timedelta(minutes=5)
OUTBOX_BACKLOG = 1000
OUTBOX_WAIT = timedelta(minutes=15)
DEAD_RECENT = 10
DEAD_WINDOW = timedelta(days=7)
REMINDER_GRACE = timedelta(hours=1)
BACKUP_GRACE = timedelta(hours=2)
DISK_FREE = 1024**3  # bytes: 1 GiB

# Figure names a restart can mend (``duban status --health-check``), by their prefix.
RESTART_MENDS = ("database", "inbox", "outbox")
# How far back the reminder rule looks for a working day (the longest holiday is 8 days).
_LOOK_BACK_DAYS = 31


@dataclass(frozen=True)
class Figure:
    """One figure compared with its threshold. ``name`` says what it is (``inbox.telegram``,
    ``disk``…); ``value`` and ``limit`` are numbers (seconds, counts or bytes) or ISO text,
    as ``duban status --format json`` prints them; ``key`` and ``values`` are the catalogue
    line saying it in a person's language."""

    name: str
    ok: bool
    value: float | int | str | None
    limit: float | int | str | None
    key: str
    values: dict[str, object]

    @property
    def restart_mends(self) -> bool:
        return self.name.split(".")[0] in RESTART_MENDS

    def as_json(self) -> dict[str, object]:
        """The figure as ``duban status --format json`` and ``/healthz`` show it."""
        return {
            "name": self.name,
            "ok": self.ok,
            "value": self.value,
            "threshold": self.limit,
            "restart_mends": self.restart_mends,
        }


def waited_too_long(oldest: datetime | None, now: datetime, limit: timedelta) -> bool:
    """Whether the oldest waiting thing (None: nothing waits) has waited past ``limit``."""
    return oldest is not None and now - oldest > limit


def expected_pass_day(
    now: datetime, tz: tzinfo, push_at: time, calendar: WorkCalendar, grace: timedelta
) -> date | None:
    """The last working day whose reminder pass should have run by ``now``: the sweep runs
    once each working day at the policy's push time, and is given ``grace`` to finish. None
    when no working day was found in a month (a calendar of holidays only)."""
    local = (now - grace).astimezone(tz)
    day = local.date()
    if local.time() < push_at:
        day -= timedelta(days=1)
    for _ in range(_LOOK_BACK_DAYS):
        if calendar.is_workday(day):
            return day
        day -= timedelta(days=1)
    return None


def reminder_pass_late(
    last_day: date | None, expected: date | None, since: datetime | None, tz: tzinfo
) -> bool:
    """Whether the expected reminder pass is missing. A database younger than the expected
    pass (``since``: when it was made) has not missed it: a new installation waits for its
    first working day's push."""
    if expected is None or (last_day is not None and last_day >= expected):
        return False
    return not (since is not None and since.astimezone(tz).date() >= expected)


def backup_overdue(
    last: datetime | None, now: datetime, at: time, tz: tzinfo, grace: timedelta
) -> bool:
    """Whether the backup of the last scheduled moment (``grace`` ago or earlier) is still
    missing. ``last`` is the last backup, or before the first when the bot first looked at
    the schedule; None (the bot never looked) counts as missing."""
    return last is None or last < latest_moment(now - grace, at, tz)


def disk_low(free: int, limit: int = DISK_FREE) -> bool:
    return free < limit
