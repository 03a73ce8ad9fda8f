"""What contacts send about an item: progress, close-out and extension requests.

Their photos and documents are ``evidence`` rows (storage/evidence.py), written when they
arrive and tied to the report or request here when it is submitted.
"""

from __future__ import annotations

from datetime import date, datetime

import sqlite_utils

from storage.db import insert_row
from storage.rows import fetch_one, fetch_value


def attach_evidence(db: sqlite_utils.Database, ids: list[int], column: str, owner: int) -> None:
    if column not in ("progress_id", "closeout_id"):
        raise ValueError(column)
    for evidence_id in ids:
        db.execute(f"UPDATE evidence SET {column} = ? WHERE id = ?", [owner, evidence_id])


def evidence_of(db: sqlite_utils.Database, column: str, owner: int) -> list[dict]:
    if column not in ("progress_id", "closeout_id"):
        raise ValueError(column)
    return list(
        db["evidence"].rows_where(f"{column} = ? AND withdrawn = 0", [owner], order_by="id")
    )


def add_progress(
    db: sqlite_utils.Database,
    item_id: int,
    person_id: int,
    text: str,
    figure: float | None,
    at: datetime,
    update_id: int | None,
) -> int:
    return insert_row(
        db,
        "progress_reports",
        {
            "item_id": item_id,
            "person_id": person_id,
            "text": text,
            "figure": figure,
            "created_at": at.isoformat(),
            "update_id": update_id,
        },
    )


def latest_progress(db: sqlite_utils.Database, item_id: int) -> dict | None:
    """The item's newest progress report, with how many it has in all (``count``)."""
    row = fetch_one(
        db,
        "SELECT text, figure, created_at, person_id, "
        "(SELECT count(*) FROM progress_reports WHERE item_id = ?) AS count "
        "FROM progress_reports WHERE item_id = ? ORDER BY id DESC LIMIT 1",
        [item_id, item_id],
    )
    return dict(row) if row else None


def latest_figure(
    db: sqlite_utils.Database, item_id: int, *, before_id: int | None = None
) -> dict | None:
    """The newest progress report that recorded a figure (``figure``, ``created_at``,
    ``person_id``, ``id``); with ``before_id``, the newest one older than that report (what
    the ledger said before a close-out's own figure was recorded)."""
    row = fetch_one(
        db,
        "SELECT id, figure, created_at, person_id FROM progress_reports "
        "WHERE item_id = ? AND figure IS NOT NULL AND id < ? ORDER BY id DESC LIMIT 1",
        [item_id, before_id if before_id is not None else 2**62],
    )
    return dict(row) if row else None


def latest_figures(
    db: sqlite_utils.Database, where: str = "1", params: list | tuple = ()
) -> dict[int, float]:
    """Each item's most recently reported figure, for the items ``where`` (a condition on
    ``items i``) picks: the reports' counts and an export's 最新数据 column."""
    rows = db.execute(
        "SELECT p.item_id, p.figure FROM progress_reports p WHERE p.id IN ("
        "  SELECT max(pr.id) FROM progress_reports pr JOIN items i ON i.id = pr.item_id"
        f"  WHERE pr.figure IS NOT NULL AND {where} GROUP BY pr.item_id)",
        list(params),
    )
    return {item_id: figure for item_id, figure in rows}


def figure_at(
    db: sqlite_utils.Database, item_id: int, person_id: int, created_at: str
) -> dict | None:
    """The figure a person recorded on an item at one moment (the one a close-out request
    was submitted with), or None."""
    row = fetch_one(
        db,
        "SELECT id, figure, created_at, person_id FROM progress_reports WHERE item_id = ? "
        "AND person_id = ? AND created_at = ? AND figure IS NOT NULL ORDER BY id DESC LIMIT 1",
        [item_id, person_id, created_at],
    )
    return dict(row) if row else None


def add_closeout(
    db: sqlite_utils.Database,
    item_id: int,
    person_id: int,
    text: str,
    at: datetime,
    update_id: int | None,
) -> int:
    return insert_row(
        db,
        "closeout_requests",
        {
            "item_id": item_id,
            "requested_by": person_id,
            "text": text,
            "created_at": at.isoformat(),
            "update_id": update_id,
        },
    )


def closeout(db: sqlite_utils.Database, request_id: int) -> dict | None:
    return next(iter(db["closeout_requests"].rows_where("id = ?", [request_id])), None)


def pending_closeout(db: sqlite_utils.Database, item_id: int) -> dict | None:
    return next(
        iter(
            db["closeout_requests"].rows_where(
                "item_id = ? AND status = 'pending'", [item_id], order_by="id desc"
            )
        ),
        None,
    )


def last_returned_closeout(db: sqlite_utils.Database, item_id: int) -> int | None:
    """The item's latest close-out request that was returned (its notice asked for 签收)."""
    return fetch_value(
        db,
        "SELECT id FROM closeout_requests WHERE item_id = ? AND status = 'returned' "
        "ORDER BY id DESC LIMIT 1",
        [item_id],
    )


def decide_closeout(
    db: sqlite_utils.Database,
    request_id: int,
    status: str,
    person_id: int,
    at: datetime,
    reason: str | None = None,
) -> bool:
    """Record the verifier's decision; False if the request was decided already."""
    return bool(
        db.execute(
            "UPDATE closeout_requests SET status = ?, decided_by = ?, decided_at = ?, reason = ? "
            "WHERE id = ? AND status = 'pending'",
            [status, person_id, at.isoformat(), reason, request_id],
        ).rowcount
    )


def add_extension(
    db: sqlite_utils.Database,
    item_id: int,
    person_id: int,
    new_deadline: date,
    reason: str,
    at: datetime,
    update_id: int | None,
) -> int:
    return insert_row(
        db,
        "extension_requests",
        {
            "item_id": item_id,
            "requested_by": person_id,
            "new_deadline": new_deadline.isoformat(),
            "reason": reason,
            "created_at": at.isoformat(),
            "update_id": update_id,
        },
    )


def extension(db: sqlite_utils.Database, request_id: int) -> dict | None:
    return next(iter(db["extension_requests"].rows_where("id = ?", [request_id])), None)


def decide_extension(
    db: sqlite_utils.Database, request_id: int, status: str, person_id: int, at: datetime
) -> bool:
    return bool(
        db.execute(
            "UPDATE extension_requests SET status = ?, decided_by = ?, decided_at = ? "
            "WHERE id = ? AND status = 'pending'",
            [status, person_id, at.isoformat(), request_id],
        ).rowcount
    )
