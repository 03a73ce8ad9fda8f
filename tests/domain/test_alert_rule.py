"""When a health figure's change is told (bot/domain/alerts.py): a crossing once it held at
two looks of the minute job, a clearing once it held ten minutes, a flap cancels a clearing
under way, and the watch survives being written and read back (a restart)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from bot.config import listen_address
from bot.domain.alerts import PAST, WITHIN, Watch, look

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
MINUTE = timedelta(minutes=1)


def run(seen: list[tuple[timedelta, bool]], watch: Watch | None = None) -> list[str | None]:
    """What is told at each look: (time since T0, figure within its threshold)."""
    watch = watch or Watch()
    told = []
    for after, ok in seen:
        watch, tell = look(Watch.from_text(watch.to_text()), ok, T0 + after)
        told.append(tell)
    return told


def test_a_crossing_is_told_at_the_second_look_a_minute_later() -> None:
    assert run([(0 * MINUTE, False), (MINUTE, False), (2 * MINUTE, False)]) == [
        None,
        PAST,
        None,
    ]


def test_one_bad_look_is_told_nothing() -> None:
    assert run([(0 * MINUTE, False), (MINUTE, True), (2 * MINUTE, False)]) == [None] * 3


def test_a_clearing_waits_ten_quiet_minutes_and_a_flap_starts_them_again() -> None:
    watch = Watch(PAST)
    seen = [
        (0 * MINUTE, True),
        (5 * MINUTE, False),  # past again: the clearing under way is cancelled
        (6 * MINUTE, True),
        (15 * MINUTE, True),
        (16 * MINUTE, True),
        (17 * MINUTE, True),
    ]
    assert run(seen, watch) == [None, None, None, None, WITHIN, None]


def test_listen_address_reads_host_and_port() -> None:
    assert listen_address("127.0.0.1:8089") == ("127.0.0.1", 8089)
    assert listen_address("[::1]:8089") == ("::1", 8089)
    assert listen_address("8089") is None
    assert listen_address("localhost:http") is None
    assert listen_address("localhost:70000") is None
