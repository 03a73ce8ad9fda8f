"""The durable inbox: every raw update is committed here before Telegram forgets it.

Telegram re-sends an update until a later ``getUpdates`` offset confirms it, so writing the
batch here first, and only then asking for the next batch, means a crash loses nothing.
"""

from __future__ import annotations

import json
from datetime import datetime

import sqlite_utils

MAX_ATTEMPTS = 3


def save_updates(db: sqlite_utils.Database, updates: list[dict], at: datetime) -> int:
    """Store a batch in one commit; an update seen before is ignored. Returns new rows."""
    received = at.isoformat()
    with db.atomic():
        cursor = db.conn.executemany(
            "INSERT OR IGNORE INTO inbox (update_id, raw, received_at) VALUES (?, ?, ?)",
            [(u["update_id"], json.dumps(u, ensure_ascii=False), received) for u in updates],
        )
        return cursor.rowcount


def next_offset(db: sqlite_utils.Database) -> int | None:
    row = db.execute("SELECT max(update_id) FROM inbox").fetchone()
    return row[0] + 1 if row and row[0] is not None else None


def pending(
    db: sqlite_utils.Database, limit: int, taken: frozenset[int]
) -> tuple[list[int], list[tuple[int, dict]]]:
    """Which of the ``taken`` updates are finished (no longer pending), and the oldest
    pending updates not taken yet, with their raw JSON — at most ``limit`` taken and new
    together, so a backlog after downtime is read a slice at a time."""
    marks = json.dumps(sorted(taken))
    finished = [
        row[0]
        for row in db.execute(
            "SELECT value FROM json_each(?) AS t WHERE NOT EXISTS ("
            "  SELECT 1 FROM inbox WHERE update_id = t.value AND status = 'pending')",
            [marks],
        )
    ]
    room = limit - (len(taken) - len(finished))
    if room <= 0:
        return finished, []
    rows = db.execute(
        "SELECT update_id, raw FROM inbox WHERE status = 'pending' "
        "AND update_id NOT IN (SELECT value FROM json_each(?)) ORDER BY update_id LIMIT ?",
        [marks, room],
    ).fetchall()
    return finished, [(update_id, json.loads(raw)) for update_id, raw in rows]


def is_done(db: sqlite_utils.Database, update_id: int) -> bool:
    row = db.execute("SELECT status FROM inbox WHERE update_id = ?", [update_id]).fetchone()
    return bool(row) and row[0] != "pending"


def mark_done(db: sqlite_utils.Database, update_id: int, at: datetime) -> None:
    db.execute(
        "UPDATE inbox SET status = 'done', processed_at = ? "
        "WHERE update_id = ? AND status = 'pending'",
        [at.isoformat(), update_id],
    )


def mark_failed(
    db: sqlite_utils.Database, update_id: int, error: str, at: datetime, *, final: bool = False
) -> str:
    """Count a failed attempt; the third (or a ``final`` one) sets the update aside."""
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
        row = db.execute("SELECT status FROM inbox WHERE update_id = ?", [update_id]).fetchone()
        return row[0] if row else "missing"


def set_aside(db: sqlite_utils.Database) -> list[dict]:
    return list(db["inbox"].rows_where("status = 'set_aside'", order_by="update_id"))
