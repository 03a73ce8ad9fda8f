"""What someone with the database file and the sqlite3 shell could do to the record, for the
tamper-evidence tests: every change here goes around the bot, as an attacker's would."""

from __future__ import annotations

import hashlib
import sqlite3
from datetime import UTC, datetime
from pathlib import Path

from bot.domain.audit import Origin
from bot.domain.audit_chain import GENESIS, chain_hash
from bot.domain.items import ItemFields
from storage import evidence, ledger
from storage.audit import CHAIN_COLUMNS
from storage.db import open_database

PHOTO = b"\xff\xd8\xff\xe0 a photo of the workshop \xff\xd9"

NO_UPDATE = (
    "CREATE TRIGGER audit_events_no_update BEFORE UPDATE ON audit_events "
    "BEGIN SELECT RAISE(ABORT, 'audit events are append-only'); END"
)


def edit_event(db_path: Path, event_id: int, actor: str) -> None:
    """Drop the append-only trigger, change one event's actor, put the trigger back."""
    conn = sqlite3.connect(db_path)
    try:
        conn.execute("DROP TRIGGER audit_events_no_update")
        changed = conn.execute(
            "UPDATE audit_events SET actor = ? WHERE id = ?", [actor, event_id]
        ).rowcount
        assert changed == 1, "the forged edit did not happen"
        conn.execute(NO_UPDATE)
        conn.commit()
    finally:
        conn.close()


def recompute_chain(db_path: Path) -> None:
    """Recompute every event's hashes so the edited chain is consistent in itself again."""
    conn = sqlite3.connect(db_path)
    conn.row_factory = sqlite3.Row
    try:
        conn.execute("DROP TRIGGER audit_events_no_update")
        prev = GENESIS
        for row in conn.execute(f"SELECT {CHAIN_COLUMNS} FROM audit_events ORDER BY id").fetchall():
            own = chain_hash(prev, dict(row))
            conn.execute(
                "UPDATE audit_events SET prev_hash = ?, hash = ? WHERE id = ?",
                [prev, own, row["id"]],
            )
            prev = own
        conn.execute(NO_UPDATE)
        conn.commit()
    finally:
        conn.close()


def last_event(db_path: Path) -> tuple[int, str]:
    conn = sqlite3.connect(db_path)
    try:
        return conn.execute("SELECT id, hash FROM audit_events ORDER BY id DESC LIMIT 1").fetchone()
    finally:
        conn.close()


def ledger_with_a_photo(db_path: Path, media: Path) -> Path:
    """Three items and one stored photo, as the bot would leave them: events 1 and 2 create
    items, 3 records the photo's sha256 (``file_stored``), 4 creates the third item."""
    db = open_database(db_path)
    try:
        origin = Origin.cli(datetime(2024, 6, 3, 1, 0, tzinfo=UTC))
        ledger.ensure_period(db, "2024", 2024, origin)

        def create(problem: str) -> int:
            return ledger.create_item(db, ItemFields(problem, unit="科技局"), "2024", origin).id

        first = create("研发投入不足")
        create("孵化器建设慢")
        digest = hashlib.sha256(PHOTO).hexdigest()
        path = media / digest[:2] / digest[2:4] / digest
        path.parent.mkdir(parents=True)
        path.write_bytes(PHOTO)
        with db.atomic():
            evidence_id = db.execute(
                "INSERT INTO evidence (item_id, kind, sha256, taken_at, stored, created_at) "
                "VALUES (?, 'photo', ?, ?, 'stored', ?)",
                [first, digest, origin.at.isoformat(), origin.at.isoformat()],
            ).lastrowid
            evidence.record_stored(db, evidence_id, digest, Origin.system(origin.at, "media"))
        create("人才引进难")
        return path
    finally:
        db.close()
