"""Company coordinates, each visit's arrival place and distance, and proposed coordinates.

Synchronous repository functions taking the connection first; services call them inside one
Work's transaction, the import and the CLI inside theirs. Every change is audited.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from datetime import datetime

import sqlite_utils

from bot.domain.audit import AuditAction, Origin
from bot.domain.people import sends_location
from bot.domain.presence import Point, distance_m
from storage.audit import record
from storage.db import insert_row
from storage.ledger import iso
from storage.rows import fetch_all, fetch_one, fetch_values


@dataclass(frozen=True)
class Arrival:
    """Where and when (server time) a visit's location arrived, and how far off it was.

    Where the platform the visit was started from sends no location (``locatable`` False:
    DingTalk), the visit holds instead when they confirmed their arrival (``confirmed_at``,
    server time)."""

    visit_id: int
    point: Point | None
    located_at: datetime | None
    distance_m: float | None
    confirmed_at: datetime | None = None
    locatable: bool = True


@dataclass(frozen=True)
class Proposal:
    id: int
    company_id: int
    company: str
    visit_id: int
    point: Point
    proposed_by: int
    proposed_at: datetime
    outcome: str | None


def _point(latitude: float | None, longitude: float | None) -> Point | None:
    return None if latitude is None or longitude is None else Point(latitude, longitude)


# --- companies --------------------------------------------------------------------------


def company_point(db: sqlite_utils.Database, company_id: int) -> Point | None:
    row = fetch_one(db, "SELECT latitude, longitude FROM companies WHERE id = ?", [company_id])
    return _point(row["latitude"], row["longitude"]) if row else None


def company_points_by_name(db: sqlite_utils.Database) -> dict[str, Point]:
    """Every company that has coordinates, by name (the import compares against these)."""
    rows = fetch_all(
        db, "SELECT name, latitude, longitude FROM companies WHERE latitude IS NOT NULL"
    )
    return {name: Point(lat, lng) for name, lat, lng in rows}


def set_company_point(
    db: sqlite_utils.Database, company_id: int, point: Point, source: str, origin: Origin
) -> int:
    """Give a company coordinates; returns how many earlier visits got their distance.

    Visits located while the company had no coordinates are measured now; distances
    already recorded stay as they were (see migration 0008). An open proposal for the
    company is settled by this decision and marked superseded.
    """
    before = company_point(db, company_id)
    db.execute(
        "UPDATE companies SET latitude = ?, longitude = ?, coordinates_source = ?, "
        "coordinates_at = ? WHERE id = ?",
        [point.latitude, point.longitude, source, iso(origin.at), company_id],
    )
    record(
        db,
        origin,
        entity="company",
        entity_id=company_id,
        action=AuditAction.COORDINATES_SET,
        before={"latitude": before.latitude, "longitude": before.longitude} if before else None,
        after={"latitude": point.latitude, "longitude": point.longitude, "source": source},
    )
    db.execute(
        "UPDATE company_place_proposals SET outcome = 'superseded', decided_at = ? "
        "WHERE company_id = ? AND outcome IS NULL",
        [iso(origin.at), company_id],
    )
    return _measure_unmeasured(db, company_id, point)


def _measure_unmeasured(db: sqlite_utils.Database, company_id: int, company: Point) -> int:
    rows = fetch_all(
        db,
        "SELECT id, latitude, longitude FROM visits WHERE company_id = ? "
        "AND latitude IS NOT NULL AND distance_m IS NULL",
        [company_id],
    )
    for row in rows:
        db.execute(
            "UPDATE visits SET distance_m = ? WHERE id = ?",
            [distance_m(company, Point(row["latitude"], row["longitude"])), row["id"]],
        )
    return len(rows)


def company_place(
    db: sqlite_utils.Database, company_id: int
) -> tuple[Point | None, str | None, datetime | None]:
    """A company's coordinates, where they came from (sheet, admin, visit) and since when."""
    row = fetch_one(
        db,
        "SELECT latitude, longitude, coordinates_source, coordinates_at FROM companies "
        "WHERE id = ?",
        [company_id],
    )
    if row is None or row["latitude"] is None:
        return None, None, None
    since = row["coordinates_at"]
    point = Point(row["latitude"], row["longitude"])
    return point, row["coordinates_source"], datetime.fromisoformat(since) if since else None


def company_visits(
    db: sqlite_utils.Database, company_id: int, limit: int
) -> list[tuple[int, datetime]]:
    """The company's latest visits (id, start), newest first."""
    rows = fetch_all(
        db,
        "SELECT id, started_at FROM visits WHERE company_id = ? ORDER BY started_at DESC, id "
        "DESC LIMIT ?",
        [company_id, limit],
    )
    return [(row["id"], datetime.fromisoformat(row["started_at"])) for row in rows]


def item_visit_ids(db: sqlite_utils.Database, item_id: int, limit: int = -1) -> list[int]:
    """The visits behind an item: those with a finding on it that is not withdrawn, newest
    first (the item card shows a few, the dossier all: one rule for both)."""
    return fetch_values(
        db,
        "SELECT DISTINCT visit_id FROM findings WHERE item_id = ? AND withdrawn = 0 "
        "AND visit_id IS NOT NULL ORDER BY visit_id DESC LIMIT ?",
        [item_id, limit],
    )


# --- arrivals ---------------------------------------------------------------------------


def record_arrival(
    db: sqlite_utils.Database, visit_id: int, point: Point, at: datetime, distance: float | None
) -> None:
    """The visit's latest location, at the server's time, with its distance (if measurable)."""
    db.execute(
        "UPDATE visits SET latitude = ?, longitude = ?, located_at = ?, distance_m = ? "
        "WHERE id = ?",
        [point.latitude, point.longitude, iso(at), distance, visit_id],
    )


def confirm_arrival(db: sqlite_utils.Database, visit_id: int, at: datetime) -> bool:
    """The inspector says they are at the company (their platform sends no location); the
    first confirmation stands, so False if the visit had one already."""
    return bool(
        db.execute(
            "UPDATE visits SET confirmed_at = ? WHERE id = ? AND confirmed_at IS NULL",
            [iso(at), visit_id],
        ).rowcount
    )


def arrivals(db: sqlite_utils.Database, visit_ids: list[int]) -> dict[int, Arrival]:
    """Each visit's arrival, for summaries, cards, lists, exports and dossiers. Whether a
    location could have been sent is the visit's own platform's to say (recorded when it
    started), not its inspector's, who may have written from another account since."""
    found: dict[int, Arrival] = {}
    for start in range(0, len(visit_ids), 500):
        chunk = visit_ids[start : start + 500]
        marks = ", ".join("?" for _ in chunk)
        for visit_id, lat, lng, located_at, distance, confirmed_at, platform in db.execute(
            "SELECT v.id, v.latitude, v.longitude, v.located_at, v.distance_m, "
            f"v.confirmed_at, v.platform FROM visits v WHERE v.id IN ({marks})",
            chunk,
        ):
            found[visit_id] = Arrival(
                visit_id,
                _point(lat, lng),
                datetime.fromisoformat(located_at) if located_at else None,
                distance,
                datetime.fromisoformat(confirmed_at) if confirmed_at else None,
                sends_location(platform),
            )
    return found


def arrival(db: sqlite_utils.Database, visit_id: int) -> Arrival:
    return arrivals(db, [visit_id]).get(visit_id) or Arrival(visit_id, None, None, None)


# --- proposals --------------------------------------------------------------------------

_PROPOSAL_SELECT = (
    "SELECT p.id, p.company_id, c.name AS company, p.visit_id, p.latitude, p.longitude, "
    "p.proposed_by, "
    "p.proposed_at, p.outcome FROM company_place_proposals p "
    "JOIN companies c ON c.id = p.company_id"
)


def _proposal(row: sqlite3.Row) -> Proposal:
    return Proposal(
        row["id"],
        row["company_id"],
        row["company"],
        row["visit_id"],
        Point(row["latitude"], row["longitude"]),
        row["proposed_by"],
        datetime.fromisoformat(row["proposed_at"]),
        row["outcome"],
    )


def open_proposal(db: sqlite_utils.Database, company_id: int) -> Proposal | None:
    row = fetch_one(
        db, f"{_PROPOSAL_SELECT} WHERE p.company_id = ? AND p.outcome IS NULL", [company_id]
    )
    return _proposal(row) if row else None


def get_proposal(db: sqlite_utils.Database, proposal_id: int) -> Proposal | None:
    row = fetch_one(db, f"{_PROPOSAL_SELECT} WHERE p.id = ?", [proposal_id])
    return _proposal(row) if row else None


def propose(
    db: sqlite_utils.Database, company_id: int, visit_id: int, point: Point, origin: Origin
) -> int | None:
    """Offer a visit's location as the company's coordinates; None if one is already open."""
    if open_proposal(db, company_id) is not None:
        return None
    assert origin.person_id is not None
    proposal_id = insert_row(
        db,
        "company_place_proposals",
        {
            "company_id": company_id,
            "visit_id": visit_id,
            "latitude": point.latitude,
            "longitude": point.longitude,
            "proposed_by": origin.person_id,
            "proposed_at": iso(origin.at),
        },
    )
    record(
        db,
        origin,
        entity="company",
        entity_id=company_id,
        action=AuditAction.COORDINATES_PROPOSED,
        after={"latitude": point.latitude, "longitude": point.longitude, "visit_id": visit_id},
    )
    return proposal_id


def decide(
    db: sqlite_utils.Database, proposal_id: int, outcome: str, origin: Origin
) -> tuple[Proposal, int] | None:
    """Confirm or reject an open proposal: the proposal and how many visits were measured
    anew; None if it was decided already (a second tap, or coordinates set meanwhile)."""
    changed = db.execute(
        "UPDATE company_place_proposals SET outcome = ?, decided_by = ?, decided_at = ? "
        "WHERE id = ? AND outcome IS NULL",
        [outcome, origin.person_id, iso(origin.at), proposal_id],
    ).rowcount
    if not changed:
        return None
    proposal = get_proposal(db, proposal_id)
    assert proposal is not None
    if outcome == "confirmed":
        measured = set_company_point(db, proposal.company_id, proposal.point, "visit", origin)
        return proposal, measured
    record(
        db,
        origin,
        entity="company",
        entity_id=proposal.company_id,
        action=AuditAction.COORDINATES_REJECTED,
        after={"proposal_id": proposal_id},
    )
    return proposal, 0
