"""签收: a contact acknowledges newly assigned and returned items; the office sees who has
not (/acks), and is told when an acknowledgement is late.

The messages that asked for an acknowledgement follow it: once an item is acknowledged —
from the morning reminder, from the item's card, or by a colleague of the same unit —
every contact's reminder of that day that offered it is edited, its line saying who
acknowledged it and when, and its 签收 button kept only for the items still owed (the
items' own buttons stay); a returned close-out's notice says so too and loses its 签收.
The message is found by its outbox key and redrawn from what it shows now
(storage/sent.py), so nothing more has to be stored when it is sent; it is corrected as
every decision card is (bot/services/decided_cards.py ``redraw``).
"""

from __future__ import annotations

import html
from collections import defaultdict
from dataclasses import dataclass

from bot.actions import ADMINS, CONTACTS, button, button_to, command
from bot.chat import Button
from bot.domain.lifecycle import Role
from bot.domain.people import Person
from bot.i18n import Safe, t
from bot.runtime.work import Keyboard, Work
from bot.services import decided_cards
from bot.services.item_view import open_labelled
from storage import buttons, followup, people, sent
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
    _follow_messages(work, person, done)


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


# --- the messages that asked ------------------------------------------------------------


def _follow_messages(work: Work, by: Person, done: list[Ack]) -> None:
    """Edit the messages that asked for these acknowledgements, for every contact of the
    unit: the reminder of the day a new item was announced (bot/services/sweep.py keys it
    ``remind:<person>:<day>``), the notice of a returned close-out
    (bot/services/closeout.py: ``closeout:<request>:returned:<person>``)."""
    for unit_id, acked in _by_unit(done).items():
        owed = {a.id for a in reminder_store.open_acks(work.db, unit_id)}
        for contact in people.active_people(work.db, role=Role.CONTACT, unit_id=unit_id):
            if contact.address is None:
                continue
            asking = _Asking(work, contact, by, owed)
            # One edit per message, however many of its items were acknowledged at once.
            messages: dict[str, tuple[sent.Shown, list[Ack]]] = {}
            for ack in acked:
                for shown in _messages_asking(work, contact, ack):
                    messages.setdefault(shown.key, (shown, []))[1].append(ack)
            for shown, answered in messages.values():
                asking.follow(shown, answered)


def _by_unit(done: list[Ack]) -> dict[int, list[Ack]]:
    found: dict[int, list[Ack]] = defaultdict(list)
    for ack in done:
        found[ack.unit_id].append(ack)
    return found


def _messages_asking(work: Work, contact: Person, ack: Ack) -> list[sent.Shown]:
    """The messages to ``contact`` that may have offered 签收 of ``ack``."""
    if ack.kind == "assigned":
        key = f"remind:{contact.id}:{ack.sent_on.isoformat()}"
    else:
        request = followup.last_returned_closeout(work.db, ack.item_id)
        if request is None:
            return []
        key = f"closeout:{request}:returned:{contact.id}"
    # A key is a prefix of longer ones (…:1 of …:12): only the message itself is wanted.
    return [shown for shown in sent.messages_sent(work.db, key) if shown.key == key]


@dataclass
class _Asking:
    """One contact's messages that asked for acknowledgements, edited as they are given."""

    work: Work
    contact: Person
    by: Person
    owed: set[int]

    def follow(self, shown: sent.Shown, answered: list[Ack]) -> None:
        """The acknowledged items' requests say who answered them, when; the message's 签收
        button asks only for what is still owed (gone when nothing is). A message that did
        not offer these acknowledgements (or could not be delivered) is left as it is."""
        if shown.status == "dead":
            return
        work, lang = self.work, self.contact.language
        offered, keyboard = self._buttons(shown)
        answered = [ack for ack in answered if ack.id in offered]
        if not answered:
            return
        still = [i for i in offered if i in self.owed]
        if still:
            keyboard.append([self._ack_button(shown, still)])
        text = sent.shown_text(work.db, shown) or ""
        local = work.at.astimezone(work.tz)
        for ack in answered:
            when = local.strftime("%H:%M" if local.date() == ack.sent_on else "%m-%d %H:%M")
            if ack.kind == "assigned":
                text = _acked_line(text, lang, ack.code, self.by.name, when)
            else:
                text += "\n" + t(lang, "remind.acked", name=self.by.name, when=when)
        decided_cards.redraw(work, shown, text, keyboard=keyboard, owner=self.contact.id)

    def _buttons(self, shown: sent.Shown) -> tuple[list[int], Keyboard]:
        """The acknowledgements the message's 签收 button offers, and its other buttons
        (each opens an item) as they are shown."""
        offered: list[int] = []
        keyboard: Keyboard = []
        for row in sent.shown_buttons(self.work.db, shown):
            kept = []
            for label, token in row:
                press = buttons.resolve(self.work.db, token)
                if press is None:
                    continue
                if press.action == ACTION:
                    offered += [int(i) for i in press.payload.get("acks", [])]
                elif "item" in press.payload:
                    kept.append(open_labelled(label, int(press.payload["item"])))
            if kept:
                keyboard.append(kept)
        return offered, keyboard

    def _ack_button(self, shown: sent.Shown, still: list[int]) -> Button:
        """The reminder's "签收 all (n)", or a notice's plain 签收."""
        lang = self.contact.language
        if shown.key.startswith("remind:"):
            return button_to(acknowledge, t(lang, "remind.ack_all", count=len(still)), acks=still)
        return button_to(acknowledge, t(lang, "act.ack"), acks=still)


def _acked_line(text: str, lang: str, code: str, name: str, when: str) -> str:
    """A reminder's text with the item's "please acknowledge" replaced by who did, when.

    The line is found by its code in bold (``remind.line``); its request is the catalogue's
    own phrase, so the same words are replaced in either language."""
    marker = f"<b>{html.escape(code, quote=False)}</b>"
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
                lines[n] = line.replace(request, t(lang, answered, name=name, when=when))
                break
    return "\n".join(lines)
