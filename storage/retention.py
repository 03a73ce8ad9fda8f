"""Pruning old rows in bounded batches (the rules: bot/domain/retention.py).

Each function here is one batch: it reads at most ``limit`` rows by their key, changes
what qualifies among them and says where the next batch starts (None when the table is
done), so the daily job (bot/jobs/retention.py) holds the database for milliseconds at a
time and every write of the bot can come in between. Walking by key rather than asking
"which rows qualify" needs no new index on these busy tables and reads each row once.
"""

from __future__ import annotations

from datetime import datetime
from typing import NamedTuple

import sqlite_utils

from storage.rows import fetch_all, fetch_one, fetch_value, fetch_values

# What a processed update's raw column holds once its text is dropped: still valid JSON.
DROPPED = "{}"
FIRST = -(2**63)  # before every key (DingTalk's updates are numbered below Telegram's)


class Step(NamedTuple):
    """One batch's outcome: rows changed, and the key to start the next batch after."""

    changed: int
    last: int | None  # None: nothing after this batch


def drop_update_texts(db: sqlite_utils.Database, before: datetime, after: int, limit: int) -> Step:
    """Empty the raw JSON of done updates processed before ``before``; the row, its id and
    status stay (the poller and the platforms' dedup look ids up). Pending and set-aside
    updates keep theirs: they still have to be handled or replayed."""
    ids = fetch_values(
        db, "SELECT update_id FROM inbox WHERE update_id > ? ORDER BY update_id LIMIT ?",
        [after, limit],
    )  # fmt: skip
    if not ids:
        return Step(0, None)
    changed = db.execute(
        "UPDATE inbox SET raw = ? WHERE update_id BETWEEN ? AND ? AND status = 'done' "
        "AND raw != ? AND julianday(processed_at) < julianday(?)",
        [DROPPED, ids[0], ids[-1], DROPPED, before.isoformat()],
    ).rowcount
    return Step(changed, ids[-1])


class Shown(NamedTuple):
    """A message on a phone: its platform, chat and the platform's message id."""

    platform: str
    chat: str
    message_id: int


# The message a row is about: a send's own id once sent, an edit's (or deletion's) target.
_MESSAGE = "coalesce(json_extract(payload, '$.message_id'), message_id)"


def young_messages_from(db: sqlite_utils.Database, before: datetime) -> int | None:
    """The first outbox id created at or after ``before`` (None: every row is older).

    Rows are written in time order, so a binary search over ids finds it in a few dozen
    primary-key reads instead of a scan of the whole outbox."""
    cutoff = before.isoformat()
    ends = fetch_one(db, "SELECT min(id) AS low, max(id) AS high FROM outbox")
    low, high = (ends["low"], ends["high"]) if ends is not None else (None, None)
    if high is None or not _young_from(db, high, cutoff):
        return None
    while low < high:  # the smallest id whose next row is young
        middle = (low + high) // 2
        if _young_from(db, middle, cutoff):
            high = middle
        else:
            low = middle + 1
    return fetch_value(db, "SELECT min(id) FROM outbox WHERE id >= ?", [low])


def _young_from(db: sqlite_utils.Database, from_id: int, cutoff: str) -> bool:
    """Whether the first row at or after ``from_id`` was created at or after ``cutoff``."""
    return bool(
        fetch_value(
            db,
            "SELECT julianday(created_at) >= julianday(?) FROM outbox WHERE id >= ? "
            "ORDER BY id LIMIT 1",
            [cutoff, from_id],
        )
    )


def messages_in_use(
    db: sqlite_utils.Database, young_from: int | None, sent_before: datetime
) -> set[Shown]:
    """Messages still being edited, or still to be: those a recent or unsent row refers to
    (an edit sent in the last 30 days, one waiting to go), and the administrators' messages
    holding an invitation link nobody has used or revoked yet (bot/services/invitations.py
    edits that message when it is; an invitation may be valid for up to a year). Their
    older rows stay with them: sent.py reads a message's first row."""
    rows = fetch_all(
        db,
        f"SELECT platform, chat, {_MESSAGE} AS message FROM outbox WHERE status = 'pending' "
        f"UNION SELECT platform, chat, {_MESSAGE} FROM outbox WHERE id >= ? "
        "AND (status != 'sent' OR julianday(sent_at) >= julianday(?)) "
        "UNION SELECT o.platform, o.chat, "
        "coalesce(json_extract(o.payload, '$.message_id'), o.message_id) "
        "FROM invitations i JOIN outbox o ON o.dedup_key = i.message_key "
        "WHERE i.used_at IS NULL AND i.revoked_at IS NULL",
        [young_from if young_from is not None else 2**63 - 1, sent_before.isoformat()],
    )
    return {Shown(r["platform"], r["chat"], r["message"]) for r in rows if r["message"]}


def prune_sent_messages(
    db: sqlite_utils.Database,
    before: datetime,
    in_use: set[Shown],
    after: int,
    until: int | None,
    limit: int,
) -> Step:
    """Delete sent rows sent before ``before`` among the next ``limit`` ids below
    ``until`` (the first young row), unless their message is ``in_use``. Pending and dead
    rows are never deleted."""
    bound = until if until is not None else 2**63 - 1
    rows = fetch_all(
        db,
        f"SELECT id, platform, chat, {_MESSAGE} AS message, status = 'sent' "
        "AND julianday(sent_at) < julianday(?) AS old FROM outbox "
        "WHERE id > ? AND id < ? ORDER BY id LIMIT ?",
        [before.isoformat(), after, bound, limit],
    )
    if not rows:
        return Step(0, None)
    doomed = [
        r["id"]
        for r in rows
        if r["old"] and Shown(r["platform"], r["chat"], r["message"]) not in in_use
    ]
    for start in range(0, len(doomed), 500):
        chunk = doomed[start : start + 500]
        db.execute(f"DELETE FROM outbox WHERE id IN ({', '.join('?' * len(chunk))})", chunk)
    return Step(len(doomed), rows[-1]["id"])


def prune_buttons(db: sqlite_utils.Database, before: datetime, after: int, limit: int) -> Step:
    """Delete the meaning of buttons that expired before ``before``, walking by rowid (the
    order they were made in). A tap on one is refused as expired either way
    (handlers/dispatch.py treats an unknown token as an expired one)."""
    ids = fetch_values(
        db, "SELECT rowid FROM buttons WHERE rowid > ? ORDER BY rowid LIMIT ?", [after, limit]
    )
    if not ids:
        return Step(0, None)
    changed = db.execute(
        "DELETE FROM buttons WHERE rowid BETWEEN ? AND ? AND julianday(expires_at) < julianday(?)",
        [ids[0], ids[-1], before.isoformat()],
    ).rowcount
    return Step(changed, ids[-1])
