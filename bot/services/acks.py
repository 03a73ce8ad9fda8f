"""签收: a contact acknowledges newly assigned and returned items; the office sees who has
not (/acks), and is told when an acknowledgement is late.

The morning reminder that asked for an acknowledgement follows it: once an item is
acknowledged — from that reminder, from the item's card, or by a colleague of the same
unit — every reminder of that day that offered it is edited, its line saying who
acknowledged it and when, and its 签收 button kept only for the items still owed.
"""

from __future__ import annotations

import html
from collections import defaultdict
from datetime import date

from bot.actions import ADMINS, CONTACTS, button, button_to, command
from bot.chat import Address
from bot.domain.lifecycle import Role
from bot.domain.people import Person
from bot.i18n import Safe, t
from bot.runtime.work import Keyboard, Work
from bot.services.item_view import open_labelled
from storage import buttons, people, sent
from storage import reminders as reminder_store
from storage.reminders import Ack

ACTION = "ack"  # the name stored with every 签收 button sent (bot/actions.py: never changes)


@button(ACTION, roles=CONTACTS, refusal="error.not_permitted")
def acknowledge(work: Work, acks: list[int]) -> None:
    """签收 the acknowledgements the button lists (those still owed by this contact's unit)."""
    person = work.person
    assert person is not None  # the role pre-filter let only a contact through
    done = reminder_store.acknowledge(work.db, [int(i) for i in acks], person, work.origin)
    if not done:
        work.reply("ack.nothing")
        return
    work.reply("ack.done", count=len(done), codes="、".join(a.code for a in done))
    _follow_reminders(work, person, done)


@command("acks", roles=ADMINS, help="cmd.acks")
def list_open(work: Work) -> None:
    """/acks: every acknowledgement still owed, by unit, oldest first."""
    owed = reminder_store.open_acks(work.db)
    if not owed:
        work.reply("ack.none_owed")
        return
    lines = [
        work.t(
            "ack.owed_line",
            unit=a.unit,
            code=a.code,
            kind=work.t(f"ack.kind.{a.kind}"),
            since=a.sent_on.isoformat(),
        )
        for a in owed[:60]
    ]
    work.reply("ack.owed", count=len(owed), lines=Safe("\n".join(lines)))


# --- the reminders that asked ----------------------------------------------------------


def _follow_reminders(work: Work, by: Person, done: list[Ack]) -> None:
    """Edit the reminders that asked for these acknowledgements (each unit's contacts'
    reminder of the day the item was first announced; bot/services/sweep.py keys it)."""
    asked: dict[tuple[int, date], list[Ack]] = defaultdict(list)
    for ack in done:
        if ack.kind == "assigned":
            asked[(ack.unit_id, ack.sent_on)].append(ack)
    for (unit_id, day), acked in asked.items():
        owed = {a.id for a in reminder_store.open_acks(work.db, unit_id)}
        for contact in people.active_people(work.db, role=Role.CONTACT, unit_id=unit_id):
            address = contact.address
            if address is None:
                continue
            for shown in sent.messages_sent(work.db, f"remind:{contact.id}:{day.isoformat()}"):
                _follow(work, contact, address, shown, by, acked, owed)


def _follow(
    work: Work,
    contact: Person,
    address: Address,
    shown: sent.Shown,
    by: Person,
    acked: list[Ack],
    owed: set[int],
) -> None:
    """One reminder: the acknowledged items' lines say so; its 签收 button asks only for
    what is still owed (gone when nothing is). A reminder that did not offer these items
    (or could not be delivered) is left as it is."""
    if shown.status == "dead":
        return
    offered: list[int] = []
    keyboard: Keyboard = []
    for row in sent.shown_buttons(work.db, shown):
        kept = []
        for label, token in row:
            press = buttons.resolve(work.db, token)
            if press is None:
                continue
            if press.action == ACTION:
                offered += [int(i) for i in press.payload.get("acks", [])]
            elif "item" in press.payload:  # the reminder's other buttons open its items
                kept.append(open_labelled(label, int(press.payload["item"])))
        if kept:
            keyboard.append(kept)
    if not any(ack.id in offered for ack in acked):
        return
    lang = contact.language
    still = [i for i in offered if i in owed]
    if still:
        label = t(lang, "remind.ack_all", count=len(still))
        keyboard.append([button_to(acknowledge, label, acks=still)])
    text = sent.shown_text(work.db, shown) or ""
    for ack in acked:
        if ack.id in offered:
            text = _acked_line(text, lang, ack, by, work)
    if shown.status == "pending":
        work.rewrite_pending(address, shown.key, text, keyboard=keyboard, button_owner=contact.id)
    elif shown.message_id is not None:
        work.edit(
            address,
            shown.message_id,
            text,
            keyboard=keyboard,
            key=sent.edit_key(shown, work.cause),
            button_owner=contact.id,
        )


def _acked_line(text: str, lang: str, ack: Ack, by: Person, work: Work) -> str:
    """The reminder's text with the item's "please acknowledge" replaced by who did, when.

    The line is found by its code in bold (``remind.line``); its request is the catalogue's
    own phrase, so the same words are replaced in either language."""
    local = work.at.astimezone(work.tz)
    when = local.strftime("%H:%M" if local.date() == ack.sent_on else "%m-%d %H:%M")
    marker = f"<b>{html.escape(ack.code, quote=False)}</b>"
    lines = text.split("\n")
    for n, line in enumerate(lines):
        if marker not in line:
            continue
        for asked, answered in (
            ("remind.plus_new", "remind.plus_acked"),
            ("remind.reason.new", "remind.acked"),
        ):
            request = t(lang, asked)
            if request in line:
                lines[n] = line.replace(request, t(lang, answered, name=by.name, when=when))
                break
    return "\n".join(lines)
