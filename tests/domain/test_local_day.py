"""The office's calendar day of a moment (bot/clock.py local_day): every "today" in Duban."""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

from bot.clock import local_day

SHANGHAI = ZoneInfo("Asia/Shanghai")


def test_an_early_morning_in_shanghai_is_already_the_next_day() -> None:
    """23:30 UTC on 31 December is 07:30 on 1 January in the office: a deadline of the 31st
    is past, and the new year's period has begun."""
    assert local_day(datetime(2024, 12, 31, 23, 30, tzinfo=UTC), SHANGHAI) == date(2025, 1, 1)


def test_the_office_day_ends_at_local_midnight_not_utc_midnight() -> None:
    """15:59 UTC is 23:59 in Shanghai (still that day); 16:00 UTC is the next day."""
    assert local_day(datetime(2025, 3, 1, 15, 59, tzinfo=UTC), SHANGHAI) == date(2025, 3, 1)
    assert local_day(datetime(2025, 3, 1, 16, 0, tzinfo=UTC), SHANGHAI) == date(2025, 3, 2)
