"""The outbox: messages the bot owes people, written in the same commit as their cause.

A row is marked sent only after the platform said ok, so delivery is at least once. The
unique ``dedup_key`` makes queuing the same message twice (a re-run update, a repeated
sweep) a no-op. A row names its chat as an ``Address`` (stored as ``platform`` and
``chat``, the platform's id as text); its ``method`` and ``payload`` are that platform's
rendering of the message (bot/platforms/), so the sender replays exactly what was queued.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import NamedTuple

import sqlite_utils

from bot.chat import Address
from bot.domain.delivery import HOLD_ATTEMPTS
from bot.logs import redact
from storage.rows import fetch_all, fetch_one, fetch_value


@dataclass(frozen=True)
class Outgoing:
    id: int
    to: Address
    method: str
    payload: dict
    attempts: int


def enqueue(
    db: sqlite_utils.Database,
    *,
    key: str,
    to: Address,
    method: str,
    payload: dict,
    at: datetime,
    not_before: datetime | None = None,
) -> bool:
    """Queue a message; False if one with this key was queued before."""
    cursor = db.execute(
        "INSERT OR IGNORE INTO outbox (dedup_key, platform, chat, method, payload, created_at, "
        "not_before) VALUES (?, ?, ?, ?, ?, ?, ?)",
        [
            key,
            to.platform,
            to.id,
            method,
            json.dumps(payload, ensure_ascii=False),
            at.isoformat(),
            # Compared as text with UTC moments: a local-time not_before must be UTC too.
            (not_before or at).astimezone(UTC).isoformat(),
        ],
    )
    return cursor.rowcount == 1


def due(
    db: sqlite_utils.Database,
    now: datetime,
    limit: int = 200,
    skip: frozenset[int] = frozenset(),
    platform: str | None = None,
) -> list[Outgoing]:
    """Rows to send now, oldest first.

    A row waiting for a retry holds back the later rows of its chat that were queued in
    the same transaction (they share ``created_at``: an album and its confirmation, the
    evidence and its card), and, during its first ``HOLD_ATTEMPTS`` attempts, every later
    row of the chat. After that newer rows go ahead of it (bot/domain/delivery.py).

    ``skip`` holds the rows the sender already has on their way: they are left out in
    SQL, so their payloads are not read and decoded again on every pass. ``platform``
    keeps one platform's rows (each platform has its own sender); None takes all.
    """
    rows = fetch_all(
        db,
        "SELECT id, platform, chat, method, payload, attempts FROM outbox AS o "
        "WHERE status = 'pending' AND not_before <= :now "
        "AND (:platform IS NULL OR platform = :platform) "
        "AND id NOT IN (SELECT value FROM json_each(:skip)) AND NOT EXISTS ("
        "  SELECT 1 FROM outbox AS earlier WHERE earlier.platform = o.platform"
        "  AND earlier.chat = o.chat AND earlier.status = 'pending' AND earlier.id < o.id"
        "  AND earlier.attempts > 0"
        "  AND earlier.not_before > :now"
        "  AND (earlier.attempts < :hold OR earlier.created_at = o.created_at)) "
        "ORDER BY id LIMIT :limit",
        {
            "now": now.isoformat(),
            "limit": limit,
            "skip": json.dumps(sorted(skip)),
            "hold": HOLD_ATTEMPTS,
            "platform": platform,
        },
    )
    return [
        Outgoing(
            r["id"],
            Address(r["platform"], r["chat"]),
            r["method"],
            json.loads(r["payload"]),
            r["attempts"],
        )
        for r in rows
    ]


def due_and_next(
    db: sqlite_utils.Database,
    now: datetime,
    limit: int = 200,
    skip: frozenset[int] = frozenset(),
    platform: str | None = None,
) -> tuple[list[Outgoing], datetime | None]:
    """``due`` and ``next_due_at`` in one visit to the database thread."""
    return due(db, now, limit, skip, platform), next_due_at(db, platform)


def next_due_at(db: sqlite_utils.Database, platform: str | None = None) -> datetime | None:
    soonest = fetch_value(
        db,
        "SELECT min(not_before) FROM outbox WHERE status = 'pending' "
        "AND (:platform IS NULL OR platform = :platform)",
        {"platform": platform},
    )
    return datetime.fromisoformat(soonest) if soonest else None


def mark_sent(
    db: sqlite_utils.Database,
    row_id: int,
    message_id: int | None,
    at: datetime,
    sent_payload: dict | None = None,
) -> None:
    """Record delivery. If the row's text was rewritten while it was on its way (see
    ``replace_pending``), queue an edit of the message just sent or edited, so the newer
    text still reaches the chat.

    Both writes belong together; the sender runs this inside its transaction of outcomes
    (one savepoint for the batch, not one per message).
    """
    row = fetch_one(
        db,
        "UPDATE outbox SET status = 'sent', sent_at = ?, message_id = ?, "
        "attempts = attempts + 1 WHERE id = ? RETURNING dedup_key, platform, chat, method, payload",
        [at.isoformat(), message_id, row_id],
    )
    if row is None or sent_payload is None or message_id is None:
        return
    key, method, payload = row["dedup_key"], row["method"], json.loads(row["payload"])
    to = Address(row["platform"], row["chat"])
    # An edit can be rewritten on its way too (coalesce rewrites the series' newest row).
    if method in ("sendMessage", "editMessageText") and payload != sent_payload:
        enqueue(
            db,
            key=f"{key}:edit",
            to=to,
            method="editMessageText",
            payload=_as_edit(payload, message_id),
            at=at,
        )


# What an editMessageText may carry over from a sendMessage payload.
_EDITABLE = ("chat_id", "text", "parse_mode", "entities", "reply_markup", "link_preview_options")


def _as_edit(payload: dict, message_id: int) -> dict:
    return {k: v for k, v in payload.items() if k in _EDITABLE} | {"message_id": message_id}


def mark_retry(
    db: sqlite_utils.Database,
    row_id: int,
    error: str,
    not_before: datetime,
    failed_at: datetime | None = None,
) -> None:
    """A failed send to try again at ``not_before``; the first failure's moment is kept
    (``failing_since``) so a row failing for a day can be given up."""
    db.execute(
        "UPDATE outbox SET attempts = attempts + 1, last_error = ?, not_before = ?, "
        "failing_since = coalesce(failing_since, ?) WHERE id = ?",
        [
            redact(error)[:2000],
            not_before.astimezone(UTC).isoformat(),
            (failed_at or not_before).astimezone(UTC).isoformat(),
            row_id,
        ],
    )


def release_waiting(db: sqlite_utils.Database, error: str, now: datetime) -> int:
    """Rows put off with ``error`` are due now: what they waited for has come (a file
    downloaded). Returns how many."""
    return db.execute(
        "UPDATE outbox SET not_before = ? WHERE status = 'pending' AND last_error = ? "
        "AND not_before > ?",
        [now.astimezone(UTC).isoformat(), error, now.astimezone(UTC).isoformat()],
    ).rowcount


def failing_since(db: sqlite_utils.Database, row_id: int) -> datetime | None:
    """When the row's sends began to fail, if they have."""
    since = fetch_value(db, "SELECT failing_since FROM outbox WHERE id = ?", [row_id])
    return datetime.fromisoformat(since) if since else None


class Notice(NamedTuple):
    """What a dead row was (unpacks as ``key, to, method, payload``)."""

    key: str
    to: Address
    method: str
    payload: dict


def row_for_notice(db: sqlite_utils.Database, row_id: int) -> Notice | None:
    """A row's key, chat, method and payload, to tell the administrators it died."""
    row = fetch_one(
        db, "SELECT dedup_key, platform, chat, method, payload FROM outbox WHERE id = ?", [row_id]
    )
    if row is None:
        return None
    to = Address(row["platform"], row["chat"])
    return Notice(row["dedup_key"], to, row["method"], json.loads(row["payload"]))


def mark_dead(db: sqlite_utils.Database, row_id: int, error: str) -> None:
    db.execute(
        "UPDATE outbox SET status = 'dead', attempts = attempts + 1, last_error = ? WHERE id = ?",
        [redact(error)[:2000], row_id],
    )


def sent_message_id(db: sqlite_utils.Database, key: str) -> int | None:
    """The Telegram message id of a sent row (to edit it later), if it was sent."""
    return fetch_value(
        db, "SELECT message_id FROM outbox WHERE dedup_key = ? AND status = 'sent'", [key]
    )


def replace_pending(
    db: sqlite_utils.Database,
    key: str,
    payload: dict,
    not_before: datetime | None = None,
) -> bool:
    """Rewrite a message still waiting to be sent (e.g. "5 photos received" as an album's
    photos arrive one update at a time); False if it was sent already, is dead, or was
    never queued.

    Moving ``not_before`` later lets a burst settle before the one message goes out.

    A row waiting for a retry (``attempts > 0``: its send failed with a timeout or a 5xx) is
    rewritten too, so the retry carries the newest text instead of the series gaining a
    second message. Its ``not_before`` is then only ever moved later: the sender chose the
    retry time, perhaps honouring Telegram's ``retry_after``, and sending sooner would
    break it. A row rewritten while its send is in flight, tried before or not, is followed
    by an edit (``mark_sent`` compares the text sent with the text stored).
    """
    cursor = db.execute(
        "UPDATE outbox SET payload = :payload, not_before = CASE WHEN attempts > 0 "
        # UTC ISO strings, as mark_retry and enqueue write them, compare in time order.
        "THEN max(not_before, coalesce(:not_before, not_before)) "
        "ELSE coalesce(:not_before, not_before) END "
        "WHERE dedup_key = :key AND status = 'pending'",
        {
            "payload": json.dumps(payload, ensure_ascii=False),
            "not_before": not_before.astimezone(UTC).isoformat() if not_before else None,
            "key": key,
        },
    )
    return cursor.rowcount == 1


def coalesce(
    db: sqlite_utils.Database,
    *,
    prefix: str,
    to: Address,
    method: str,
    payload: dict,
    at: datetime,
    not_before: datetime,
) -> str:
    """Keep one message per series up to date: rewrite it while it waits, edit it once sent.

    The series is every row whose key starts with ``prefix``. If its newest row is still
    waiting, that row is rewritten (and its send time moved to ``not_before``, never earlier
    than a retry's); if the message is already on the phone, an edit of it is queued;
    otherwise a new message is. A row waiting for a retry after a failed send is still
    waiting: rewriting it keeps the series one message (see ``replace_pending``). A row
    rewritten while on its way is followed by an edit (see ``mark_sent``). Returns the key
    used.
    """
    row = fetch_one(
        db,
        "SELECT dedup_key, status, method, payload, message_id FROM outbox "
        "WHERE dedup_key >= ? AND dedup_key < ? ORDER BY id DESC LIMIT 1",
        [prefix, prefix + "\U0010ffff"],
    )
    shown = None
    if row is not None and method == "sendMessage":
        key, status = row["dedup_key"], row["status"]
        row_method, row_payload, row_message_id = row["method"], row["payload"], row["message_id"]
        if row_method == "editMessageText":
            shown = json.loads(row_payload)["message_id"]
        elif status == "sent":
            shown = row_message_id
        if status == "pending":
            new = _as_edit(payload, shown) if shown is not None else payload
            replace_pending(db, key, new, not_before)
            return key
    count = 0
    if row is not None:
        # The highest number as well as the count: once retention pruned a series' older
        # rows (bot/domain/retention.py), the count alone would name a key still in use,
        # and the INSERT OR IGNORE below would drop the message without a word.
        count = fetch_value(
            db,
            "SELECT max(count(*), coalesce(max(CAST(substr(dedup_key, ?) AS INTEGER)), 0)) "
            "FROM outbox WHERE dedup_key >= ? AND dedup_key < ?",
            [len(prefix) + 1, prefix, prefix + "\U0010ffff"],
        )
    key = f"{prefix}{count + 1}"
    if shown is not None:
        method, payload, not_before = "editMessageText", _as_edit(payload, shown), at
    enqueue(db, key=key, to=to, method=method, payload=payload, at=at, not_before=not_before)
    return key
