"""The durable inbox: every raw update is committed here before the platform forgets it.

Telegram re-sends an update until a later ``getUpdates`` offset confirms it, so writing the
batch here first, and only then asking for the next batch, means a crash loses nothing.

A failed attempt is counted in the row with its time (``processed_at``); the row is not due
again until the pause for that many failures has passed (bot/domain/retries.py), so the
backoff survives a restart. After the last attempt the row is set aside, until an
administrator replays it (``/stuck`` or ``duban inbox retry``).
"""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import NamedTuple

import sqlite_utils

from bot.domain.audit import AuditAction, Origin
from bot.domain.people import DINGTALK, TELEGRAM
from bot.domain.retries import MAX_ATTEMPTS, PAUSES, retry_at
from storage.audit import record
from storage.rows import fetch_all, fetch_one, fetch_value, fetch_values

# A pending row is due when it never failed, or when the pause after its failures is over:
# its last failure is no later than ``now`` minus that pause. The cut-offs are passed in
# (``_cutoffs``) and both sides read by julianday(), so a row due exactly now is due, with
# no rounding of added seconds in between.
_DUE = (
    "(attempts = 0 OR julianday(processed_at) <= julianday(CASE attempts "
    + " ".join(f"WHEN {n} THEN ?" for n in range(1, len(PAUSES)))
    + " ELSE ? END))"
)


def _cutoffs(now: datetime) -> list[str]:
    return [(now - timedelta(seconds=pause)).isoformat() for pause in PAUSES]


def save_updates(db: sqlite_utils.Database, updates: list[dict], at: datetime) -> int:
    """Store a batch of Telegram updates in one commit; an update seen before is ignored.
    Returns new rows.

    A row is keyed by its platform and that platform's id of the update as text
    (``event``), so another platform's string ids sit beside Telegram's; ``update_id``, the
    number the rest of the bot names an update by (audit events, dedup keys, ``/stuck``),
    is Telegram's own for its updates, so ``next_offset`` and every record made before
    0012 keep meaning what they meant. Another platform's adapter numbers its events when
    it stores them, with numbers Telegram never uses (Telegram's are positive).
    """
    received = at.isoformat()
    with db.atomic():
        cursor = db.conn.executemany(
            "INSERT OR IGNORE INTO inbox (update_id, platform, event, raw, received_at) "
            "VALUES (?, ?, ?, ?, ?)",
            [
                (
                    u["update_id"],
                    TELEGRAM,
                    str(u["update_id"]),
                    json.dumps(u, ensure_ascii=False),
                    received,
                )
                for u in updates
            ],
        )
        return cursor.rowcount


def save_dingtalk(db: sqlite_utils.Database, event: str, raw: dict, at: datetime) -> int | None:
    """Store one DingTalk frame (a robot message or a card tap) in its own commit; returns
    its update_id, or None when a frame with this ``event`` id was stored before (DingTalk
    pushes an unacknowledged callback again).

    DingTalk rows are numbered -1, -2, … in the order they arrive: Telegram's numbers are
    positive, so the two never meet, and ``next_offset`` reads only Telegram's.
    """
    with db.atomic():  # IMMEDIATE: the number is read and taken under the write lock
        newest = fetch_value(db, "SELECT min(update_id) FROM inbox WHERE update_id < 0")
        update_id = (newest or 0) - 1
        cursor = db.execute(
            "INSERT OR IGNORE INTO inbox (update_id, platform, event, raw, received_at) "
            "VALUES (?, ?, ?, ?, ?)",
            [update_id, DINGTALK, event, json.dumps(raw, ensure_ascii=False), at.isoformat()],
        )
        return update_id if cursor.rowcount else None


def next_offset(db: sqlite_utils.Database) -> int | None:
    """The ``getUpdates`` offset that confirms every Telegram update stored."""
    newest = fetch_value(db, "SELECT max(update_id) FROM inbox WHERE platform = ?", [TELEGRAM])
    return newest + 1 if newest is not None else None


class PendingUpdate(NamedTuple):
    """A pending update and its raw JSON (unpacks as ``update_id, raw``)."""

    update_id: int
    raw: dict


def pending(
    db: sqlite_utils.Database,
    limit: int,
    taken: frozenset[int],
    now: datetime,
    platform: str = TELEGRAM,
) -> tuple[list[int], list[PendingUpdate]]:
    """Which of the ``taken`` updates are finished (no longer pending), and the oldest
    pending updates of ``platform`` not taken yet and due at ``now`` (not pausing after a
    failure), with their raw JSON — at most ``limit`` taken and new together, so a backlog
    after downtime is read a slice at a time. Each platform's processor reads its own rows;
    DingTalk's numbers count down (``save_dingtalk``), so its oldest come first by -update_id."""
    marks = json.dumps(sorted(taken))
    finished = fetch_values(
        db,
        "SELECT value FROM json_each(?) AS t WHERE NOT EXISTS ("
        "  SELECT 1 FROM inbox WHERE update_id = t.value AND status = 'pending')",
        [marks],
    )
    room = limit - (len(taken) - len(finished))
    if room <= 0:
        return finished, []
    order = "update_id" if platform == TELEGRAM else "-update_id"
    rows = fetch_all(
        db,
        "SELECT update_id, raw FROM inbox WHERE status = 'pending' AND platform = ? AND "
        + _DUE
        + " AND update_id NOT IN (SELECT value FROM json_each(?)) ORDER BY "
        + order
        + " LIMIT ?",
        [platform, *_cutoffs(now), marks, room],
    )
    return finished, [PendingUpdate(row["update_id"], json.loads(row["raw"])) for row in rows]


def is_done(db: sqlite_utils.Database, update_id: int) -> bool:
    status = fetch_value(db, "SELECT status FROM inbox WHERE update_id = ?", [update_id])
    return status is not None and status != "pending"


def mark_done(db: sqlite_utils.Database, update_id: int, at: datetime) -> None:
    db.execute(
        "UPDATE inbox SET status = 'done', processed_at = ? "
        "WHERE update_id = ? AND status = 'pending'",
        [at.isoformat(), update_id],
    )


def mark_failed(
    db: sqlite_utils.Database, update_id: int, error: str, at: datetime, *, final: bool = False
) -> str:
    """Count a failed attempt; the last (or a ``final`` one) sets the update aside.
    Returns the row's status: ``pending`` (due again after a pause) or ``set_aside``."""
    with db.atomic():
        db.execute(
            "UPDATE inbox SET attempts = attempts + 1, last_error = ?, processed_at = ? "
            "WHERE update_id = ? AND status = 'pending'",
            [error[:2000], at.isoformat(), update_id],
        )
        db.execute(
            "UPDATE inbox SET status = 'set_aside' "
            "WHERE update_id = ? AND status = 'pending' AND (attempts >= ? OR ?)",
            [update_id, MAX_ATTEMPTS, int(final)],
        )
        status = fetch_value(db, "SELECT status FROM inbox WHERE update_id = ?", [update_id])
        return "missing" if status is None else status


def next_retry(db: sqlite_utils.Database, update_id: int) -> datetime | None:
    """When a pending row that failed before is due again (None: due now, or not pending)."""
    row = fetch_one(
        db,
        "SELECT attempts, processed_at FROM inbox "
        "WHERE update_id = ? AND status = 'pending' AND attempts > 0",
        [update_id],
    )
    if row is None or row["processed_at"] is None:
        return None
    return retry_at(datetime.fromisoformat(row["processed_at"]), row["attempts"])


@dataclass(frozen=True)
class SetAside:
    """An update that failed every attempt, as the office sees it in ``/stuck``."""

    update_id: int
    raw: dict
    received_at: datetime
    failed_at: datetime | None
    attempts: int
    error: str


def set_aside(db: sqlite_utils.Database, limit: int = 1000) -> tuple[int, list[SetAside]]:
    """How many updates are set aside, and the oldest ``limit`` of them."""
    count = fetch_value(db, "SELECT count(*) FROM inbox WHERE status = 'set_aside'")
    rows = fetch_all(
        db,
        _SET_ASIDE_SELECT + "WHERE status = 'set_aside' ORDER BY update_id LIMIT ?",
        [limit],
    )
    return count, [_set_aside(row) for row in rows]


def set_aside_row(db: sqlite_utils.Database, update_id: int) -> SetAside | None:
    """One set-aside update (None if it is not set aside, or not there)."""
    row = fetch_one(
        db, _SET_ASIDE_SELECT + "WHERE update_id = ? AND status = 'set_aside'", [update_id]
    )
    return _set_aside(row) if row else None


_SET_ASIDE_SELECT = (
    "SELECT update_id, raw, received_at, processed_at, attempts, last_error FROM inbox "
)


def _set_aside(row: sqlite3.Row) -> SetAside:
    failed_at = row["processed_at"]  # the time of the last failed attempt
    return SetAside(
        row["update_id"],
        _json_or_empty(row["raw"]),
        datetime.fromisoformat(row["received_at"]),
        datetime.fromisoformat(failed_at) if failed_at else None,
        row["attempts"],
        row["last_error"] or "",
    )


def _json_or_empty(raw: str) -> dict:
    """The stored JSON; a malformed update was stored as Telegram sent it, maybe not JSON."""
    try:
        value = json.loads(raw)
    except ValueError:
        return {}
    return value if isinstance(value, dict) else {}


def replay(db: sqlite_utils.Database, update_id: int, origin: Origin) -> str:
    """Put a set-aside update back in line as if it had just arrived (no attempts counted),
    audited. Returns ``replayed``, or why not: ``pending``, ``done`` or ``missing``."""
    with db.atomic():
        row = db.execute(
            "SELECT status, attempts, last_error FROM inbox WHERE update_id = ?", [update_id]
        ).fetchone()
        if row is None:
            return "missing"
        status, attempts, error = row
        if status != "set_aside":
            return status
        db.execute(
            "UPDATE inbox SET status = 'pending', attempts = 0 WHERE update_id = ?", [update_id]
        )
        record(
            db,
            origin,
            entity="inbox",
            action=AuditAction.REPLAY,
            entity_id=update_id,
            before={"status": status, "attempts": attempts, "last_error": error},
            after={"status": "pending", "attempts": 0},
        )
        return "replayed"
