"""An item's evidence files with their sha256, for /history and the dossier: the hash lets
anyone holding a copy of a photo check it is the one the inspector sent."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import sqlite_utils

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
        "SELECT e.id, e.kind, e.stored, e.sha256, e.taken_at, p.name AS person FROM evidence e "
        "LEFT JOIN findings f ON f.id = e.finding_id "
        "LEFT JOIN progress_reports r ON r.id = e.progress_id "
        "LEFT JOIN closeout_requests c ON c.id = e.closeout_id "
        "LEFT JOIN people p ON p.id = e.person_id "
        "WHERE e.kind != 'location' AND e.stored != 'none' AND e.withdrawn = 0 AND "
        "coalesce(e.item_id, f.item_id, r.item_id, c.item_id) = ? ORDER BY e.taken_at, e.id",
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
