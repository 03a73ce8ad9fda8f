"""What the bot is waiting for from each person, kept in a row so restarts resume it."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime

import sqlite_utils

from storage.rows import fetch_one


@dataclass(frozen=True)
class Dialog:
    state: str
    data: dict


def get(db: sqlite_utils.Database, person_id: int) -> Dialog | None:
    row = fetch_one(db, "SELECT state, data FROM dialogs WHERE person_id = ?", [person_id])
    return Dialog(row["state"], json.loads(row["data"])) if row else None


def put(db: sqlite_utils.Database, person_id: int, state: str, data: dict, at: datetime) -> None:
    db["dialogs"].upsert(
        {
            "person_id": person_id,
            "state": state,
            "data": json.dumps(data, ensure_ascii=False),
            "updated_at": at.isoformat(),
        },
        pk="person_id",
    )


def clear(db: sqlite_utils.Database, person_id: int) -> None:
    db.execute("DELETE FROM dialogs WHERE person_id = ?", [person_id])
