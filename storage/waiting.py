"""Requests waiting for a decision: close-outs (销号申请) for a verifier and extensions
(延期申请) for an administrator, oldest first — read alike by the chat's /waiting and
``duban list closeouts`` / ``duban list extensions``."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

import sqlite_utils

from storage.rows import fetch_all


@dataclass(frozen=True)
class Waiting:
    """One request still undecided, with what a decider reads first."""

    item_id: int
    code: str
    problem: str
    unit: str | None
    by: str | None
    asked_at: datetime
    text: str  # the close-out's claim, or the extension's reason
    new_deadline: date | None = None  # extensions only


def _waiting(db: sqlite_utils.Database, table: str, text: str, deadline: str) -> list[Waiting]:
    found = fetch_all(
        db,
        f"SELECT i.id, i.code, i.problem, u.name AS unit, p.name AS who, r.created_at, "
        f"{text} AS text, {deadline} AS new_deadline FROM {table} r "
        "JOIN items i ON i.id = r.item_id LEFT JOIN units u ON u.id = i.unit_id "
        "LEFT JOIN people p ON p.id = r.requested_by "
        "WHERE r.status = 'pending' ORDER BY r.created_at, r.id",
    )
    return [
        Waiting(
            row["id"],
            row["code"],
            row["problem"],
            row["unit"],
            row["who"],
            datetime.fromisoformat(row["created_at"]),
            row["text"] or "",
            date.fromisoformat(row["new_deadline"]) if row["new_deadline"] else None,
        )
        for row in found
    ]


def closeouts_waiting(db: sqlite_utils.Database) -> list[Waiting]:
    """Close-out requests no verifier has approved or returned yet."""
    return _waiting(db, "closeout_requests", "r.text", "NULL")


def extensions_waiting(db: sqlite_utils.Database) -> list[Waiting]:
    """Extension requests no administrator has approved or refused yet."""
    return _waiting(db, "extension_requests", "r.reason", "r.new_deadline")
