"""Messages to people other than the one acting: who they are, and when they may arrive."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import datetime

from bot.actions import button_to
from bot.chat import Button
from bot.domain.lifecycle import Role
from bot.domain.people import Person
from bot.domain.reminders import defer_out_of_quiet
from bot.i18n import t
from bot.runtime.work import Keyboard, Work
from storage import people


def urgent_at(work: Work) -> datetime:
    """Now, or the end of quiet hours: urgent messages are deferred, never dropped."""
    return defer_out_of_quiet(work.at, work.policy, work.tz)


def open_item_button(lang: str, item_id: int) -> Button:
    """The button under a notice that opens the item's card (``act.open``)."""
    from bot.services import item_card  # at call time: the card's own imports reach here

    return button_to(item_card.item_button, t(lang, "act.open"), item=item_id)


def leaders_and_admins(work: Work) -> list[Person]:
    found = people.active_people(work.db, role=Role.ADMIN)
    found += people.active_people(work.db, role=Role.LEADER)
    return [p for p in found if p.address is not None]


def admins(work: Work) -> list[Person]:
    return [p for p in people.active_people(work.db, role=Role.ADMIN) if p.address is not None]


def unit_contacts(work: Work, unit_id: int | None) -> list[Person]:
    if unit_id is None:
        return []
    return [
        p
        for p in people.active_people(work.db, role=Role.CONTACT, unit_id=unit_id)
        if p.address is not None
    ]


def tell(
    work: Work,
    recipients: Iterable[Person],
    message_key: str,
    *,
    dedup: str,
    keyboard: Callable[[Person], Keyboard | None] | None = None,
    urgent: bool = True,
    skip: int | None = None,
    **values: object,
) -> int:
    """Send each recipient the message in their language, once per ``dedup`` and person.

    ``values`` may be callables taking the person's language (for labels that are
    themselves translated). Returns how many were queued.
    """
    not_before = urgent_at(work) if urgent else None
    sent = 0
    for person in recipients:
        to = person.address
        if person.id == skip or to is None:
            continue
        filled = {k: v(person.language) if callable(v) else v for k, v in values.items()}
        sent += work.send(
            to,
            t(person.language, message_key, **filled),
            keyboard=keyboard(person) if keyboard else None,
            button_owner=person.id,
            key=f"{dedup}:{person.id}",
            not_before=not_before,
        )
    return sent
