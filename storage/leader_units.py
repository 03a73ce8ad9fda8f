"""分管: which units each leader oversees (table ``leader_units``, migration 0014).

A leader with units hears of those units' items turning red and sees them first in reports;
a leader with none hears of all, as before. Every change is an audit event on the leader
(``leader_unit_added`` / ``leader_unit_removed``), written in the transaction that makes it.
"""

from __future__ import annotations

import sqlite_utils

from bot.domain.audit import AuditAction, Origin
from storage.audit import record
from storage.rows import fetch_all, fetch_value


def unit_names(db: sqlite_utils.Database, person_id: int) -> list[str]:
    """The names of the units a leader oversees, in the units' own order."""
    rows = fetch_all(
        db,
        "SELECT u.name FROM leader_units l JOIN units u ON u.id = l.unit_id "
        "WHERE l.person_id = ? ORDER BY u.id",
        [person_id],
    )
    return [row["name"] for row in rows]


def unit_ids(db: sqlite_utils.Database, person_id: int) -> frozenset[int]:
    rows = fetch_all(db, "SELECT unit_id FROM leader_units WHERE person_id = ?", [person_id])
    return frozenset(row["unit_id"] for row in rows)


def overseen_by(db: sqlite_utils.Database) -> dict[int, frozenset[int]]:
    """Every leader with units: person id → the ids of the units they oversee."""
    found: dict[int, set[int]] = {}
    for row in fetch_all(db, "SELECT person_id, unit_id FROM leader_units"):
        found.setdefault(row["person_id"], set()).add(row["unit_id"])
    return {person: frozenset(units) for person, units in found.items()}


def oversees(db: sqlite_utils.Database, person_id: int, unit_id: int) -> bool:
    return bool(
        fetch_value(
            db,
            "SELECT COUNT(*) FROM leader_units WHERE person_id = ? AND unit_id = ?",
            [person_id, unit_id],
        )
    )


def add(db: sqlite_utils.Database, person_id: int, unit_id: int, origin: Origin) -> bool:
    """The leader now oversees the unit; False (and nothing written) if they already did."""
    with db.atomic():
        if oversees(db, person_id, unit_id):
            return False
        db.execute(
            "INSERT INTO leader_units (person_id, unit_id) VALUES (?, ?)", [person_id, unit_id]
        )
        record(
            db,
            origin,
            entity="person",
            entity_id=person_id,
            action=AuditAction.LEADER_UNIT_ADDED,
            after={"unit": _unit_name(db, unit_id)},
        )
    return True


def remove(db: sqlite_utils.Database, person_id: int, unit_id: int, origin: Origin) -> bool:
    """The leader no longer oversees the unit; False (and nothing written) if they did not."""
    with db.atomic():
        if not oversees(db, person_id, unit_id):
            return False
        db.execute(
            "DELETE FROM leader_units WHERE person_id = ? AND unit_id = ?", [person_id, unit_id]
        )
        record(
            db,
            origin,
            entity="person",
            entity_id=person_id,
            action=AuditAction.LEADER_UNIT_REMOVED,
            before={"unit": _unit_name(db, unit_id)},
        )
    return True


def _unit_name(db: sqlite_utils.Database, unit_id: int) -> str:
    return str(fetch_value(db, "SELECT name FROM units WHERE id = ?", [unit_id]))
