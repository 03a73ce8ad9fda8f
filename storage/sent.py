"""Messages the bot sent earlier, found again by their outbox keys so they can be corrected.

A message is a series of outbox rows sharing a key prefix (see ``outbox.coalesce``): the
first row sends it, later rows edit it. What a person sees is the newest row's text.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

import sqlite_utils

from storage.rows import fetch_all, fetch_one


@dataclass(frozen=True)
class Shown:
    """One message of a series as the recipient has it, or will have it."""

    key: str  # the outbox key of the row that sent it
    chat_id: int
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
        "SELECT dedup_key, chat_id, status, message_id, payload FROM outbox "
        "WHERE dedup_key >= ? AND dedup_key < ? AND method = 'sendMessage' ORDER BY id",
        [key_prefix, key_prefix + "\U0010ffff"],
    )
    return [
        Shown(r["dedup_key"], r["chat_id"], r["status"], r["message_id"], json.loads(r["payload"]))
        for r in rows
    ]
