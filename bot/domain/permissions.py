"""Who may do what, asked in one place: administer, see an item, take the office's documents.

Each question is one function and each refusal one DomainError, so that a rule changed here
changes everywhere it is asked (before, the administrator check was written eight ways and
"may see this item" twice). A refusal keeps the explanation its screen has always given:
the caller may name a more specific catalogue key ("only administrators import the
sheet"), but the rule deciding it is the same.

Per-item rules on the lifecycle (who may verify, request a close-out, reopen) stay beside
the transitions they guard, in bot/domain/lifecycle.py.
"""

from __future__ import annotations

from bot.domain.items import Item
from bot.domain.lifecycle import DomainError, Role
from bot.domain.people import Person


class NotAdmin(DomainError):
    """A non-administrator reached an administrator's action (a stale button, a command
    outside their menu, or a role taken away since the button was sent)."""

    key = "admin.only"


class NotYourItem(DomainError):
    """Someone asked for an item of another unit (a forged or stale button, or a code)."""

    key = "view.not_yours"


class ReportsNotForYou(DomainError):
    """This role has no use for this document (e.g. a contact asking for /export)."""

    key = "report.not_allowed"


def is_admin(person: Person | None) -> bool:
    """An administrator of the office: invites people, imports the sheet, settles the queue."""
    return person is not None and person.role is Role.ADMIN


def require_admin(person: Person | None, refusal: str | None = None) -> Person:
    """The person, if an administrator; otherwise NotAdmin with ``refusal`` as its
    explanation (default ``admin.only``)."""
    if person is None or not is_admin(person):
        raise NotAdmin(key=refusal)
    return person


def may_see_item(person: Person | None, item: Item) -> bool:
    """Contacts see their own unit's items (lead or co-unit); the office sees everything;
    nobody inactive or unknown sees anything."""
    if person is None or not person.active:
        return False
    if person.role is Role.CONTACT:
        return item.parties.involves_unit(person.unit_id)
    return True


def require_sight(person: Person | None, item: Item, refusal: str | None = None) -> Item:
    """The item, if ``person`` may see it; otherwise NotYourItem (``refusal`` as its key,
    default ``view.not_yours``), naming the item's code for the log."""
    if not may_see_item(person, item):
        raise NotYourItem(item.code, key=refusal)
    return item


def may_export(person: Person | None) -> bool:
    """The whole ledger as a workbook, and the office's reports, are for the office and its
    leaders."""
    return person is not None and person.role in (Role.ADMIN, Role.LEADER)


def require_export(person: Person | None) -> Person:
    """The person, if they may take the office's documents; ReportsNotForYou otherwise."""
    if person is None or not may_export(person):
        raise ReportsNotForYou
    return person
