"""The office assigns inspectors to items (指派督查): on the item card, by CLI, by sheet.

Only an office assignment lets an inspector verify a close-out (bot/domain/lifecycle.py)
and gives them the item's 回头看. Every change is an audit event (storage/ledger.py) and
the inspector is told in their own language.
"""

from __future__ import annotations

from datetime import datetime

import sqlite_utils

from bot.actions import ADMINS, button, button_to
from bot.domain.audit import Origin
from bot.domain.items import Item
from bot.domain.lifecycle import Role
from bot.domain.people import Person, fold_name
from bot.domain.permissions import NotAdmin
from bot.domain.visits import short
from bot.runtime.work import Keyboard, Work, WorkEnv
from bot.services import item_card, notify
from bot.services.item_view import viewable_item
from bot.services.report_menus import rows_of, show_menu
from storage import ledger, people

PAGE = 8  # inspectors per page of the menu: four rows of two fit a phone screen


# The card's 👤 指派督查 refuses with its own line (what only administrators do here).
ASSIGN_REFUSAL = "verify.admin_only"


def change(
    work: Work, item: Item, inspector: Person, assign: bool, origin: Origin | None = None
) -> bool:
    """Assign or remove one inspector and tell them; False if it was so already."""
    origin = origin or work.origin
    if assign:
        event = ledger.assign_inspector(work.db, item.id, inspector.id, origin)
    else:
        event = ledger.unassign_inspector(work.db, item.id, inspector.id, origin)
    if event is None:
        return False
    notify.tell(
        work,
        [inspector],
        "verify.told_assigned" if assign else "verify.told_removed",
        dedup=f"assign:{event}",
        keyboard=lambda person: [[notify.open_item_button(person.language, item.id)]],
        code=item.code,
        problem=item.problem,
        unit=item.unit or "—",
    )
    return True


# --- 👤 指派督查 on the item card -----------------------------------------------------------


def _card_button(work: Work, item: Item) -> Keyboard:
    # "new": the menu comes as a message of its own, so the card it was tapped on (with
    # its other actions) stays; the menu's own page buttons then edit the menu.
    return [[button_to(menu, work.t("verify.btn_assign"), item=item.id, page=0, new=True)]]


item_card.CARD_BUTTONS[Role.ADMIN].append(_card_button)


@button("assign.menu", roles=ADMINS, refusal=ASSIGN_REFUSAL)
def menu(work: Work, item: int, page: int = 0, new: bool = False) -> None:
    """One page of active inspectors; ✅ marks those assigned. Tapped on the card (``new``)
    it comes as a message of its own, so the card stays; its own page buttons edit it."""
    tapped = work.tapped_message if not new else None
    _show_menu(work, viewable_item(work, item), page, tapped)


def _show_menu(work: Work, item: Item, page: int, message_id: int | None) -> None:
    inspectors = people.active_people(work.db, role=Role.INSPECTOR)
    if not inspectors:
        work.reply("verify.no_inspectors")
        return
    pages = (len(inspectors) + PAGE - 1) // PAGE
    page = min(max(int(page), 0), pages - 1)
    buttons = []
    for person in inspectors[page * PAGE : (page + 1) * PAGE]:
        assigned = person.id in item.inspector_ids
        label = f"✅ {person.name}" if assigned else person.name
        buttons.append(
            button_to(
                set_assignment, label, item=item.id, person=person.id, on=not assigned, page=page
            )
        )
    keyboard = rows_of(buttons)
    nav = []
    if page > 0:
        nav.append(button_to(menu, work.t("verify.prev"), item=item.id, page=page - 1))
    if page < pages - 1:
        nav.append(button_to(menu, work.t("verify.next"), item=item.id, page=page + 1))
    if nav:
        keyboard.append(nav)
    names = [p.name for p in inspectors if p.id in item.inspector_ids]
    text = work.t(
        "verify.menu",
        code=item.code,
        problem=short(item.problem, 80),
        page=page + 1,
        pages=pages,
        assigned=work.t("list.sep").join(names) if names else work.t("verify.nobody"),
    )
    show_menu(work, message_id, text, keyboard)


@button("assign.set", roles=ADMINS, refusal=ASSIGN_REFUSAL)
def set_assignment(work: Work, item: int, person: int, on: bool, page: int = 0) -> None:
    """A tap on a name: assign (or remove) exactly as the button says, whatever came first.

    The button carries the intended state, not "toggle", so a double tap or an old menu
    never undoes what the tap meant; it is answered instead. The menu tapped is redrawn.
    """
    shown = viewable_item(work, item)
    try:
        inspector = people.by_id(work.db, int(person))
    except (ledger.NotFound, ValueError, TypeError):
        raise NotAdmin(key=ASSIGN_REFUSAL) from None  # a forged payload: nobody to assign
    if not inspector.active or inspector.role is not Role.INSPECTOR:
        work.reply("verify.not_inspector", name=inspector.name)
        return
    changed = change(work, shown, inspector, bool(on))
    if changed:
        key = "verify.assigned_done" if on else "verify.removed_done"
    else:
        key = "verify.already_assigned" if on else "verify.already_removed"
    work.reply(key, name=inspector.name, code=shown.code)
    tapped = work.tapped_message
    _show_menu(work, viewable_item(work, shown.id), page, tapped)


# --- outside the chat: `duban assign` and the sheet's 督查人员 column -------------------------


def office_work(db: sqlite_utils.Database, env: WorkEnv, at: datetime, source: str) -> Work:
    """A Work for changes made at the office's desk (CLI, sheet): it queues the notices in
    the caller's transaction; the running bot's sender delivers them."""
    return Work(db, env, at, env.default_language, None, None, source=source)


class AssignRefused(ValueError):
    """``duban assign`` cannot be done: ``key`` names the reason in the catalogue."""

    def __init__(self, key: str, **values: object) -> None:
        super().__init__(key)
        self.key = key
        self.values = values


def assign_by_name(
    db: sqlite_utils.Database, env: WorkEnv, code: str, name: str, remove: bool, at: datetime
) -> tuple[str, dict[str, object]]:
    """`duban assign CODE --inspector NAME [--remove]`: what happened, as a catalogue key
    and its values (the command line says it in its own language).

    Raises AssignRefused when the item or the inspector cannot be found.
    """
    try:
        item = ledger.get_item(db, code.strip())
    except ledger.NotFound:
        raise AssignRefused("cli.assign.no_item", code=code) from None
    found = people.inspectors_by_name(db).get(fold_name(name), [])
    if not found:
        raise AssignRefused("cli.assign.no_inspector", name=name)
    if len(found) > 1:
        raise AssignRefused("import.error.many_inspectors", count=len(found), name=name)
    inspector = found[0]
    with db.atomic():
        work = office_work(db, env, at, source=f"cli-assign:{at.isoformat()}")
        changed = change(work, item, inspector, not remove, Origin.cli(at))
    said = {"name": inspector.name, "code": item.code}
    if remove:
        return ("cli.assign.removed" if changed else "cli.assign.was_not"), said
    return ("cli.assign.assigned" if changed else "cli.assign.already"), said


def assign_from_sheet(work: Work, pairs: list[tuple[int, int]], origin: Origin) -> int:
    """The sheet's 督查人员 column: assign each (item, inspector); returns how many were new.

    The sheet only adds: an assignment made in the chat or by CLI is removed there, so an
    old copy of the sheet imported again never takes an inspector off an item.
    """
    made = 0
    for item_id, person_id in pairs:
        item = ledger.get_item(work.db, item_id)
        made += change(work, item, people.by_id(work.db, person_id), True, origin)
    return made
