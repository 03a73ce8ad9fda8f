"""Messages the bot sent earlier, found again by their outbox keys so they can be corrected.

A message is a series of outbox rows sharing a key prefix (see ``outbox.coalesce``): the
first row sends it, later rows edit it. What a person sees is the newest row's text. A
correction of a message found here is keyed with ``edit_key``, so that ``shown_text`` can
tell what the person has now, not only what was sent first.

Both front-ends' rows are read: Telegram's sendMessage / editMessageText (text in HTML,
buttons in reply_markup) and DingTalk's markdown or card / updateCard (the services' HTML
kept beside the markdown in ``html``, buttons as rows of {text, token}; see
bot/platforms/dingtalk/render.py), so a correction works the same on either.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

import sqlite_utils

from bot.chat import Address
from storage.rows import fetch_all, fetch_one

EDITS = ("editMessageText", "updateCard")  # a correction of an earlier message, per platform
_EDITS_SQL = "('editMessageText', 'updateCard')"
_SENDS_SQL = "('sendMessage', 'card', 'markdown')"  # the first row of a message


@dataclass(frozen=True)
class Shown:
    """One message of a series as the recipient has it, or will have it."""

    key: str  # the outbox key of the row that sent it
    to: Address
    status: str  # pending, sent or dead
    message_id: int | None  # None until it was sent
    payload: dict  # what the send carries (its text as first sent)

    @property
    def text(self) -> str | None:
        """The text as first sent, in the services' HTML on either platform."""
        return _html(self.payload)


def shown_message_id(db: sqlite_utils.Database, prefix: str) -> int | None:
    """The platform's id of the message a coalesced series shows (None while none was sent):
    Telegram's message id, or the outbox row id naming a DingTalk card."""
    row = fetch_one(
        db,
        "SELECT status, method, payload, message_id FROM outbox "
        "WHERE dedup_key >= ? AND dedup_key < ? ORDER BY id DESC LIMIT 1",
        [prefix, prefix + "\U0010ffff"],
    )
    if row is None:
        return None
    status, method, payload, message_id = row
    if method in EDITS:
        return json.loads(payload).get("message_id")
    return message_id if status == "sent" else None


def messages_sent(db: sqlite_utils.Database, key_prefix: str) -> list[Shown]:
    """The first rows (the sends, not their edits) whose keys start with ``key_prefix``."""
    rows = fetch_all(
        db,
        "SELECT dedup_key, platform, chat, status, message_id, payload FROM outbox "
        f"WHERE dedup_key >= ? AND dedup_key < ? AND method IN {_SENDS_SQL} ORDER BY id",
        [key_prefix, key_prefix + "\U0010ffff"],
    )
    return [
        Shown(
            r["dedup_key"],
            Address(r["platform"], r["chat"]),
            r["status"],
            r["message_id"],
            json.loads(r["payload"]),
        )
        for r in rows
    ]


def edit_key(shown: Shown, cause: str) -> str:
    """The outbox key of a correction of ``shown`` made by ``cause`` (one per update)."""
    return f"{shown.key}:edit:{cause}"


def shown_text(db: sqlite_utils.Database, shown: Shown) -> str | None:
    """The text the recipient has now: the newest correction's, else the send's own.

    Comparing with the first text alone would miss a message corrected and then due to
    read as it first did (a finding moved to another unit's item and back again).
    """
    payload = _newest_correction(db, shown)
    return _html(payload) if payload is not None else shown.text


def shown_buttons(db: sqlite_utils.Database, shown: Shown) -> list[list[tuple[str, str]]]:
    """The inline buttons the recipient has now under ``shown``, row by row, as (label,
    token) pairs: the newest correction's, else the send's own (link buttons left out)."""
    payload = _newest_correction(db, shown)
    if payload is None:
        payload = shown.payload
    if "buttons" in payload:  # DingTalk: rows of {text, token} or {text, url}
        return [[(b["text"], b["token"]) for b in r if b.get("token")] for r in payload["buttons"]]
    keyboard = (payload.get("reply_markup") or {}).get("inline_keyboard") or []
    return [
        [(b["text"], b["callback_data"]) for b in r if b.get("callback_data")] for r in keyboard
    ]


def _newest_correction(db: sqlite_utils.Database, shown: Shown) -> dict | None:
    """The payload of the newest correction of ``shown``, if it was corrected."""
    prefix = edit_key(shown, "")
    row = fetch_one(
        db,
        "SELECT payload FROM outbox WHERE dedup_key >= ? AND dedup_key < ? "
        f"AND method IN {_EDITS_SQL} ORDER BY id DESC LIMIT 1",
        [prefix, prefix + "\U0010ffff"],
    )
    return json.loads(row["payload"]) if row else None


def _html(payload: dict) -> str | None:
    """A payload's text as the services wrote it: DingTalk keeps it in ``html`` beside the
    markdown it shows; Telegram's ``text`` is that HTML."""
    return payload.get("html", payload.get("text"))
