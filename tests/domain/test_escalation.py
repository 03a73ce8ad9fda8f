"""An item's colour: yellow once overdue, red when long overdue, never lower than marked."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pytest

from bot.domain.escalation import (
    derived_level,
    effective_level,
    first_red_day,
    item_level,
    level_rank,
    level_why,
    level_with_manual,
    manual_choices,
    turned_red,
)
from bot.domain.lifecycle import Status

DEADLINE = date(2024, 11, 20)


def test_not_coloured_up_to_and_on_the_deadline() -> None:
    """An item due today is not yet late."""
    assert derived_level(DEADLINE, date(2024, 11, 19), Status.OPEN, 30) == "none"
    assert derived_level(DEADLINE, DEADLINE, Status.OPEN, 30) == "none"


def test_yellow_the_day_after_the_deadline() -> None:
    """The first day past the deadline makes an item yellow."""
    assert derived_level(DEADLINE, date(2024, 11, 21), Status.IN_PROGRESS, 30) == "yellow"


def test_red_when_overdue_more_than_the_threshold() -> None:
    """30 days overdue is still yellow; the 31st day makes it red (提级监督)."""
    assert derived_level(DEADLINE, date(2024, 12, 20), Status.OPEN, 30) == "yellow"
    assert derived_level(DEADLINE, date(2024, 12, 21), Status.OPEN, 30) == "red"
    assert first_red_day(DEADLINE, 30) == date(2024, 12, 21)


def test_closed_and_undated_items_are_not_coloured_by_time() -> None:
    """A closed item or a 长期坚持 item without a date never turns yellow by itself."""
    assert derived_level(DEADLINE, date(2025, 6, 1), Status.CLOSED, 30) == "none"
    assert derived_level(None, date(2025, 6, 1), Status.OPEN, 30) == "none"


def test_waiting_for_verification_keeps_the_colour() -> None:
    """Asking for close-out does not hide that the item is late until it is verified."""
    assert derived_level(DEADLINE, date(2024, 12, 25), Status.CLOSE_REQUESTED, 30) == "red"


def test_effective_level_is_the_highest() -> None:
    """A sheet's or a leader's mark is never hidden by a calmer colour from time."""
    assert effective_level("blue", "none", "yellow") == "yellow"
    assert effective_level("blue", "red", "none") == "red"
    assert effective_level(None, None, "none") == "none"
    assert effective_level("blue", None, "none") == "blue"


def test_unknown_level_is_a_bug() -> None:
    """A misspelt colour is caught at once instead of sorting silently as lowest."""
    with pytest.raises(ValueError, match="unknown level 'orange'"):
        level_rank("orange")


def test_turned_red_fires_once_on_the_crossing() -> None:
    """Leaders get the urgent notice on the day an item turns red, not every day after."""
    assert turned_red(DEADLINE, Status.OPEN, 30, date(2024, 12, 20), date(2024, 12, 21))
    assert not turned_red(DEADLINE, Status.OPEN, 30, date(2024, 12, 21), date(2024, 12, 22))
    assert not turned_red(DEADLINE, Status.OPEN, 30, date(2024, 12, 19), date(2024, 12, 20))


def test_turned_red_is_caught_after_downtime() -> None:
    """If the bot was down when the item crossed the line, the notice still goes out once."""
    assert turned_red(DEADLINE, Status.OPEN, 30, date(2024, 12, 18), date(2024, 12, 23))
    assert not turned_red(DEADLINE, Status.OPEN, 30, date(2024, 12, 23), date(2024, 12, 23))


def test_already_red_by_hand_does_not_turn_red() -> None:
    """An item a leader already marked red raises no second "turned red" notice."""
    assert not turned_red(
        DEADLINE, Status.OPEN, 30, date(2024, 12, 20), date(2024, 12, 21), manual_level="red"
    )


@dataclass(frozen=True)
class _Row:
    """The four fields an item's colour is worked out from (an Item or a ReminderItem)."""

    deadline: date | None
    status: Status
    sheet_level: str = "none"
    manual_level: str = "none"


def test_an_items_level_is_the_highest_of_time_sheet_and_hand() -> None:
    """item_level, the one place a colour is worked out from an item: late items turn yellow
    then red, a sheet's or a hand-raised colour is never lowered by time, closed stays calm."""
    late = date(2024, 11, 21)
    assert item_level(_Row(DEADLINE, Status.OPEN), late, 30) == "yellow"
    assert item_level(_Row(DEADLINE, Status.OPEN), date(2024, 12, 21), 30) == "red"
    assert item_level(_Row(DEADLINE, Status.OPEN, sheet_level="red"), DEADLINE, 30) == "red"
    assert item_level(_Row(DEADLINE, Status.OPEN, manual_level="blue"), DEADLINE, 30) == "blue"
    assert item_level(_Row(None, Status.OPEN), late, 30) == "none"
    assert item_level(_Row(DEADLINE, Status.CLOSED), date(2024, 12, 21), 30) == "none"


def test_why_names_every_source_that_reaches_the_shown_colour() -> None:
    """Red by 40 days overdue and by hand at once names both; a hand-set blue under a
    deadline's yellow is not what the item shows, so the colour is not "by hand"."""
    today = date(2024, 12, 30)
    both = level_why(_Row(DEADLINE, Status.OPEN, manual_level="red"), today, 30)
    assert both == ("red", 40, False, True)
    lower = level_why(_Row(DEADLINE, Status.OPEN, manual_level="blue"), date(2024, 11, 25), 30)
    assert lower == ("yellow", 5, False, False)
    sheet = level_why(_Row(None, Status.OPEN, sheet_level="blue"), today, 30)
    assert sheet == ("blue", 0, True, False)
    assert level_why(_Row(DEADLINE, Status.OPEN), DEADLINE, 30) == ("none", 0, False, False)


def test_a_level_set_by_hand_never_shows_below_the_deadline_or_the_sheet() -> None:
    """Lowering by hand to blue (or clearing) leaves an overdue item yellow, a sheet's
    yellow yellow; on an item not yet due it shows what was set."""
    overdue = _Row(DEADLINE, Status.OPEN, manual_level="red")
    assert level_with_manual(overdue, "blue", date(2024, 11, 25), 30) == "yellow"
    assert level_with_manual(overdue, "none", date(2024, 11, 25), 30) == "yellow"
    marked = _Row(None, Status.OPEN, sheet_level="yellow")
    assert level_with_manual(marked, "blue", date(2024, 11, 25), 30) == "yellow"
    assert level_with_manual(_Row(DEADLINE, Status.OPEN), "blue", date(2024, 11, 1), 30) == "blue"


def test_choices_by_hand_leave_out_the_current_level_and_offer_clearing() -> None:
    assert manual_choices("none") == ["blue", "yellow", "red"]
    assert manual_choices("yellow") == ["blue", "red", "none"]
