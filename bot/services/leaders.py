"""分管: the office assigns each leader the units they oversee, and red items reach the leaders
of their unit.

``/leaders`` (administrators) lists the leaders with the units each oversees; a leader's
card has one button per unit that adds or removes it, and the card is rewritten in place.
``duban leader-units`` does the same from the command line. A leader with no units keeps
hearing of every red item, as before 分管 existed; one with units hears of theirs only.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

import sqlite_utils

from bot.actions import ADMINS, button, button_to, command
from bot.domain.audit import Origin
from bot.domain.items import Item
from bot.domain.lifecycle import Role
from bot.domain.people import Person, fold_name
from bot.i18n import t
from bot.runtime.work import Work
from bot.services import notify
from bot.services.report_menus import rows_of, show_menu
from storage import leader_units, people
from storage.ledger import NotFound
from storage.rows import fetch_all


def told_of(work: Work, item: Item) -> list[Person]:
    """Who hears that ``item`` turned red: the administrators, and each leader who oversees
    its lead unit or oversees no unit at all."""
    overseen = leader_units.overseen_by(work.db)
    return [
        person
        for person in notify.leaders_and_admins(work)
        if person.role is not Role.LEADER
        or person.id not in overseen
        or item.unit_id in overseen[person.id]
    ]


# --- chat ------------------------------------------------------------------------------


@command("leaders", roles=ADMINS, help="cmd.leaders")
def list_leaders(work: Work) -> None:
    """Every active leader, each with the units they oversee, a button to change them."""
    leaders = people.active_people(work.db, role=Role.LEADER)
    if not leaders:
        work.reply("leaders.none")
        return
    keyboard = [
        [button_to(show_leader, f"{p.name} · {_units_text(work.lang, work.db, p.id)}", person=p.id)]
        for p in leaders
    ]
    work.reply("leaders.title", count=len(leaders), keyboard=keyboard)


@button("leaders.show", roles=ADMINS)
def show_leader(work: Work, person: int) -> None:
    """A leader's card: the units they oversee, and every unit as a button to add or remove."""
    leader = _leader(work, person)
    if leader is not None:
        _show_card(work, leader)


@button("leaders.toggle", roles=ADMINS)
def toggle_unit(work: Work, person: int, unit: int) -> None:
    """Add the unit to the leader's 分管, or take it away (audited); the card follows."""
    leader = _leader(work, person)
    if leader is None:
        return
    names = {row["id"]: row["name"] for row in _units(work.db)}
    if unit not in names:
        work.reply("leaders.unknown_unit")
        return
    if leader_units.oversees(work.db, leader.id, unit):
        leader_units.remove(work.db, leader.id, unit, work.origin)
        work.answer_tap("leaders.removed", name=leader.name, unit=names[unit])
    else:
        leader_units.add(work.db, leader.id, unit, work.origin)
        work.answer_tap("leaders.added", name=leader.name, unit=names[unit])
    _show_card(work, leader)


def _leader(work: Work, person_id: int) -> Person | None:
    """The active leader behind a button, or None after telling the admin why not (the
    person left, or is no longer a leader since the list was sent)."""
    try:
        found = people.by_id(work.db, person_id)
    except NotFound:
        found = None
    if found is None or found.role is not Role.LEADER or not found.active:
        work.reply("leaders.not_leader")
        return None
    return found


def _show_card(work: Work, leader: Person) -> None:
    mine = leader_units.unit_ids(work.db, leader.id)
    keyboard = rows_of(
        [
            button_to(
                toggle_unit,
                ("✓ " if row["id"] in mine else "") + row["name"],
                person=leader.id,
                unit=row["id"],
            )
            for row in _units(work.db)
        ]
    )
    keyboard.append([button_to(list_back, work.t("leaders.back"))])
    text = work.t(
        "leaders.card", name=leader.name, units=_units_text(work.lang, work.db, leader.id)
    )
    show_menu(work, work.tapped_message, text, keyboard)


@button("leaders.back", roles=ADMINS)
def list_back(work: Work) -> None:
    """Back to the list of leaders."""
    list_leaders(work)


def _units(db: sqlite_utils.Database) -> list:
    return fetch_all(db, "SELECT id, name FROM units ORDER BY id")


def _units_text(lang: str, db: sqlite_utils.Database, person_id: int) -> str:
    names = leader_units.unit_names(db, person_id)
    return "、".join(names) if names else t(lang, "leaders.all_units")


# --- command line ----------------------------------------------------------------------


class LeaderUnitsError(Exception):
    """A name the command line could not resolve; ``key`` and ``values`` say which."""

    def __init__(self, key: str, **values: object) -> None:
        super().__init__(key)
        self.key = key
        self.values = values


def cli_leader_units(
    db: sqlite_utils.Database,
    name: str | None,
    add: Sequence[str],
    remove: Sequence[str],
    lang: str,
    at: datetime,
) -> list[str]:
    """``duban leader-units [NAME] [--add UNIT]… [--remove UNIT]…``: the lines to print.

    Without a name, every leader and their units; with one, that leader's changes (each
    audited, as from the chat) and then their units. Raises LeaderUnitsError for an unknown
    leader or unit, before anything is written.
    """
    leaders = people.active_people(db, role=Role.LEADER)
    if name is None:
        if add or remove:
            raise LeaderUnitsError("leaders.cli_name_needed")
        if not leaders:
            return [t(lang, "leaders.none")]
        return [_cli_line(db, lang, leader) for leader in leaders]
    leader = _leader_named(leaders, name)
    unit_ids = {row["name"]: row["id"] for row in _units(db)}
    for unit in (*add, *remove):
        if unit.strip() not in unit_ids:
            raise LeaderUnitsError("leaders.cli_unknown_unit", unit=unit)
    origin = Origin.cli(at)
    lines = []
    with db.atomic():
        for unit in add:
            if leader_units.add(db, leader.id, unit_ids[unit.strip()], origin):
                lines.append(t(lang, "leaders.added", name=leader.name, unit=unit.strip()))
        for unit in remove:
            if leader_units.remove(db, leader.id, unit_ids[unit.strip()], origin):
                lines.append(t(lang, "leaders.removed", name=leader.name, unit=unit.strip()))
    lines.append(_cli_line(db, lang, leader))
    return lines


def _leader_named(leaders: list[Person], name: str) -> Person:
    found = [p for p in leaders if fold_name(p.name) == fold_name(name)]
    if not found:
        raise LeaderUnitsError("leaders.cli_unknown_leader", name=name)
    if len(found) > 1:
        raise LeaderUnitsError("leaders.cli_ambiguous", name=name, count=len(found))
    return found[0]


def _cli_line(db: sqlite_utils.Database, lang: str, leader: Person) -> str:
    return t(lang, "leaders.cli_line", name=leader.name, units=_units_text(lang, db, leader.id))
