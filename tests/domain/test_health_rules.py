"""What counts as past a threshold (bot/domain/health.py), alone: the late reminder pass
over weekends and holidays, the overdue backup with its grace, a wait past its limit."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from bot.domain import health as rules
from bot.domain.workdays import WorkCalendar

SHANGHAI = ZoneInfo("Asia/Shanghai")
PUSH = time(9, 0)
HOUR = timedelta(hours=1)


def _at(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=SHANGHAI)


def test_the_pass_due_is_todays_once_the_push_time_and_its_grace_are_past() -> None:
    calendar = WorkCalendar()
    tuesday = date(2024, 6, 4)
    assert rules.expected_pass_day(_at(tuesday, 9, 30), SHANGHAI, PUSH, calendar, HOUR) == (
        date(2024, 6, 3)
    )
    assert rules.expected_pass_day(_at(tuesday, 10, 1), SHANGHAI, PUSH, calendar, HOUR) == tuesday


def test_over_a_weekend_and_a_holiday_the_pass_due_stays_the_last_working_days() -> None:
    """Saturday 8 June to Monday 10 June 2024 (Dragon Boat Festival): Friday's pass is the
    last one due until Tuesday's push time."""
    calendar = WorkCalendar()
    friday = date(2024, 6, 7)
    for day in (date(2024, 6, 8), date(2024, 6, 9), date(2024, 6, 10)):
        assert rules.expected_pass_day(_at(day, 15), SHANGHAI, PUSH, calendar, HOUR) == friday
    assert rules.expected_pass_day(_at(date(2024, 6, 11), 8), SHANGHAI, PUSH, calendar, HOUR) == (
        friday
    )
    # The office's own override counts: a Saturday declared a working day.
    worked = WorkCalendar({date(2024, 6, 8): True})
    saturday = date(2024, 6, 8)
    assert rules.expected_pass_day(_at(saturday, 11), SHANGHAI, PUSH, worked, HOUR) == saturday


def test_a_pass_is_late_only_when_the_due_one_is_missing_from_an_older_database() -> None:
    due = date(2024, 6, 7)
    made_long_ago = _at(date(2024, 1, 2), 10)
    assert not rules.reminder_pass_late(due, due, made_long_ago, SHANGHAI)
    assert rules.reminder_pass_late(date(2024, 6, 6), due, made_long_ago, SHANGHAI)
    assert rules.reminder_pass_late(None, due, made_long_ago, SHANGHAI)
    # A database made on the due day (after its push) has not missed that pass.
    assert not rules.reminder_pass_late(None, due, _at(due, 16), SHANGHAI)
    assert not rules.reminder_pass_late(None, None, made_long_ago, SHANGHAI)


def test_a_backup_is_overdue_once_its_moment_and_the_grace_have_passed() -> None:
    three = time(3, 0)
    grace = timedelta(hours=2)
    monday = date(2024, 6, 3)
    yesterdays = _at(date(2024, 6, 2), 3, 4)
    # Monday 04:30: today's 03:00 backup is still within its two hours.
    assert not rules.backup_overdue(yesterdays, _at(monday, 4, 30), three, SHANGHAI, grace)
    assert rules.backup_overdue(yesterdays, _at(monday, 5, 1), three, SHANGHAI, grace)
    assert not rules.backup_overdue(_at(monday, 3, 2), _at(monday, 23), three, SHANGHAI, grace)
    assert rules.backup_overdue(None, _at(monday, 23), three, SHANGHAI, grace)


def test_a_wait_is_past_its_limit_only_beyond_it() -> None:
    now = _at(date(2024, 6, 3), 12)
    limit = timedelta(minutes=5)
    assert not rules.waited_too_long(None, now, limit)
    assert not rules.waited_too_long(now - limit, now, limit)
    assert rules.waited_too_long(now - limit - timedelta(seconds=1), now, limit)
    assert rules.disk_low(rules.DISK_FREE - 1) and not rules.disk_low(rules.DISK_FREE)


def test_only_the_bots_own_work_standing_still_is_for_a_restart() -> None:
    def named(name: str) -> rules.Figure:
        return rules.Figure(name, False, None, None, "health.set_aside", {})

    mended = [
        n for n in ("inbox.telegram", "outbox.dingtalk", "database") if named(n).restart_mends
    ]
    assert mended == ["inbox.telegram", "outbox.dingtalk", "database"]
    for other in ("backup", "disk", "set_aside", "dead", "reminders"):
        assert not named(other).restart_mends
