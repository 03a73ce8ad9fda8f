"""Each overdue item keeps its own rhythm, counted from its own deadline (issue 14).

Every overdue item used to come back on Mondays and Thursdays, so one sweep a week carried
them all. These tests read the ladder as a contact lives it: when the reminders come, how
far apart, and how a holiday moves them.
"""

from __future__ import annotations

from collections import Counter
from datetime import date, timedelta
from itertools import pairwise

from bot.domain.lifecycle import Status
from bot.domain.policy import Policy, parse_setting
from bot.domain.reminders import (
    ReminderItem,
    due_between,
    is_due,
    next_reminder_date,
    overdue_standing,
)
from bot.domain.workdays import WorkCalendar

POLICY = Policy.defaults()
CALENDAR = WorkCalendar()


def item(deadline: date, item_id: int = 1) -> ReminderItem:
    return ReminderItem(item_id, f"A-{item_id}", deadline, Status.IN_PROGRESS)


def overdue_days(
    subject: ReminderItem, start: date, end: date, calendar: WorkCalendar = CALENDAR
) -> list[date]:
    """The days in (start, end] on which the item is reminded as overdue."""
    days = []
    day = next_reminder_date(subject, start, POLICY, calendar)
    while day is not None and day <= end:
        reason = is_due(subject, day, POLICY, calendar)
        assert reason is not None
        if reason.kind == "overdue":
            days.append(day)
        day = next_reminder_date(subject, day, POLICY, calendar)
    return days


def test_items_due_on_different_days_come_back_on_different_days() -> None:
    """Due Monday, Tuesday and Wednesday of one week: their reminders never share a day."""
    monday = date(2024, 5, 6)
    rhythms = [
        set(overdue_days(item(monday + timedelta(days=n)), monday, date(2024, 6, 28)))
        for n in range(3)
    ]
    assert all(rhythms)
    assert not rhythms[0] & rhythms[1]
    assert not rhythms[1] & rhythms[2]
    assert not rhythms[0] & rhythms[2]


def test_a_month_of_overdue_items_spreads_evenly_over_the_working_week() -> None:
    """Sixty items that fell due over two months: every working day of June carries about a
    third of them, none more than a few items above another."""
    deadlines = [date(2024, 4, 1) + timedelta(days=n) for n in range(60)]
    load: Counter[date] = Counter()
    for n, deadline in enumerate(deadlines):
        for day in overdue_days(item(deadline, n), date(2024, 6, 2), date(2024, 6, 30)):
            load[day] += 1
    june_workdays = [
        date(2024, 6, d) for d in range(3, 31) if CALENDAR.is_workday(date(2024, 6, d))
    ]
    counts = [load[day] for day in june_workdays]
    assert set(load) <= set(june_workdays)  # never on a weekend or the Dragon Boat holiday
    assert min(counts) >= 16
    assert max(counts) <= 24  # the old rhythm put all 60 on one day, none on the next


def test_no_two_reminders_are_closer_than_the_set_interval() -> None:
    """For a deadline on every day of 2024, with the real holidays and makeup workdays, the
    on-the-day reminder and the overdue ones that follow are at least 3 days apart."""
    every = timedelta(days=POLICY.overdue_every_days)
    for n in range(366):
        deadline = date(2024, 1, 1) + timedelta(days=n)
        subject = item(deadline)
        sent = [CALENDAR.next_workday(deadline)]
        sent += overdue_days(subject, sent[0], deadline + timedelta(days=60))
        assert len(sent) >= 8, deadline
        gaps = [later - earlier for earlier, later in pairwise(sent)]
        assert min(gaps) >= every, (deadline, sent)


def test_a_holiday_delays_the_rhythm_instead_of_bunching_it() -> None:
    """Due Monday 30 Sep 2024, the day before the National Day week (1–7 Oct): nothing during
    the holiday, then Thu 10 Oct (three working days on), then Mon 14 Oct, since Saturday
    12 Oct is a makeup working day (调休) and counts."""
    subject = item(date(2024, 9, 30))
    assert overdue_days(subject, date(2024, 9, 30), date(2024, 10, 20)) == [
        date(2024, 10, 10),
        date(2024, 10, 14),
        date(2024, 10, 17),
    ]


def test_an_office_holiday_moves_the_rung_and_the_rhythm_after_it() -> None:
    """The office declares Thursday 7 Nov a local holiday: the rung due that day comes on
    Friday, and the next one is three working days after it, not sooner."""
    deadline = date(2024, 11, 4)  # a Monday
    plain = overdue_days(item(deadline), deadline, date(2024, 11, 20))
    assert plain[:2] == [date(2024, 11, 7), date(2024, 11, 12)]
    holiday = WorkCalendar({date(2024, 11, 7): False})
    moved = overdue_days(item(deadline), deadline, date(2024, 11, 20), holiday)
    assert moved[:2] == [date(2024, 11, 8), date(2024, 11, 13)]


def test_after_downtime_one_reminder_then_the_rhythm_carries_on() -> None:
    """Down for two weeks: the first sweep back sends one reminder that says how overdue the
    item is today, and the next comes on the item's own rhythm, not three days later."""
    deadline = date(2024, 11, 4)
    subject = item(deadline)
    back = date(2024, 11, 25)
    reason = due_between(subject, date(2024, 11, 8), back, POLICY, CALENDAR)
    assert reason is not None and (reason.kind, reason.days) == ("overdue", 21)
    rhythm = overdue_days(subject, deadline, date(2024, 12, 31))
    following = next_reminder_date(subject, back, POLICY, CALENDAR)
    assert following == min(day for day in rhythm if day > back)
    assert due_between(subject, back, back, POLICY, CALENDAR) is None


def test_a_newly_assigned_item_already_late_says_so_on_any_day() -> None:
    """The first notice of an item is not bound to the rhythm: an item overdue since
    20 May, assigned on 3 June (not one of its rungs), is described as 14 days overdue;
    one not yet due has no such reason."""
    late = item(date(2024, 5, 20))
    assert is_due(late, date(2024, 6, 3), POLICY, CALENDAR) is None
    reason = overdue_standing(late, date(2024, 6, 3), POLICY)
    assert reason is not None and (reason.kind, reason.days) == ("overdue", 14)
    assert overdue_standing(item(date(2024, 6, 30)), date(2024, 6, 3), POLICY) is None


def test_the_interval_may_be_written_in_working_days() -> None:
    """The setting counts working days, and the office may say so when setting it."""
    assert parse_setting("overdue_every_days", "4个工作日") == 4
    assert parse_setting("overdue_every_days", "4 working days") == 4
    assert parse_setting("overdue_every_days", "4天") == 4
