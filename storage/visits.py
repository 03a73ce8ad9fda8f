"""Companies as inspectors find them, visits, their members and the findings made there.

Synchronous repository functions taking the connection first; services call them inside
one Work's transaction.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from datetime import datetime
from typing import NamedTuple

import sqlite_utils

from bot.domain.audit import AuditAction, Origin
from storage.audit import record
from storage.db import insert_row
from storage.ledger import iso
from storage.rows import fetch_all, fetch_one, fetch_value, fetch_values

# Companies the office merged away or rejected are no longer offered.
_LIVE_COMPANY = "coalesce(c.review_outcome, '') NOT IN ('merged', 'rejected')"


@dataclass(frozen=True)
class Company:
    id: int
    name: str
    town_id: int | None
    town: str | None
    needs_review: bool


class Town(NamedTuple):
    """A town as offered when choosing where a company is (unpacks as ``id, name``)."""

    id: int
    name: str


@dataclass(frozen=True)
class Visit:
    id: int
    company_id: int
    company: str
    town_id: int | None
    town: str | None
    started_by: int
    started_at: datetime
    last_activity_at: datetime
    ended_at: datetime | None
    end_reason: str | None
    located_at: datetime | None

    @property
    def is_open(self) -> bool:
        return self.ended_at is None


@dataclass(frozen=True)
class Finding:
    id: int
    visit_id: int | None
    item_id: int | None
    person_id: int
    text: str
    media_group_id: str | None
    withdrawn: bool
    created_at: datetime
    last_activity_at: datetime


class VisitCount(NamedTuple):
    """A visit with its count of findings still standing (unpacks as ``visit, findings``)."""

    visit: Visit
    findings: int


def _moment(text: str | None) -> datetime | None:
    return datetime.fromisoformat(text) if text else None


# --- companies and towns --------------------------------------------------------------

_COMPANY_SELECT = (
    "SELECT c.id, c.name, c.town_id, t.name AS town, c.needs_review FROM companies c "
    "LEFT JOIN towns t ON t.id = c.town_id"
)


def _company(row: sqlite3.Row) -> Company:
    return Company(row["id"], row["name"], row["town_id"], row["town"], bool(row["needs_review"]))


def get_company(db: sqlite_utils.Database, company_id: int) -> Company | None:
    row = fetch_one(db, f"{_COMPANY_SELECT} WHERE c.id = ?", [company_id])
    return _company(row) if row else None


def company_by_name(db: sqlite_utils.Database, name: str) -> Company | None:
    row = fetch_one(db, f"{_COMPANY_SELECT} WHERE c.name = ?", [name])
    return _company(row) if row else None


def search_companies(db: sqlite_utils.Database, words: str, limit: int) -> list[Company]:
    """Companies whose name contains the typed text (two-character names need substrings).

    ``instr`` rather than LIKE, so that % and _ typed by a person are plain characters.
    """
    found = fetch_all(
        db,
        f"{_COMPANY_SELECT} WHERE instr(c.name, ?) > 0 AND {_LIVE_COMPANY} "
        "ORDER BY length(c.name), c.name LIMIT ?",
        [words, limit],
    )
    return [_company(row) for row in found]


def towns(db: sqlite_utils.Database) -> list[Town]:
    return [
        Town(row["id"], row["name"])
        for row in fetch_all(db, "SELECT id, name FROM towns ORDER BY id")
    ]


def town_name(db: sqlite_utils.Database, town_id: int) -> str | None:
    return fetch_value(db, "SELECT name FROM towns WHERE id = ?", [town_id])


def companies_in_town(db: sqlite_utils.Database, town_id: int, limit: int) -> list[Company]:
    found = fetch_all(
        db,
        f"{_COMPANY_SELECT} WHERE c.town_id = ? AND {_LIVE_COMPANY} ORDER BY c.name LIMIT ?",
        [town_id, limit],
    )
    return [_company(row) for row in found]


def add_company(
    db: sqlite_utils.Database, name: str, town_id: int | None, origin: Origin
) -> Company:
    """A company an inspector found that the ledger lacks: flagged for the office."""
    company_id = insert_row(
        db,
        "companies",
        {
            "name": name,
            "town_id": town_id,
            "needs_review": 1,
            "created_by": origin.person_id,
            "created_at": iso(origin.at),
        },
    )
    record(
        db,
        origin,
        entity="company",
        entity_id=company_id,
        action=AuditAction.CREATED_ON_VISIT,
        after={"name": name, "town_id": town_id},
    )
    company = get_company(db, company_id)
    assert company is not None
    return company


def companies_to_review(db: sqlite_utils.Database) -> list[Company]:
    found = fetch_all(
        db, f"{_COMPANY_SELECT} WHERE c.needs_review = 1 AND {_LIVE_COMPANY} ORDER BY c.id"
    )
    return [_company(row) for row in found]


# --- visits ---------------------------------------------------------------------------

_VISIT_SELECT = (
    "SELECT v.id, v.company_id, c.name AS company, c.town_id, t.name AS town, v.started_by, "
    "v.started_at, "
    "v.last_activity_at, v.ended_at, v.end_reason, v.located_at FROM visits v "
    "JOIN companies c ON c.id = v.company_id LEFT JOIN towns t ON t.id = c.town_id"
)


def _visit(row: sqlite3.Row) -> Visit:
    return Visit(
        row["id"],
        row["company_id"],
        row["company"],
        row["town_id"],
        row["town"],
        row["started_by"],
        datetime.fromisoformat(row["started_at"]),
        datetime.fromisoformat(row["last_activity_at"]),
        _moment(row["ended_at"]),
        row["end_reason"],
        _moment(row["located_at"]),
    )


def get_visit(db: sqlite_utils.Database, visit_id: int) -> Visit | None:
    row = fetch_one(db, f"{_VISIT_SELECT} WHERE v.id = ?", [visit_id])
    return _visit(row) if row else None


def open_visit_of(db: sqlite_utils.Database, person_id: int) -> Visit | None:
    """The one open visit a person is a member of, if any."""
    row = fetch_one(
        db,
        f"{_VISIT_SELECT} JOIN visit_members m ON m.visit_id = v.id "
        "WHERE m.person_id = ? AND v.ended_at IS NULL ORDER BY v.id DESC",
        [person_id],
    )
    return _visit(row) if row else None


def visit_during(
    db: sqlite_utils.Database, person_id: int, moment: datetime, grace
) -> Visit | None:
    """The ended visit of this person that ``moment`` falls in (for photos arriving late)."""
    row = fetch_one(
        db,
        f"{_VISIT_SELECT} JOIN visit_members m ON m.visit_id = v.id "
        "WHERE m.person_id = ? AND v.ended_at IS NOT NULL AND v.started_at <= ? "
        "AND v.ended_at >= ? ORDER BY v.id DESC",
        [person_id, iso(moment + grace), iso(moment)],
    )
    return _visit(row) if row else None


def start_visit(
    db: sqlite_utils.Database, company_id: int, person_id: int, at: datetime, *, platform: str
) -> int:
    """A visit, started from ``platform`` (the chat /visit was sent from): whether it could
    send a location decides how its presence reads for good. Never the starter's platform
    read later: a person with two accounts may write from the other one afterwards."""
    visit_id = insert_row(
        db,
        "visits",
        {
            "company_id": company_id,
            "started_by": person_id,
            "started_at": iso(at),
            "last_activity_at": iso(at),
            "platform": platform,
        },
    )
    join_visit(db, visit_id, person_id, at)
    return visit_id


def join_visit(db: sqlite_utils.Database, visit_id: int, person_id: int, at: datetime) -> bool:
    return bool(
        db.execute(
            "INSERT OR IGNORE INTO visit_members (visit_id, person_id, joined_at) VALUES (?, ?, ?)",
            [visit_id, person_id, iso(at)],
        ).rowcount
    )


def member_ids(db: sqlite_utils.Database, visit_id: int) -> list[int]:
    return fetch_values(
        db,
        "SELECT person_id FROM visit_members WHERE visit_id = ? ORDER BY joined_at, person_id",
        [visit_id],
    )


def colleagues_open_visits(db: sqlite_utils.Database, person_id: int) -> list[Visit]:
    """Open visits this person could join (not already a member), newest first."""
    found = fetch_all(
        db,
        f"{_VISIT_SELECT} WHERE v.ended_at IS NULL AND NOT EXISTS (SELECT 1 FROM visit_members "
        "m WHERE m.visit_id = v.id AND m.person_id = ?) ORDER BY v.id DESC LIMIT 5",
        [person_id],
    )
    return [_visit(row) for row in found]


def recent_companies(db: sqlite_utils.Database, person_id: int, limit: int) -> list[Company]:
    found = fetch_all(
        db,
        f"{_COMPANY_SELECT} JOIN (SELECT v.company_id, max(v.started_at) AS last "
        "FROM visits v JOIN visit_members m ON m.visit_id = v.id WHERE m.person_id = ? "
        f"GROUP BY v.company_id) r ON r.company_id = c.id WHERE {_LIVE_COMPANY} "
        "ORDER BY r.last DESC LIMIT ?",
        [person_id, limit],
    )
    return [_company(row) for row in found]


def touch_visit(db: sqlite_utils.Database, visit_id: int, at: datetime) -> None:
    db.execute(
        "UPDATE visits SET last_activity_at = max(last_activity_at, ?) WHERE id = ?",
        [iso(at), visit_id],
    )


def end_visit(db: sqlite_utils.Database, visit_id: int, at: datetime, reason: str) -> bool:
    """End an open visit; False if it had ended already (a double tap, a racing sweep)."""
    return bool(
        db.execute(
            "UPDATE visits SET ended_at = ?, end_reason = ? WHERE id = ? AND ended_at IS NULL",
            [iso(at), reason, visit_id],
        ).rowcount
    )


def idle_visit_ids(db: sqlite_utils.Database, idle_since: datetime) -> list[int]:
    return fetch_values(
        db,
        "SELECT id FROM visits WHERE ended_at IS NULL AND last_activity_at < ? ORDER BY id",
        [iso(idle_since)],
    )


def visits_of(db: sqlite_utils.Database, person_id: int, limit: int) -> list[VisitCount]:
    """A person's latest visits, each with its count of findings still standing."""
    found = fetch_all(
        db,
        f"{_VISIT_SELECT} JOIN visit_members m ON m.visit_id = v.id WHERE m.person_id = ? "
        "ORDER BY v.started_at DESC, v.id DESC LIMIT ?",
        [person_id, limit],
    )
    result = []
    for row in found:
        visit = _visit(row)
        count = fetch_value(
            db, "SELECT count(*) FROM findings WHERE visit_id = ? AND withdrawn = 0", [visit.id]
        )
        result.append(VisitCount(visit, count))
    return result


# --- findings -------------------------------------------------------------------------

_FINDING_SELECT = (
    "SELECT id, visit_id, item_id, person_id, text, media_group_id, withdrawn, created_at, "
    "coalesce(last_activity_at, created_at) AS last_activity_at FROM findings"
)


def _finding(row: sqlite3.Row) -> Finding:
    return Finding(
        row["id"],
        row["visit_id"],
        row["item_id"],
        row["person_id"],
        row["text"],
        row["media_group_id"],
        bool(row["withdrawn"]),
        datetime.fromisoformat(row["created_at"]),
        datetime.fromisoformat(row["last_activity_at"]),
    )


def add_finding(
    db: sqlite_utils.Database,
    *,
    visit_id: int | None,
    item_id: int | None,
    person_id: int,
    text: str,
    at: datetime,
    update_id: int | None,
    media_group_id: str | None = None,
) -> int:
    return insert_row(
        db,
        "findings",
        {
            "visit_id": visit_id,
            "item_id": item_id,
            "person_id": person_id,
            "text": text,
            "media_group_id": media_group_id,
            "created_at": iso(at),
            "last_activity_at": iso(at),
            "update_id": update_id,
        },
    )


def get_finding(db: sqlite_utils.Database, finding_id: int) -> Finding | None:
    row = fetch_one(db, f"{_FINDING_SELECT} WHERE id = ?", [finding_id])
    return _finding(row) if row else None


def latest_finding(
    db: sqlite_utils.Database, person_id: int, visit_id: int | None, item_id: int | None = None
) -> Finding | None:
    """The person's newest standing finding in a visit (or, outside visits, on an item)."""
    if visit_id is not None:
        where, params = "visit_id = ?", [visit_id]
    else:
        where, params = "visit_id IS NULL AND item_id = ?", [item_id]
    row = fetch_one(
        db,
        f"{_FINDING_SELECT} WHERE {where} AND person_id = ? AND withdrawn = 0 "
        "ORDER BY id DESC LIMIT 1",
        [*params, person_id],
    )
    return _finding(row) if row else None


def finding_of_album(
    db: sqlite_utils.Database, person_id: int, media_group_id: str
) -> Finding | None:
    row = fetch_one(
        db,
        f"{_FINDING_SELECT} WHERE person_id = ? AND media_group_id = ? ORDER BY id LIMIT 1",
        [person_id, media_group_id],
    )
    return _finding(row) if row else None


def touch_finding(db: sqlite_utils.Database, finding_id: int, at: datetime) -> None:
    db.execute("UPDATE findings SET last_activity_at = ? WHERE id = ?", [iso(at), finding_id])


def set_album(db: sqlite_utils.Database, finding_id: int, media_group_id: str) -> None:
    """Remember the album that joined a finding, so its later photos find it."""
    db.execute(
        "UPDATE findings SET media_group_id = ? WHERE id = ? AND media_group_id IS NULL",
        [media_group_id, finding_id],
    )


def set_finding_text(db: sqlite_utils.Database, finding_id: int, text: str) -> None:
    db.execute("UPDATE findings SET text = ? WHERE id = ?", [text, finding_id])


def set_finding_item(db: sqlite_utils.Database, finding: Finding, item_id: int) -> None:
    """Tie a finding to an item; its evidence follows unless a photo was moved on its own."""
    db.execute("UPDATE findings SET item_id = ? WHERE id = ?", [item_id, finding.id])
    db.execute(
        "UPDATE evidence SET item_id = ? WHERE finding_id = ? "
        "AND (item_id IS NULL OR item_id IS ?)",
        [item_id, finding.id, finding.item_id],
    )


def withdraw_finding(db: sqlite_utils.Database, finding_id: int) -> bool:
    changed = db.execute(
        "UPDATE findings SET withdrawn = 1 WHERE id = ? AND withdrawn = 0", [finding_id]
    ).rowcount
    db.execute("UPDATE evidence SET withdrawn = 1 WHERE finding_id = ?", [finding_id])
    return bool(changed)


def visit_findings(db: sqlite_utils.Database, visit_id: int) -> list[Finding]:
    rows = fetch_all(
        db, f"{_FINDING_SELECT} WHERE visit_id = ? AND withdrawn = 0 ORDER BY id", [visit_id]
    )
    return [_finding(row) for row in rows]


def item_findings(db: sqlite_utils.Database, item_id: int, limit: int) -> list[Finding]:
    rows = fetch_all(
        db,
        f"{_FINDING_SELECT} WHERE item_id = ? AND withdrawn = 0 ORDER BY id DESC LIMIT ?",
        [item_id, limit],
    )
    return [_finding(row) for row in rows]
