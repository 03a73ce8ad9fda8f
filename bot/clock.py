"""Time, passed in rather than read from the wall, so tests can move it."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, tzinfo
from typing import Protocol


def local_day(moment: datetime, tz: tzinfo) -> date:
    """The calendar day ``moment`` falls on where the office is (``tz``, Asia/Shanghai).

    Moments are stored in UTC, but deadlines, reminders and reports count the office's days:
    at 07:00 Beijing time it is still yesterday in UTC. Every "today" (``local_day(work.at,
    work.tz)``) and every "the day it was closed" goes through here, so none forgets the
    conversion.
    """
    return moment.astimezone(tz).date()


class Clock(Protocol):
    def now(self) -> datetime:
        """The current moment, timezone-aware, in UTC."""
        ...


class SystemClock:
    def now(self) -> datetime:
        return datetime.now(UTC)


class FakeClock:
    """A clock that only moves when told to."""

    def __init__(self, start: datetime) -> None:
        if start.tzinfo is None:
            raise ValueError("FakeClock needs an aware datetime")
        self._now = start.astimezone(UTC)

    def now(self) -> datetime:
        return self._now

    def set(self, moment: datetime) -> None:
        self._now = moment.astimezone(UTC)

    def advance(self, delta: timedelta) -> None:
        self._now += delta
