"""Messages the bot sent earlier, found again by their outbox keys so they can be corrected.

A message is a series of outbox rows sharing a key prefix (see ``outbox.coalesce``): the
first row sends it, later rows edit it. What a person sees is the newest row's text. A
correction of a message found here is keyed with ``edit_key``, so that ``shown_text`` can
tell what the person has now, not only what was sent first.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

import sqlite_utils

from bot.chat import Address
from storage.rows import fetch_all, fetch_one


@dataclass(frozen=True)
class Shown:
    """One message of a series as the recipient has it, or will have it."""

    key: str  # the outbox key of the row that sent it
    to: Address
    status: str  # pending, sent or dead
    message_id: int | None  # None until it was sent
    payload: dict  # what the send carries (its text as first sent)


def shown_message_id(db: sqlite_utils.Database, prefix: str) -> int | None:
    """The Telegram id of the message a coalesced series shows (None while none was sent)."""
    row = fetch_one(
        db,
        "SELECT status, method, payload, message_id FROM outbox "
        "WHERE dedup_key >= ? AND dedup_key < ? ORDER BY id DESC LIMIT 1",
        [prefix, prefix + "\U0010ffff"],
    )
    if row is None:
        return None
    status, method, payload, message_id = row
    if method == "editMessageText":
        return json.loads(payload).get("message_id")
    return message_id if status == "sent" else None


def messages_sent(db: sqlite_utils.Database, key_prefix: str) -> list[Shown]:
    """The first rows (the sends, not their edits) whose keys start with ``key_prefix``."""
    rows = fetch_all(
        db,
        "SELECT dedup_key, platform, chat, status, message_id, payload FROM outbox "
        "WHERE dedup_key >= ? AND dedup_key < ? AND method = 'sendMessage' ORDER BY id",
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
    prefix = edit_key(shown, "")
    row = fetch_one(
        db,
        "SELECT payload FROM outbox WHERE dedup_key >= ? AND dedup_key < ? "
        "AND method = 'editMessageText' ORDER BY id DESC LIMIT 1",
        [prefix, prefix + "\U0010ffff"],
    )
    return json.loads(row["payload"]).get("text") if row else shown.payload.get("text")


def shown_buttons(db: sqlite_utils.Database, shown: Shown) -> list[list[tuple[str, str]]]:
    """The inline buttons the recipient has now under ``shown``, row by row, as (label,
    token) pairs: the newest correction's, else the send's own (link buttons left out)."""
    prefix = edit_key(shown, "")
    row = fetch_one(
        db,
        "SELECT payload FROM outbox WHERE dedup_key >= ? AND dedup_key < ? "
        "AND method = 'editMessageText' ORDER BY id DESC LIMIT 1",
        [prefix, prefix + "\U0010ffff"],
    )
    payload = json.loads(row["payload"]) if row else shown.payload
    keyboard = (payload.get("reply_markup") or {}).get("inline_keyboard") or []
    return [
        [(b["text"], b["callback_data"]) for b in r if b.get("callback_data")] for r in keyboard
    ]
