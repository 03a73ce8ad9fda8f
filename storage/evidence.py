"""Evidence rows: what a person sent (file ids, sizes, captions) and where its bytes are.

A row is written in the transaction of the update that brought the file, with
``stored='pending'`` and the ``platform`` the file came from; that platform's download job
(bot/platforms/telegram/media.py, bot/platforms/dingtalk/media.py) fetches the bytes later
and records their sha256. A row is never deleted: withdrawing marks it, moving changes its
item.

The sha256 is also written into the audit hash chain as it is recorded (``file_stored``):
the evidence table itself is not append-only, so without that someone with the file could
swap a photo and its row's sha256 together and ``duban verify`` would find them agreeing.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from datetime import datetime

import sqlite_utils

from bot.domain.audit import AuditAction, Origin
from bot.domain.visits import MediaIn
from storage.audit import record
from storage.db import insert_row
from storage.ledger import iso
from storage.rows import fetch_all, fetch_one, fetch_value

# Which item an evidence row belongs to: its own ``item_id`` (set when it was sent to an
# item or moved), else that of its finding, progress report or close-out request. One
# definition for /history, dossiers and exports, so they never disagree about a file.
ITEM_JOINS = (
    "LEFT JOIN findings f ON f.id = e.finding_id "
    "LEFT JOIN progress_reports p ON p.id = e.progress_id "
    "LEFT JOIN closeout_requests r ON r.id = e.closeout_id"
)
ITEM_OF = "coalesce(e.item_id, f.item_id, p.item_id, r.item_id)"


@dataclass(frozen=True)
class Evidence:
    id: int
    item_id: int | None
    finding_id: int | None
    person_id: int | None
    kind: str
    file_id: str | None
    stored: str
    withdrawn: bool
    taken_at: datetime


@dataclass(frozen=True)
class PendingFile:
    id: int
    file_id: str
    attempts: int


def add_evidence(
    db: sqlite_utils.Database,
    *,
    media: MediaIn,
    finding_id: int | None,
    item_id: int | None,
    person_id: int,
    at: datetime,
    update_id: int | None,
) -> int:
    return insert_row(
        db,
        "evidence",
        {
            "item_id": item_id,
            "finding_id": finding_id,
            "person_id": person_id,
            "kind": media.kind,
            "file_id": media.file_id,
            "file_unique_id": media.file_unique_id,
            "file_name": media.file_name,
            "mime_type": media.mime_type,
            "size": media.size,
            "caption": media.caption,
            "taken_at": iso(media.taken_at),
            # Telegram refuses to hand out files over 20 MB: keep the record, not bytes.
            "stored": "too_big" if media.too_big else "pending",
            "created_at": iso(at),
            "update_id": update_id,
            "platform": media.platform,
        },
    )


_SELECT = (
    "SELECT id, item_id, finding_id, person_id, kind, file_id, stored, withdrawn, taken_at "
    "FROM evidence"
)


def _evidence(row: sqlite3.Row) -> Evidence:
    return Evidence(
        row["id"],
        row["item_id"],
        row["finding_id"],
        row["person_id"],
        row["kind"],
        row["file_id"],
        row["stored"],
        bool(row["withdrawn"]),
        datetime.fromisoformat(row["taken_at"]),
    )


def get_evidence(db: sqlite_utils.Database, evidence_id: int) -> Evidence | None:
    row = fetch_one(db, f"{_SELECT} WHERE id = ?", [evidence_id])
    return _evidence(row) if row else None


def of_finding(db: sqlite_utils.Database, finding_id: int) -> list[Evidence]:
    rows = fetch_all(
        db, f"{_SELECT} WHERE finding_id = ? AND withdrawn = 0 ORDER BY id", [finding_id]
    )
    return [_evidence(row) for row in rows]


def count_by_kind(db: sqlite_utils.Database, where: str, params: list) -> dict[str, int]:
    rows = fetch_all(
        db,
        f"SELECT kind, count(*) AS n FROM evidence WHERE withdrawn = 0 AND {where} GROUP BY kind",
        params,
    )
    return {row["kind"]: row["n"] for row in rows}


def finding_files(db: sqlite_utils.Database, finding_id: int) -> tuple[dict[str, int], int]:
    """A finding's files counted by kind, and how many of them were too big to download."""
    rows = fetch_all(
        db,
        "SELECT kind, count(*) AS n, sum(stored = 'too_big') AS too_big FROM evidence "
        "WHERE withdrawn = 0 AND finding_id = ? GROUP BY kind",
        [finding_id],
    )
    return {row["kind"]: row["n"] for row in rows}, sum(row["too_big"] for row in rows)


def move_evidence(db: sqlite_utils.Database, evidence_id: int, item_id: int) -> None:
    db.execute("UPDATE evidence SET item_id = ? WHERE id = ?", [item_id, evidence_id])


def withdraw_evidence(db: sqlite_utils.Database, evidence_id: int) -> bool:
    return bool(
        db.execute(
            "UPDATE evidence SET withdrawn = 1 WHERE id = ? AND withdrawn = 0", [evidence_id]
        ).rowcount
    )


# --- downloads ------------------------------------------------------------------------


def pending_downloads(
    db: sqlite_utils.Database, now: datetime, limit: int, platform: str = "telegram"
) -> list[PendingFile]:
    """Files still to fetch from ``platform`` whose retry time has come, fewest attempts
    first. A file comes from the platform its message came from, as its row recorded (a
    Telegram file_id means nothing to DingTalk, a DingTalk downloadCode nothing to
    Telegram) — not the sender's platform now: a person with both accounts may write from
    the other one before the file is fetched."""
    rows = fetch_all(
        db,
        "SELECT id, file_id, download_attempts FROM evidence WHERE stored = 'pending' "
        "AND file_id IS NOT NULL AND (next_download_at IS NULL OR next_download_at <= ?) "
        "AND platform = ? ORDER BY download_attempts, id LIMIT ?",
        [iso(now), platform, limit],
    )
    return [PendingFile(row["id"], row["file_id"], row["download_attempts"]) for row in rows]


def next_retry_at(db: sqlite_utils.Database, platform: str) -> datetime | None:
    """When the earliest failed download of ``platform`` may be tried again (None when no
    pending file has failed): how long a downloader with nothing due may sleep."""
    at = fetch_value(
        db,
        "SELECT min(next_download_at) FROM evidence WHERE stored = 'pending' "
        "AND file_id IS NOT NULL AND next_download_at IS NOT NULL AND platform = ?",
        [platform],
    )
    return datetime.fromisoformat(at) if at else None


def stored_file(db: sqlite_utils.Database, file_id: str) -> tuple[str, str | None] | None:
    """How the evidence sent as ``file_id`` is kept: (stored, sha256) — ``stored`` is
    'pending' until downloaded, then 'stored' with its hash ('too_big' never is); None
    when no evidence has this file id. The stored copy wins when several rows share it."""
    row = fetch_one(
        db,
        "SELECT stored, sha256 FROM evidence WHERE file_id = ? "
        "ORDER BY stored = 'stored' DESC, id LIMIT 1",
        [file_id],
    )
    return (row["stored"], row["sha256"]) if row else None


def foreign_file(
    db: sqlite_utils.Database, file_id: str, platform: str
) -> tuple[str, str | None] | None:
    """How the evidence sent as ``file_id`` from another platform than ``platform`` is
    kept, as ``stored_file`` says; None when ``file_id`` is that platform's own (or no
    evidence's). A DingTalk downloadCode means nothing to Telegram, so such a file is sent
    there from MEDIA_DIR. The row's own platform decides, not its sender's current one."""
    row = fetch_one(
        db,
        "SELECT stored, sha256 FROM evidence WHERE file_id = ? AND platform != ? "
        "ORDER BY stored = 'stored' DESC, id LIMIT 1",
        [file_id, platform],
    )
    return (row["stored"], row["sha256"]) if row else None


STORED_ACTION = (
    AuditAction.FILE_STORED
)  # the audit event that vouches for an evidence file's sha256


def mark_stored(db: sqlite_utils.Database, evidence_id: int, sha256: str, at: datetime) -> None:
    """The file's bytes are in MEDIA_DIR: its sha256 on the row and in the audit chain."""
    with db.atomic():
        changed = db.execute(
            "UPDATE evidence SET stored = 'stored', sha256 = ?, "
            "download_attempts = download_attempts + 1 WHERE id = ? AND stored = 'pending'",
            [sha256, evidence_id],
        ).rowcount
        if changed:
            record_stored(db, evidence_id, sha256, Origin.system(at, "media"))


def record_stored(db: sqlite_utils.Database, evidence_id: int, sha256: str, origin: Origin) -> None:
    """The audit event binding an evidence row to its file's sha256 (no item: the file
    belongs to whichever item the row is moved to, and item timelines list files apart)."""
    record(
        db,
        origin,
        entity="evidence",
        entity_id=evidence_id,
        action=STORED_ACTION,
        after={"sha256": sha256},
    )


def chained_hashes(db: sqlite_utils.Database) -> dict[int, str]:
    """Each evidence row's sha256 as the audit chain recorded it (the latest event wins)."""
    rows = db.execute(
        "SELECT entity_id, json_extract(after, '$.sha256') FROM audit_events "
        "WHERE entity = 'evidence' AND action = ? ORDER BY id",
        [STORED_ACTION],
    )
    return {evidence_id: sha256 for evidence_id, sha256 in rows}


def mark_too_big(db: sqlite_utils.Database, evidence_id: int) -> None:
    db.execute(
        "UPDATE evidence SET stored = 'too_big' WHERE id = ? AND stored = 'pending'",
        [evidence_id],
    )


def mark_failed(db: sqlite_utils.Database, evidence_id: int, retry_at: datetime) -> None:
    """Count a failed download; the row stays pending and is tried again from its file_id."""
    db.execute(
        "UPDATE evidence SET download_attempts = download_attempts + 1, next_download_at = ? "
        "WHERE id = ?",
        [iso(retry_at), evidence_id],
    )
