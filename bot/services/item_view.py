"""How an item is seen: fetched for someone who may see it (the rule is bot/domain/permissions.py),
and its one-line form in bundles, lists, notices."""

from __future__ import annotations

from typing import Protocol

from bot.actions import button_to
from bot.chat import Button
from bot.clock import local_day
from bot.domain.escalation import item_level
from bot.domain.items import Item, NoSuchItem
from bot.domain.permissions import require_sight
from bot.domain.visits import LEVEL_MARKS, short
from bot.runtime.work import Work
from storage import ledger


def viewable_item(work: Work, item_id: int) -> Item:
    """The item, if this person may see it; raises the refusal otherwise."""
    try:
        item = ledger.get_item(work.db, int(item_id))
    except (ledger.NotFound, ValueError, TypeError):
        raise NoSuchItem from None
    return require_sight(work.person, item)


def level_of(work: Work, item: Item, red_after: int | None = None) -> str:
    if red_after is None:
        red_after = work.policy.red_after_overdue_days
    return item_level(item, local_day(work.at, work.tz), red_after)


class Listed(Protocol):
    """What a one-line mention of an item needs: an Item, or a lighter summary of one."""

    @property
    def id(self) -> int: ...
    @property
    def code(self) -> str: ...
    @property
    def problem(self) -> str: ...


def item_line(item: Listed, level: str, limit: int = 24) -> str:
    """Plain text (the catalogue escapes it): colour, code and the start of the problem."""
    return f"{LEVEL_MARKS[level]} {item.code} {short(item.problem, limit)}"


def open_button(item: Listed, level: str) -> Button:
    """A button that opens the item's card, labelled with its one line."""
    return open_labelled(item_line(item, level, 18), item.id)


def open_labelled(label: str, item_id: int) -> Button:
    """A button that opens the item's card under a label made elsewhere: one naming the item
    its own way (a notice's 📂 查看 code), or one redrawn as it was shown (an edited reminder)."""
    from bot.services import item_card  # at call time: the card's own imports reach here

    return button_to(item_card.item_button, label, item=item_id)
