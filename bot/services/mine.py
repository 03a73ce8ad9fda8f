"""Lists of open items, each a button to its card: /mine for a contact's unit (most urgent
first), /red for leaders and the office (every item at the red level, most overdue first; a
leader's own units (分管) first)."""

from __future__ import annotations

from datetime import date

from bot.actions import CONTACTS, OFFICE, command
from bot.clock import local_day
from bot.domain.escalation import level_rank
from bot.domain.items import Item
from bot.i18n import Safe
from bot.runtime.work import Work
from bot.services.item_view import item_line, level_of, open_button
from storage import leader_units, ledger

BUTTON_LIMIT = 40


@command("mine", roles=CONTACTS, help="cmd.mine", refusal="mine.contacts_only")
def my_items(work: Work) -> None:
    """List the contact's unit's open items, most urgent first."""
    person = work.person
    if person is None or person.unit_id is None:
        work.reply("mine.contacts_only")  # a contact whose unit was taken away
        return
    items = ledger.items_where(
        work.db,
        "(i.unit_id = ? OR i.id IN (SELECT item_id FROM item_co_units WHERE unit_id = ?)) "
        "AND i.status != 'closed'",
        [person.unit_id, person.unit_id],
    )
    if not items:
        work.reply("mine.none", unit=person.unit)
        return
    red_after = work.policy.red_after_overdue_days
    levels = {item.id: level_of(work, item, red_after) for item in items}
    items.sort(
        key=lambda i: (-level_rank(levels[i.id]), i.deadline is None, i.deadline or 0, i.code)
    )
    lines = []
    for item in items:
        role = "" if item.unit_id == person.unit_id else work.t("mine.co")
        status = work.t(f"remind.status.{item.status.value}")
        lines.append(
            work.t(
                "mine.line",
                line=item_line(item, levels[item.id]),
                deadline=item.deadline.isoformat() if item.deadline else item.deadline_text,
                status=status,
                role=role,
            )
        )
    keyboard = [[open_button(item, levels[item.id])] for item in items[:BUTTON_LIMIT]]
    work.reply(
        "mine.title",
        unit=person.unit,
        count=len(items),
        lines=Safe("\n".join(lines[:80])),
        keyboard=keyboard,
    )


@command("red", roles=OFFICE, help="cmd.red", refusal="red.office_only")
def red_items(work: Work) -> None:
    """/red: every open item at the red level (提级督办), most overdue first — what a leader
    takes to a meeting, with the responsible unit and how long it is overdue."""
    today = local_day(work.at, work.tz)
    red_after = work.policy.red_after_overdue_days
    items = [
        item
        for item in ledger.items_where(work.db, "i.status != 'closed'")
        if level_of(work, item, red_after) == "red"
    ]
    if not items:
        work.reply("red.none")
        return
    own = leader_units.unit_ids(work.db, work.person.id) if work.person else frozenset()
    items.sort(
        key=lambda i: (i.unit_id not in own, i.deadline is None, i.deadline or today, i.code)
    )
    lines = [_red_line(work, item, today, item.unit_id in own) for item in items]
    if own:
        lines.insert(0, work.t("dash.own_note"))
    keyboard = [[open_button(item, "red")] for item in items[:BUTTON_LIMIT]]
    work.reply("red.title", count=len(items), lines=Safe("\n".join(lines[:80])), keyboard=keyboard)


def _red_line(work: Work, item: Item, today: date, own: bool) -> str:
    """Red by time: how long overdue. Red by the sheet or by hand: the deadline as given.
    A leader's own units are starred, as on his dashboard picture."""
    line, unit = item_line(item, "red"), item.unit or "—"
    if own:
        unit = f"★ {unit}"
    if item.deadline is not None and item.deadline < today:
        days = (today - item.deadline).days
        return work.t("red.line", line=line, unit=unit, days=days)
    deadline = item.deadline.isoformat() if item.deadline else item.deadline_text
    return work.t("red.line_due", line=line, unit=unit, deadline=deadline or "—")
