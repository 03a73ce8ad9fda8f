"""Cards that asked for a decision, redrawn once it is taken (issue 16: "updates a card after
a decision").

A decision card goes to several people at once — the verifiers of a close-out, the
administrators asked about an extension, the inspectors asked to look back — and one of
them decides. Every one of those cards then says what was decided, by whom and when, and no
longer offers its buttons, so nobody is left looking at a choice already made. The buttons'
own guards stay as they were: a token kept from the old card is still refused by the
action ("已经处理过了"), since the decision is checked again, not the card.

The cards are found by their outbox keys — ``notify.tell`` keys each one
``<dedup>:<person id>`` — and redrawn from what they show now (storage/sent.py), so nothing
more is stored when they are sent. ``redraw`` is the one way a message found so is
corrected, shared with the 签收 reminders (bot/services/acks.py): a message still queued is
rewritten, one that was sent is edited (on DingTalk its interactive card is updated in
place, on Telegram the message is edited), one that could not be delivered is left alone.
"""

from __future__ import annotations

import re

from bot.domain.people import Person
from bot.i18n import t
from bot.i18n.fit import TEXT_LIMIT, shorten, shown_length
from bot.runtime.work import Keyboard, Work
from storage import people, sent


def redraw(
    work: Work,
    shown: sent.Shown,
    text: str,
    *,
    keyboard: Keyboard | None = None,
    owner: int | None = None,
) -> None:
    """Show ``text`` (and ``keyboard``; none: no buttons) in place of message ``shown``.

    ``owner`` is the person the buttons are made out to, as when the message was sent."""
    if shown.status == "dead":
        return
    if shown.status == "pending":
        work.rewrite_pending(shown.to, shown.key, text, keyboard=keyboard, button_owner=owner)
    elif shown.message_id is not None:
        work.edit(
            shown.to,
            shown.message_id,
            text,
            keyboard=keyboard,
            key=sent.edit_key(shown, work.cause),
            button_owner=owner,
        )


def mark_decided(work: Work, dedup: str, outcome: str, **values: object) -> None:
    """Every card ``notify.tell`` sent under ``dedup`` gets the line ``outcome`` (filled
    with ``by``, the person deciding now, ``when``, this moment in local time, and
    ``values``) in its reader's language, and loses its buttons."""
    assert work.person is not None  # a decision is always someone's
    when = work.at.astimezone(work.tz).strftime("%m-%d %H:%M")
    for shown, reader in _cards(work, dedup):
        line = t(reader.language, outcome, by=work.person.name, when=when, **values)
        redraw(work, shown, _with_line(sent.shown_text(work.db, shown) or "", line))


def _with_line(card: str, line: str) -> str:
    """The card's words with the outcome line after them, within Telegram's length (the
    smaller of the two platforms'). A card that no longer fits was shortened when it was
    sent, its last line the pointer to /history (bot/i18n/limits.py): it gives up more of
    its body, never that pointer nor the outcome, which would otherwise be cut off the end."""
    text = f"{card}\n\n{line}"
    if shown_length(text) <= TEXT_LIMIT:
        return text
    body, _, last = card.rpartition("\n")
    kept, added = f"\n{last}", f"\n\n{line}"
    return shorten(body, TEXT_LIMIT - shown_length(kept) - shown_length(added)) + kept + added


def _cards(work: Work, dedup: str) -> list[tuple[sent.Shown, Person]]:
    """The cards sent under ``dedup``, each with the person it was sent to.

    Only ``<dedup>:<person id>`` itself: a longer key sharing the prefix is another message
    (``lookback:7:reopened:12`` is the unit's notice, not the look-back card of person 7)."""
    mine = re.compile(re.escape(dedup) + r":(\d+)")
    found = []
    for shown in sent.messages_sent(work.db, f"{dedup}:"):
        matched = mine.fullmatch(shown.key)
        if matched is None:
            continue
        found.append((shown, people.by_id(work.db, int(matched[1]))))
    return found
