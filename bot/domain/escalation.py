"""How urgent an item looks: its colour, from the deadline, the sheet and people's judgement.

Colours rise ``none`` < ``blue`` < ``yellow`` < ``red``. Time alone can make an item yellow
(overdue) and then red (long overdue: 提级监督, leaders are told). The issued sheet may mark an
item (e.g. blue for "watch this"), and an admin or leader may raise one by hand; the item shows
the highest of the three, so nobody's warning is hidden by a calmer one.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Literal, NamedTuple, Protocol

from bot.domain.lifecycle import Status

Level = Literal["none", "blue", "yellow", "red"]
LEVELS: tuple[Level, ...] = ("none", "blue", "yellow", "red")
_RANK: dict[str, int] = {level: rank for rank, level in enumerate(LEVELS)}


def level_rank(level: str) -> int:
    """Position in the order none < blue < yellow < red; unknown names are a bug, so raise."""
    rank = _RANK.get(level)
    if rank is None:
        raise ValueError(f"unknown level {level!r}; expected one of {', '.join(LEVELS)}")
    return rank


def derived_level(deadline: date | None, today: date, status: Status, red_after_days: int) -> Level:
    """The colour time alone gives an item on ``today``.

    Yellow the day after the deadline, red once more than ``red_after_days`` days overdue.
    Closed items and items without a date (长期坚持) are never coloured by time. An item waiting
    for close-out verification keeps its colour: it is not done until someone has checked it.
    """
    if status == Status.CLOSED or deadline is None or today <= deadline:
        return "none"
    if (today - deadline).days > red_after_days:
        return "red"
    return "yellow"


def effective_level(sheet_level: str | None, manual_level: str | None, derived: str) -> Level:
    """The colour shown and acted on: the highest of the sheet's, a person's and time's."""
    # Three lookups, no list: the reminder sweep asks this several times for every due item.
    return LEVELS[
        max(
            level_rank(sheet_level or "none"),
            level_rank(manual_level or "none"),
            level_rank(derived),
        )
    ]


class Levelled(Protocol):
    """What an item's colour is worked out from: a ledger Item, or the reminders' lighter
    ReminderItem, both have these."""

    @property
    def deadline(self) -> date | None: ...
    @property
    def status(self) -> Status: ...
    @property
    def sheet_level(self) -> str | None: ...
    @property
    def manual_level(self) -> str | None: ...


def item_level(item: Levelled, today: date, red_after_days: int) -> Level:
    """An item's colour on ``today``: the highest of the sheet's, the hand-raised one and the
    one its deadline gives. The one place a colour is worked out from an item, so a card, a
    list, the export and the reminders never disagree about it."""
    derived = derived_level(item.deadline, today, item.status, red_after_days)
    return effective_level(item.sheet_level, item.manual_level, derived)


def first_red_day(deadline: date, red_after_days: int) -> date:
    """The first day time alone makes the item red, for "turns red on …" in messages."""
    return deadline + timedelta(days=red_after_days + 1)


def turned_red(
    deadline: date | None,
    status: Status,
    red_after_days: int,
    previous_day: date,
    today: date,
    *,
    sheet_level: str | None = None,
    manual_level: str | None = None,
) -> bool:
    """Whether the item became red after ``previous_day`` and is red on ``today``.

    The sweep passes the day it last ran as ``previous_day``, so an item that crossed the line
    while the bot was down is still announced exactly once. An item already red by the sheet
    or by hand did not "turn" red, so it raises no new urgent notice.
    """
    if previous_day >= today:
        return False
    after = effective_level(
        sheet_level, manual_level, derived_level(deadline, today, status, red_after_days)
    )
    if after != "red":
        return False  # most items a sweep looks at: the day before needs no look
    before = effective_level(
        sheet_level,
        manual_level,
        derived_level(deadline, previous_day, status, red_after_days),
    )
    return before != "red"


MANUAL_CHOICES: tuple[Level, ...] = ("blue", "yellow", "red")


class LevelWhy(NamedTuple):
    """Why an item shows its colour: each source that reaches it (several may)."""

    level: Level
    overdue_days: int  # > 0 when the deadline alone gives this colour
    by_sheet: bool
    by_hand: bool


def level_why(item: Levelled, today: date, red_after_days: int) -> LevelWhy:
    """The shown colour and which of the deadline, the sheet and a person's hand give it,
    so a card can say "红色（逾期 40 天）" rather than a bare colour nobody can question."""
    derived = derived_level(item.deadline, today, item.status, red_after_days)
    level = effective_level(item.sheet_level, item.manual_level, derived)
    overdue = 0
    if level != "none" and derived == level and item.deadline is not None:
        overdue = (today - item.deadline).days
    return LevelWhy(
        level=level,
        overdue_days=overdue,
        by_sheet=level != "none" and (item.sheet_level or "none") == level,
        by_hand=level != "none" and (item.manual_level or "none") == level,
    )


def level_with_manual(item: Levelled, manual: str, today: date, red_after_days: int) -> Level:
    """The colour the item would show with ``manual`` as its level set by hand: never below
    what the deadline or the sheet gives, however low a person sets it."""
    derived = derived_level(item.deadline, today, item.status, red_after_days)
    return effective_level(item.sheet_level, manual, derived)


def manual_choices(current: str) -> list[str]:
    """The levels a person may set by hand now: any colour but the current one, and
    ``none`` (clear the hand-set level) when one is set."""
    choices: list[str] = [level for level in MANUAL_CHOICES if level != current]
    if current != "none":
        choices.append("none")
    return choices
