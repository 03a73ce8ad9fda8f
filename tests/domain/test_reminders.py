"""The reminder ladder, push times, quiet hours and the one-message-a-day digest."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from bot.domain.lifecycle import Status
from bot.domain.policy import Policy
from bot.domain.reminders import (
    Recurrence,
    ReminderItem,
    ReminderReason,
    ack_deadline,
    ack_overdue,
    bundle,
    defer_out_of_quiet,
    due_between,
    in_quiet_hours,
    is_due,
    next_push_time,
    next_reminder_date,
    next_weekly_digest_time,
)
from bot.domain.workdays import WorkCalendar

SHANGHAI = ZoneInfo("Asia/Shanghai")
POLICY = Policy.defaults()
CALENDAR = WorkCalendar()


class WeekdaysOnly(WorkCalendar):
    """A plain Monday–Friday calendar, so the ladder can be read without holidays."""

    def is_workday(self, day: date) -> bool:
        return day.weekday() < 5


def item(
    deadline: date | None,
    *,
    code: str = "A-1",
    status: Status = Status.OPEN,
    recurring: Recurrence | None = None,
    ongoing: bool = False,
) -> ReminderItem:
    return ReminderItem(1, code, deadline, status, recurring=recurring, ongoing=ongoing)


def ladder(
    subject: ReminderItem, start: date, end: date, calendar: WorkCalendar = CALENDAR
) -> list[tuple[date, str, int]]:
    """Every reminder in (start, end] with its kind and days, walked as the sweep would."""
    found = []
    day = next_reminder_date(subject, start, POLICY, calendar)
    while day is not None and day <= end:
        reason = is_due(subject, day, POLICY, calendar)
        assert reason is not None
        found.append((day, reason.kind, reason.days))
        day = next_reminder_date(subject, day, POLICY, calendar)
    return found


def local(year: int, month: int, day: int, hour: int, minute: int) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=SHANGHAI)


# --- the ladder ------------------------------------------------------------------------------


def test_full_ladder_before_on_and_after_the_deadline() -> None:
    """Due Friday 22 Nov: reminded 7, 3, 1 days ahead, on the day, then every 3 working
    days counted from the deadline (a weekend is not counted)."""
    subject = item(date(2024, 11, 22))
    expected = [
        (date(2024, 11, 15), "before", 7),
        (date(2024, 11, 19), "before", 3),
        (date(2024, 11, 21), "before", 1),
        (date(2024, 11, 22), "due_today", 0),
        (date(2024, 11, 27), "overdue", 5),  # Mon, Tue, Wed
        (date(2024, 12, 2), "overdue", 10),  # Thu, Fri, Mon
        (date(2024, 12, 5), "overdue", 13),
        (date(2024, 12, 10), "overdue", 18),
    ]
    assert ladder(subject, date(2024, 11, 1), date(2024, 12, 10), WeekdaysOnly()) == expected
    assert ladder(subject, date(2024, 11, 1), date(2024, 12, 10)) == expected


def test_overdue_reminders_never_stop_while_open() -> None:
    """A year after the deadline the item is still chased every few days (督办不停)."""
    subject = item(date(2024, 11, 22))
    later = next_reminder_date(subject, date(2025, 11, 22), POLICY, CALENDAR)
    assert later is not None
    assert date(2025, 11, 22) < later <= date(2025, 11, 28)
    reason = is_due(subject, later, POLICY, CALENDAR)
    assert reason is not None
    assert (reason.kind, reason.level) == ("overdue", "red")


def test_weekend_before_reminder_moves_earlier() -> None:
    """A 3-days-ahead reminder falling on Sunday comes on Friday, while there is still time."""
    subject = item(date(2024, 11, 20))
    reason = is_due(subject, date(2024, 11, 15), POLICY, CALENDAR)
    assert reason == ReminderReason("before", 5, "none")
    assert is_due(subject, date(2024, 11, 17), POLICY, CALENDAR) is None


def test_public_holiday_moves_before_reminders_to_the_last_working_day() -> None:
    """Due 10 Oct: the 7- and 3-day reminders fall in the National Day week, so 30 Sep."""
    subject = item(date(2024, 10, 10))
    assert ladder(subject, date(2024, 9, 20), date(2024, 10, 12)) == [
        (date(2024, 9, 30), "before", 10),
        (date(2024, 10, 9), "before", 1),
        (date(2024, 10, 10), "due_today", 0),
    ]


def test_deadline_on_a_holiday_is_reminded_on_the_next_working_day() -> None:
    """Due 3 Oct (holiday): the on-the-day reminder comes on 8 Oct and says 5 days overdue."""
    subject = item(date(2024, 10, 3))
    assert is_due(subject, date(2024, 10, 3), POLICY, CALENDAR) is None
    assert is_due(subject, date(2024, 10, 8), POLICY, CALENDAR) == ReminderReason(
        "overdue", 5, "yellow"
    )
    assert next_reminder_date(subject, date(2024, 10, 8), POLICY, CALENDAR) == date(2024, 10, 11)


def test_adjusted_saturday_counts_as_a_working_day() -> None:
    """Due Tue 15 Oct: the 3-day reminder lands on 调休 Saturday 12 Oct and goes out then."""
    subject = item(date(2024, 10, 15))
    assert is_due(subject, date(2024, 10, 12), POLICY, CALENDAR) == ReminderReason(
        "before", 3, "none"
    )
    assert is_due(subject, date(2024, 10, 11), POLICY, CALENDAR) is None


def test_extension_moves_the_whole_ladder() -> None:
    """After an extension to 20 Dec, reminders follow the new date and stop chasing the old."""
    extended = item(date(2024, 12, 20))
    assert next_reminder_date(extended, date(2024, 11, 20), POLICY, CALENDAR) == date(2024, 12, 13)
    assert is_due(extended, date(2024, 11, 25), POLICY, CALENDAR) is None


def test_closed_and_waiting_items_are_not_reminded() -> None:
    """Closed items, and items waiting for a verifier, send the contact nothing."""
    for status in (Status.CLOSED, Status.CLOSE_REQUESTED):
        subject = item(date(2024, 11, 22), status=status, recurring="monthly", ongoing=True)
        assert next_reminder_date(subject, date(2024, 11, 1), POLICY, CALENDAR) is None
        assert is_due(subject, date(2024, 11, 22), POLICY, CALENDAR) is None


def test_item_without_date_or_rhythm_has_no_ladder() -> None:
    """An undated item that is neither recurring nor ongoing is not reminded by date."""
    assert next_reminder_date(item(None), date(2024, 11, 1), POLICY, CALENDAR) is None


def test_monthly_recurring_item_at_each_month_end() -> None:
    """A monthly report is asked for on the month's last working day (31 Mar 2024 is Sunday)."""
    subject = item(None, recurring="monthly")
    dates = [day for day, _, _ in ladder(subject, date(2024, 1, 1), date(2024, 6, 30))]
    assert dates == [
        date(2024, 1, 31),
        date(2024, 2, 29),
        date(2024, 3, 29),
        date(2024, 4, 30),
        date(2024, 5, 31),
        date(2024, 6, 28),
    ]
    reason = is_due(subject, date(2024, 3, 29), POLICY, CALENDAR)
    assert reason == ReminderReason("recurring", 2, "none", date(2024, 3, 31))


def test_quarterly_recurring_item_at_each_quarter_end() -> None:
    """A quarterly report is asked for at the end of March, June, September and December."""
    subject = item(None, recurring="quarterly")
    dates = [day for day, _, _ in ladder(subject, date(2024, 1, 1), date(2024, 12, 31))]
    assert dates == [date(2024, 3, 29), date(2024, 6, 28), date(2024, 9, 30), date(2024, 12, 31)]


def test_ongoing_item_gets_a_monthly_progress_request() -> None:
    """长期坚持 items are asked for progress on the last working day of each month."""
    subject = item(None, ongoing=True)
    assert is_due(subject, date(2024, 11, 29), POLICY, CALENDAR) == ReminderReason(
        "ongoing", 1, "none", date(2024, 11, 30)
    )
    assert next_reminder_date(subject, date(2024, 11, 29), POLICY, CALENDAR) == date(2024, 12, 31)
    quarterly = Policy(ongoing_progress_every="quarterly")
    assert next_reminder_date(subject, date(2024, 10, 1), quarterly, CALENDAR) == date(2024, 12, 31)
    off = Policy(ongoing_progress_every="off")
    assert next_reminder_date(subject, date(2024, 10, 1), off, CALENDAR) is None


def test_deadline_reason_wins_over_a_period_reason() -> None:
    """An ongoing item that is also overdue is listed as overdue, the thing to act on."""
    subject = item(date(2024, 11, 26), ongoing=True)
    reason = is_due(subject, date(2024, 11, 29), POLICY, CALENDAR)
    assert reason == ReminderReason("overdue", 3, "yellow")


# --- catch-up after downtime ---------------------------------------------------------------


def test_catch_up_after_three_days_down_sends_the_current_state_once() -> None:
    """After Tue–Thu down, Friday's digest says "2 days overdue" once, not three messages."""
    last_sweep, today = date(2024, 11, 18), date(2024, 11, 22)
    late = item(date(2024, 11, 20), code="A-1")  # rungs 19 and 20 Nov were missed
    quiet = item(date(2024, 12, 31), code="A-2")  # nothing fell in the gap
    assert is_due(late, today, POLICY, CALENDAR) is None  # not a rung day by itself
    assert due_between(late, last_sweep, today, POLICY, CALENDAR) == ReminderReason(
        "overdue", 2, "yellow"
    )
    assert due_between(quiet, last_sweep, today, POLICY, CALENDAR) is None


def test_missed_month_end_is_reported_with_its_period() -> None:
    """A month-end request missed while down is still sent, naming the month it was for."""
    subject = item(None, recurring="monthly")
    reason = due_between(subject, date(2024, 10, 30), date(2024, 11, 4), POLICY, CALENDAR)
    assert reason == ReminderReason("recurring", -4, "none", date(2024, 10, 31))


def test_second_sweep_on_the_same_day_sends_nothing() -> None:
    """A restart after the morning push does not push the same reminders again."""
    subject = item(date(2024, 11, 22))
    day = date(2024, 11, 22)
    assert due_between(subject, day, day, POLICY, CALENDAR) is None
    assert due_between(subject, None, day, POLICY, CALENDAR) == ReminderReason(
        "due_today", 0, "none"
    )


def test_is_due_is_a_one_day_catch_up() -> None:
    """A normal daily sweep and is_due agree on every day of a season."""
    subject = item(date(2024, 10, 10), recurring="monthly")
    day = date(2024, 9, 1)
    while day < date(2024, 12, 1):
        previous = day - timedelta(days=1)
        assert is_due(subject, day, POLICY, CALENDAR) == due_between(
            subject, previous, day, POLICY, CALENDAR
        )
        day += timedelta(days=1)


# --- the digest --------------------------------------------------------------------------


def test_bundle_puts_the_most_urgent_first() -> None:
    """The digest opens with the longest overdue, then due today, then soonest due."""
    entries = [
        (item(None, code="ongoing"), ReminderReason("ongoing", 1, "none", date(2024, 11, 30))),
        (item(None, code="B-1"), ReminderReason("before", 7, "none")),
        (item(None, code="A-10"), ReminderReason("before", 1, "none")),
        (item(None, code="A-2"), ReminderReason("before", 1, "none")),
        (item(None, code="today"), ReminderReason("due_today", 0, "none")),
        (item(None, code="late"), ReminderReason("overdue", 5, "yellow")),
        (item(None, code="later"), ReminderReason("overdue", 40, "red")),
        (item(None, code="month"), ReminderReason("recurring", 0, "none", date(2024, 11, 30))),
    ]
    order = [subject.code for subject, _ in bundle(entries)]
    assert order == ["later", "late", "today", "A-2", "A-10", "B-1", "month", "ongoing"]


# --- acknowledgement ---------------------------------------------------------------------


def test_acknowledgement_is_late_after_two_working_days() -> None:
    """Sent on Friday, an item must be acknowledged by Tuesday; Wednesday it is late."""
    sent = date(2024, 11, 22)
    assert ack_deadline(sent, POLICY, CALENDAR) == date(2024, 11, 26)
    assert not ack_overdue(sent, date(2024, 11, 26), POLICY, CALENDAR)
    assert ack_overdue(sent, date(2024, 11, 27), POLICY, CALENDAR)


# --- push times and quiet hours ----------------------------------------------------------


def test_push_time_later_today_on_a_working_day() -> None:
    """Before 09:00 on a working day, the digest goes out at 09:00 that day."""
    assert next_push_time(local(2024, 11, 22, 7, 0), POLICY, CALENDAR, SHANGHAI) == local(
        2024, 11, 22, 9, 0
    )


def test_push_time_at_exactly_nine_is_now() -> None:
    """The moment itself counts, so a sweep started at 09:00 UTC+8 is not pushed a day."""
    now = datetime(2024, 11, 22, 1, 0, tzinfo=UTC)  # 09:00 in Shanghai
    assert next_push_time(now, POLICY, CALENDAR, SHANGHAI) == now


def test_push_time_skips_the_weekend() -> None:
    """After Friday's push, the next is Monday 09:00."""
    assert next_push_time(local(2024, 11, 22, 10, 0), POLICY, CALENDAR, SHANGHAI) == local(
        2024, 11, 25, 9, 0
    )


def test_push_time_skips_the_national_day_holiday() -> None:
    """On the evening of 30 Sep the next push is 8 Oct: 1–7 Oct are public holidays."""
    assert next_push_time(local(2024, 9, 30, 21, 0), POLICY, CALENDAR, SHANGHAI) == local(
        2024, 10, 8, 9, 0
    )


def test_push_time_on_an_adjusted_sunday() -> None:
    """Sunday 29 Sep 2024 is a 调休 working day, so the digest goes out that morning."""
    assert next_push_time(local(2024, 9, 28, 12, 0), POLICY, CALENDAR, SHANGHAI) == local(
        2024, 9, 29, 9, 0
    )


def test_weekly_digest_moves_off_a_holiday_monday() -> None:
    """Monday 7 Oct is a holiday, so that week's digest goes out on Tuesday 8 Oct."""
    assert next_weekly_digest_time(local(2024, 9, 30, 10, 0), POLICY, CALENDAR, SHANGHAI) == (
        local(2024, 10, 8, 9, 0)
    )
    assert next_weekly_digest_time(local(2024, 11, 18, 8, 0), POLICY, CALENDAR, SHANGHAI) == (
        local(2024, 11, 18, 9, 0)
    )


def test_urgent_message_late_at_night_waits_until_morning() -> None:
    """At 21:30 an urgent notice is held until 08:00 the next day."""
    now = local(2024, 11, 22, 21, 30)
    assert in_quiet_hours(now, POLICY, SHANGHAI)
    assert defer_out_of_quiet(now, POLICY, SHANGHAI) == local(2024, 11, 23, 8, 0)


def test_urgent_message_just_before_eight_waits_a_minute() -> None:
    """At 07:59 an urgent notice goes out at 08:00 the same morning."""
    assert defer_out_of_quiet(local(2024, 11, 22, 7, 59), POLICY, SHANGHAI) == local(
        2024, 11, 22, 8, 0
    )


def test_urgent_message_in_the_day_goes_now() -> None:
    """At noon an urgent notice is sent at once, weekend or not."""
    now = local(2024, 11, 23, 12, 0)
    assert not in_quiet_hours(now, POLICY, SHANGHAI)
    assert defer_out_of_quiet(now, POLICY, SHANGHAI) == now


def test_quiet_hours_boundaries() -> None:
    """Quiet hours start at 21:00 sharp and end at 08:00 sharp."""
    assert in_quiet_hours(local(2024, 11, 22, 21, 0), POLICY, SHANGHAI)
    assert not in_quiet_hours(local(2024, 11, 22, 8, 0), POLICY, SHANGHAI)
    assert not in_quiet_hours(local(2024, 11, 22, 20, 59), POLICY, SHANGHAI)
    daytime = Policy(quiet_start=time(12, 0), quiet_end=time(13, 0))
    assert in_quiet_hours(local(2024, 11, 22, 12, 30), daytime, SHANGHAI)


def test_naive_time_is_refused() -> None:
    """A clock without a time zone is a bug that would push at the wrong hour."""
    with pytest.raises(ValueError, match="aware datetime"):
        next_push_time(datetime(2024, 11, 22, 9, 0), POLICY, CALENDAR, SHANGHAI)
