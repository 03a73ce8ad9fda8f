"""Working days: the official holiday schedule, 调休 weekends and the office's overrides."""

from __future__ import annotations

from datetime import date

from bot.domain.workdays import WorkCalendar


def test_national_day_is_not_a_workday() -> None:
    """Nobody is reminded on 1 October, a public holiday on a Tuesday."""
    assert not WorkCalendar().is_workday(date(2024, 10, 1))


def test_adjusted_saturday_is_a_workday() -> None:
    """Saturday 2024-10-12 is a 调休 working day, so reminders may go out on it."""
    assert WorkCalendar().is_workday(date(2024, 10, 12))


def test_adjusted_sunday_is_a_workday() -> None:
    """Sunday 2025-01-26 is a 调休 working day before the Spring Festival."""
    assert WorkCalendar().is_workday(date(2025, 1, 26))


def test_ordinary_weekend_is_not_a_workday() -> None:
    """An ordinary Saturday is a rest day."""
    assert not WorkCalendar().is_workday(date(2024, 11, 23))


def test_office_overrides_win_both_ways() -> None:
    """A local holiday or an extra working day entered by the office beats the schedule."""
    calendar = WorkCalendar({date(2024, 11, 20): False, date(2024, 11, 23): True})
    assert not calendar.is_workday(date(2024, 11, 20))
    assert calendar.is_workday(date(2024, 11, 23))
    assert calendar.is_workday(date(2024, 11, 21))


def test_unknown_year_falls_back_to_monday_to_friday() -> None:
    """A year without official data still has working days, and overrides still apply."""
    calendar = WorkCalendar({date(2099, 1, 1): False})
    assert not calendar.covers(2099)
    assert calendar.covers(2024)
    assert not calendar.is_workday(date(2099, 1, 1))  # Thursday, overridden
    assert calendar.is_workday(date(2099, 1, 2))  # Friday
    assert not calendar.is_workday(date(2099, 1, 3))  # Saturday


def test_next_and_previous_workday_skip_the_golden_week() -> None:
    """From inside the National Day week, the next working day is 8 October."""
    calendar = WorkCalendar()
    assert calendar.next_workday(date(2024, 10, 1)) == date(2024, 10, 8)
    assert calendar.next_workday(date(2024, 10, 8)) == date(2024, 10, 8)
    assert calendar.next_workday(date(2024, 10, 8), include_today=False) == date(2024, 10, 9)
    assert calendar.previous_workday(date(2024, 10, 7)) == date(2024, 9, 30)


def test_add_workdays_counts_from_the_day_after() -> None:
    """Two working days after Friday is Tuesday; after 30 September it is 9 October."""
    calendar = WorkCalendar()
    assert calendar.add_workdays(date(2024, 11, 22), 2) == date(2024, 11, 26)
    assert calendar.add_workdays(date(2024, 9, 30), 2) == date(2024, 10, 9)
    assert calendar.add_workdays(date(2024, 10, 9), -2) == date(2024, 9, 30)
    assert calendar.add_workdays(date(2024, 11, 23), 0) == date(2024, 11, 23)


def test_workdays_between_is_the_inverse_of_add_workdays() -> None:
    """Counting working days in (a, b] undoes adding them, including over holidays."""
    calendar = WorkCalendar()
    start = date(2024, 9, 27)
    for n in range(0, 12):
        assert calendar.workdays_between(start, calendar.add_workdays(start, n)) == n
    # 28 Sep (Sat) rest, 29 Sep (Sun, 调休) work, 30 Sep work, 1–7 Oct holiday, 8 Oct work
    assert calendar.workdays_between(date(2024, 9, 27), date(2024, 10, 8)) == 3
    assert calendar.workdays_between(date(2024, 10, 8), date(2024, 9, 27)) == -3
