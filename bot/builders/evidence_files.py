"""An item's evidence files with their sha256, for /history and the dossier: the hash lets
anyone holding a copy of a photo check it is the one the inspector sent."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import sqlite_utils

from storage.evidence import ITEM_JOINS, ITEM_OF
from storage.rows import fetch_all


@dataclass(frozen=True)
class EvidenceHash:
    evidence_id: int
    kind: str  # photo, document, voice, video
    stored: str  # stored, pending, too_big, none
    sha256: str | None
    taken_at: datetime  # aware
    who: str


def item_files(db: sqlite_utils.Database, item_id: int) -> list[EvidenceHash]:
    """The item's evidence files (from visits, progress and close-outs), oldest first;
    locations are not files and withdrawn evidence is no longer the item's."""
    rows = fetch_all(
        db,
        "SELECT e.id, e.kind, e.stored, e.sha256, e.taken_at, who.name AS person FROM evidence e "
        f"{ITEM_JOINS} LEFT JOIN people who ON who.id = e.person_id "
        "WHERE e.kind != 'location' AND e.stored != 'none' AND e.withdrawn = 0 AND "
        f"{ITEM_OF} = ? ORDER BY e.taken_at, e.id",
        [item_id],
    )
    return [
        EvidenceHash(
            row["id"],
            row["kind"],
            row["stored"],
            row["sha256"],
            datetime.fromisoformat(row["taken_at"]),
            row["person"] or "",
        )
        for row in rows
    ]
