"""/mine: a contact's unit's open items, most urgent first, each a button to its card."""

from __future__ import annotations

from bot.actions import CONTACTS, command
from bot.domain.escalation import level_rank
from bot.i18n import Safe
from bot.runtime.work import Work
from bot.services.item_view import item_line, level_of, open_button
from storage import ledger

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
