"""Which local dates are working days, so reminders never land on a public holiday.

China moves weekends around its public holidays (调休): some Saturdays and Sundays are working
days and some weekdays are holidays. ``chinese_calendar`` knows the State Council's published
schedule; the office's own overrides (a local holiday, a late announcement) always win. For
years the package has no data for yet (it raises NotImplementedError) we fall back to
Monday–Friday plus overrides rather than stop reminding; ``covers`` tells the admin screen
when that is happening so someone can enter the holidays by hand.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Mapping
from datetime import date, timedelta
from types import MappingProxyType

import chinese_calendar

_ONE_DAY = timedelta(days=1)
# No real calendar has ten years without a working day; a longer search means bad overrides.
_SEARCH_LIMIT_DAYS = 3660


class WorkCalendar:
    """Working days from the official schedule, corrected by the office's overrides."""

    __slots__ = ("_derived", "_known", "_overrides")

    def __init__(self, overrides: Mapping[date, bool] | None = None) -> None:
        """``overrides`` maps a date to True (working day) or False (holiday)."""
        self._overrides: Mapping[date, bool] = MappingProxyType(dict(overrides or {}))
        # Answers already looked up: the sweep walks the same weeks for every item, and the
        # package validates its argument on every call.
        self._known: dict[date, bool] = {}
        # Answers other rules derive from this calendar alone (see ``derived``).
        self._derived: dict[Hashable, date] = {}

    @property
    def overrides(self) -> Mapping[date, bool]:
        return self._overrides

    def is_workday(self, day: date) -> bool:
        known = self._known.get(day)
        if known is None:
            known = self._known[day] = self._look_up(day)
        return known

    def _look_up(self, day: date) -> bool:
        override = self._overrides.get(day)
        if override is not None:
            return override
        try:
            return bool(chinese_calendar.is_workday(day))
        except NotImplementedError:
            return day.weekday() < 5

    def derived(self, key: Hashable, compute: Callable[[], date]) -> date:
        """``compute()``, kept under ``key`` for as long as this calendar lives. A sweep reads
        a fresh calendar and asks about many items with the same few deadlines (quarter ends,
        6-30, 12-31), twice each; a rule whose answer depends only on the calendar and on
        what ``key`` holds computes it once per sweep."""
        known = self._derived.get(key)
        if known is None:
            known = self._derived[key] = compute()
        return known

    def covers(self, year: int) -> bool:
        """Whether the official holiday schedule for ``year`` is known to the package."""
        try:
            chinese_calendar.is_workday(date(year, 6, 1))
        except NotImplementedError:
            return False
        return True

    def next_workday(self, day: date, include_today: bool = True) -> date:
        """The first working day on or after ``day`` (strictly after it without include_today)."""
        return self._search(day if include_today else day + _ONE_DAY, _ONE_DAY)

    def previous_workday(self, day: date, include_today: bool = True) -> date:
        """The last working day on or before ``day`` (strictly before without include_today)."""
        return self._search(day if include_today else day - _ONE_DAY, -_ONE_DAY)

    def add_workdays(self, day: date, n: int) -> date:
        """The ``n``-th working day after ``day`` (before it when n < 0); ``day`` itself is not
        counted, so a request sent on Friday with two working days to answer is due on Tuesday.
        ``n == 0`` returns ``day`` unchanged."""
        step = _ONE_DAY if n >= 0 else -_ONE_DAY
        for _ in range(abs(n)):
            day = self._search(day + step, step)
        return day

    def workdays_between(self, start: date, end: date) -> int:
        """How many working days lie in (start, end]: the inverse of ``add_workdays``, so
        ``workdays_between(d, add_workdays(d, n)) == n``. Negative when end is before start."""
        if end < start:
            return -self.workdays_between(end, start)
        count = 0
        day = start + _ONE_DAY
        while day <= end:
            count += self.is_workday(day)
            day += _ONE_DAY
        return count

    def _search(self, day: date, step: timedelta) -> date:
        for _ in range(_SEARCH_LIMIT_DAYS):
            if self.is_workday(day):
                return day
            day += step
        raise ValueError(f"no working day within {_SEARCH_LIMIT_DAYS} days of {day}")
