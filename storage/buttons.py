"""Inline buttons resolved on the server: callback_data is only an opaque token."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime

import sqlite_utils

from storage.rows import fetch_one, fetch_value


@dataclass(frozen=True)
class Press:
    token: str
    person_id: int
    action: str
    payload: dict
    expires_at: datetime
    used_at: datetime | None


def resolve(db: sqlite_utils.Database, token: str) -> Press | None:
    if not token or len(token) > 64:
        return None
    row = fetch_one(
        db,
        "SELECT token, person_id, action, payload, expires_at, used_at FROM buttons "
        "WHERE token = ?",
        [token],
    )
    if not row:
        return None
    return Press(
        row["token"],
        row["person_id"],
        row["action"],
        json.loads(row["payload"]),
        datetime.fromisoformat(row["expires_at"]),
        datetime.fromisoformat(row["used_at"]) if row["used_at"] else None,
    )


def use_once(db: sqlite_utils.Database, token: str, at: datetime) -> bool:
    """Mark a single-use button used; False if it was used before (a double tap)."""
    return bool(
        db.execute(
            "UPDATE buttons SET used_at = ? WHERE token = ? AND used_at IS NULL",
            [at.isoformat(), token],
        ).rowcount
    )


def is_used(db: sqlite_utils.Database, token: str) -> bool:
    """Whether a button was used (tapped once, or retired with its siblings)."""
    return bool(fetch_value(db, "SELECT used_at FROM buttons WHERE token = ?", [token]))


def use_all(
    db: sqlite_utils.Database, person_id: int, actions: tuple[str, ...], at: datetime
) -> int:
    """Retire every unused button of these kinds a person holds (the other choices of a
    question once one was taken); returns how many.

    A scan of the person's buttons: this runs when a visit starts, a few times a day.
    """
    marks = ", ".join("?" for _ in actions)
    return db.execute(
        f"UPDATE buttons SET used_at = ? WHERE person_id = ? AND used_at IS NULL "
        f"AND action IN ({marks})",
        [at.isoformat(), person_id, *actions],
    ).rowcount
