"""The 通报 the office issued: each previewed draft's fate, and the year's number sequence.

A draft (the preview's report job) is decided once: issued with the next number of its
year, or cancelled. Both are rows of ``notices`` (migration 0016_notices), whose UNIQUE
constraints keep a draft from being issued twice and a number from being given twice.
"""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass
from datetime import date, datetime

import sqlite_utils

from storage.db import insert_row
from storage.rows import fetch_all, fetch_one, fetch_value

ISSUED = "issued"
CANCELLED = "cancelled"


@dataclass(frozen=True)
class Notice:
    id: int
    draft_job: int
    state: str  # ISSUED or CANCELLED
    year: int | None
    number: int | None
    doc_number: str  # the 文号 as issued, e.g. 皋人大办〔2026〕12号; "" for a cancelled draft
    title: str
    doc_number_en: str  # the same in English, for English readers
    title_en: str
    filters: dict
    period_start: date | None
    period_end: date | None
    person_id: int
    at: datetime
    sha256: str | None  # the Chinese PDF, as sent
    sha256_en: str | None  # its English rendering
    path: str | None  # where the Chinese PDF is kept (MEDIA_DIR/notices/<sha256>.pdf)
    path_en: str | None
    recipients: int  # contacts it was sent to when issued

    def words(self, lang: str) -> tuple[str | None, str, str]:
        """The PDF's path, the 文号 and the title a reader of ``lang`` gets."""
        if lang == "en" and self.path_en:
            return self.path_en, self.doc_number_en, self.title_en
        return self.path, self.doc_number, self.title


@dataclass(frozen=True)
class Issued:
    """What issuing records (the number comes from ``next_number`` in the same transaction)."""

    draft_job: int
    year: int
    number: int
    doc_number: str
    title: str
    doc_number_en: str
    title_en: str
    filters: dict
    period_start: date
    period_end: date
    person_id: int
    at: datetime
    sha256: str
    sha256_en: str
    path: str
    path_en: str


_SELECT = (
    "SELECT id, draft_job, state, year, number, doc_number, title, doc_number_en, title_en, "
    "filters, period_start, "
    "period_end, person_id, at, sha256, sha256_en, path, path_en, recipients FROM notices"
)


def _day(text: str | None) -> date | None:
    return date.fromisoformat(text) if text else None


def _notice(row: sqlite3.Row) -> Notice:
    return Notice(
        row["id"],
        row["draft_job"],
        row["state"],
        row["year"],
        row["number"],
        row["doc_number"] or "",
        row["title"],
        row["doc_number_en"],
        row["title_en"],
        json.loads(row["filters"]),
        _day(row["period_start"]),
        _day(row["period_end"]),
        row["person_id"],
        datetime.fromisoformat(row["at"]),
        row["sha256"],
        row["sha256_en"],
        row["path"],
        row["path_en"],
        row["recipients"],
    )


def by_draft(db: sqlite_utils.Database, draft_job: int) -> Notice | None:
    """How a draft was decided, or None while it is still open."""
    row = fetch_one(db, f"{_SELECT} WHERE draft_job = ?", [draft_job])
    return _notice(row) if row else None


def get(db: sqlite_utils.Database, notice_id: int) -> Notice | None:
    row = fetch_one(db, f"{_SELECT} WHERE id = ? AND state = ?", [notice_id, ISSUED])
    return _notice(row) if row else None


def next_number(db: sqlite_utils.Database, year: int) -> int:
    """The number the year's next notice takes: one more than the last issued (1 first)."""
    last = fetch_value(db, "SELECT max(number) FROM notices WHERE year = ?", [year])
    return (last or 0) + 1


def record_issued(db: sqlite_utils.Database, issued: Issued) -> int:
    """The issued notice's row; call it in the transaction that read ``next_number``."""
    return insert_row(
        db,
        "notices",
        {
            "draft_job": issued.draft_job,
            "state": ISSUED,
            "year": issued.year,
            "number": issued.number,
            "doc_number": issued.doc_number,
            "title": issued.title,
            "doc_number_en": issued.doc_number_en,
            "title_en": issued.title_en,
            "filters": json.dumps(issued.filters, ensure_ascii=False, sort_keys=True),
            "period_start": issued.period_start.isoformat(),
            "period_end": issued.period_end.isoformat(),
            "person_id": issued.person_id,
            "at": issued.at.isoformat(),
            "sha256": issued.sha256,
            "sha256_en": issued.sha256_en,
            "path": issued.path,
            "path_en": issued.path_en,
        },
    )


def set_recipients(db: sqlite_utils.Database, notice_id: int, count: int) -> None:
    db.execute("UPDATE notices SET recipients = ? WHERE id = ?", [count, notice_id])


def record_cancelled(
    db: sqlite_utils.Database, draft_job: int, person_id: int, at: datetime
) -> bool:
    """Mark a draft cancelled; False if it was decided before (issued or cancelled)."""
    return bool(
        db.execute(
            "INSERT OR IGNORE INTO notices (draft_job, state, person_id, at) VALUES (?, ?, ?, ?)",
            [draft_job, CANCELLED, person_id, at.isoformat()],
        ).rowcount
    )


def issued(db: sqlite_utils.Database, limit: int) -> list[Notice]:
    """The latest issued notices, newest first."""
    rows = fetch_all(
        db, f"{_SELECT} WHERE state = ? ORDER BY year DESC, number DESC LIMIT ?", [ISSUED, limit]
    )
    return [_notice(row) for row in rows]
