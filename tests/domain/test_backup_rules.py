"""The daily backup's rules (bot/domain/backups.py): due once a day at the office's time,
named by the UTC moment, and only our own finished backups ever deleted."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

from bot.domain.backups import (
    PARTIAL,
    folder_name,
    is_due,
    latest_moment,
    newest,
    stale_partials,
    to_delete,
)

SHANGHAI = ZoneInfo("Asia/Shanghai")
THREE = time(3, 0)


def _local(day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2026, 12, day, hour, minute, tzinfo=SHANGHAI)


def test_names_are_the_utc_moment_and_sort_in_time_order() -> None:
    """03:00 in Shanghai is 19:00 UTC the day before; a second backup in the same second
    gets a number, and sorting by name and number is sorting by time."""
    assert folder_name(_local(7, 3)) == "duban-20261206-190000Z"
    assert folder_name(_local(7, 3), 2) == "duban-20261206-190000Z-2"
    names = ["duban-20261206-190000Z-10", "duban-20261206-190000Z-2", "duban-20261205-190000Z"]
    assert newest(names) == "duban-20261206-190000Z-10"
    assert to_delete(names, 1) == ["duban-20261205-190000Z", "duban-20261206-190000Z-2"]


def test_only_our_own_finished_backups_are_deleted() -> None:
    """The operator's folders, half-written backups and look-alikes are never pruned."""
    names = ["notes", "duban-20261201-190000Z", "duban-x", "duban-20261202-190000Z" + PARTIAL]
    assert to_delete(names, 0) == ["duban-20261201-190000Z"]
    assert to_delete(names, 7) == []


def test_only_unfinished_folders_older_than_the_new_backup_are_stale() -> None:
    """A crash left one .partial behind; a backup started after this one may still run."""
    names = ["duban-20261201-190000Z" + PARTIAL, "duban-20261203-190000Z" + PARTIAL]
    assert stale_partials(names, "duban-20261202-190000Z") == [names[0]]


def test_due_once_a_day_at_the_office_time() -> None:
    """Due from 03:00 until the day's backup is taken; a backup taken at 03:00 serves
    until the next 03:00; a day missed while the bot was down is taken at the first look."""
    assert latest_moment(_local(7, 2, 59), THREE, SHANGHAI) == _local(6, 3)
    assert latest_moment(_local(7, 3), THREE, SHANGHAI) == _local(7, 3)
    taken = _local(6, 3, 5).astimezone(UTC)
    assert not is_due(_local(7, 2, 59), THREE, SHANGHAI, taken)
    assert is_due(_local(7, 3), THREE, SHANGHAI, taken)
    assert not is_due(_local(7, 3, 10), THREE, SHANGHAI, _local(7, 3, 5))
    assert is_due(_local(9, 14), THREE, SHANGHAI, taken)


def test_a_new_installation_waits_for_its_first_backup_time() -> None:
    """Looked at first on a Monday at 10:00: nothing until Tuesday 03:00."""
    first_look = _local(7, 10)
    assert not is_due(first_look + timedelta(hours=16, minutes=59), THREE, SHANGHAI, first_look)
    assert is_due(first_look + timedelta(hours=17), THREE, SHANGHAI, first_look)
