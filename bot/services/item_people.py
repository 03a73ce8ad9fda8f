"""Who is on an item: the office's inspectors, the inspectors involved, who may verify.

Shown on the item card and on the verification card, so everybody sees that only the
office's assignment (not a logged finding) lets an inspector strike an item off.
"""

from __future__ import annotations

from collections.abc import Iterable

from bot.domain.items import Item
from bot.domain.lifecycle import Event, Role, Status, may
from bot.domain.people import Person
from bot.i18n import Safe, t
from bot.runtime.work import Work
from bot.services import notify
from storage import people


def verifiers(work: Work, item: Item) -> list[Person]:
    """Assigned inspectors and administrators the lifecycle accepts as verifiers now.

    The lifecycle leaves out the close-out's requester and members of the responsible
    units. Leaders may verify too (from the card); they are sent the request only when
    nobody else can take it, so that a close-out never waits unseen.
    """
    candidates = [people.by_id(work.db, pid) for pid in sorted(item.inspector_ids)]
    found = _accepted(item, candidates + notify.admins(work))
    if not found:
        found = _accepted(item, people.active_people(work.db, role=Role.LEADER))
    return found


def _accepted(item: Item, candidates: list[Person]) -> list[Person]:
    found: dict[int, Person] = {}
    for person in candidates:
        if (
            person.active
            and person.address is not None
            and may(Event.APPROVE_CLOSE, Status.CLOSE_REQUESTED, person.actor, item.parties)
        ):
            found.setdefault(person.id, person)
    return list(found.values())


def _names(work: Work, lang: str, person_ids: Iterable[int]) -> str:
    names = [people.by_id(work.db, pid).name for pid in sorted(person_ids)]
    return t(lang, "list.sep").join(names) if names else t(lang, "verify.nobody")


def who_may_verify(lang: str, asked: list[Person]) -> str:
    """The people asked to verify, by name, and the leaders who may as well (plain text).

    When the leaders are the ones asked (nobody else could take it) they are named, and
    "leaders" is not added as if others beyond them could verify too.
    """
    names = [p.name for p in asked]
    if not any(p.role is Role.LEADER for p in asked):
        names.append(t(lang, "verify.leaders"))
    return t(lang, "list.sep").join(names)


def people_section(work: Work, item: Item) -> Safe:
    """The card's lines about inspectors; with a pending close-out, who may verify it."""
    text = work.t(
        "verify.card_people",
        assigned=_names(work, work.lang, item.inspector_ids),
        involved=_names(work, work.lang, item.involved_ids),
    )
    if item.status is Status.CLOSE_REQUESTED:
        text += work.t("verify.card_who", who=who_may_verify(work.lang, verifiers(work, item)))
    return Safe(text)
