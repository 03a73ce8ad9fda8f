"""Reminder engine state: what the sweep must look at, what it delivered, who acknowledged.

Nothing the reminders need is kept in scheduler memory. ``sweep_schedule.next_on``
(indexed) says when the sweep must look at an item again, ``sweep_schedule.swept_on``
through which local date its reminders were delivered (the lower end of the catch-up
window), and the small tables below hold the rest. Both dates are day numbers
(``day_number``); a next look of ``AT_NEXT_PASS`` is due at the next pass.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date, datetime
from operator import itemgetter
from typing import NamedTuple

import sqlite_utils

from bot.domain.audit import AuditAction, Origin
from bot.domain.items import Item
from bot.domain.lifecycle import Role, Status
from bot.domain.people import Person
from bot.domain.reminders import Recurrence
from bot.domain.workdays import WorkCalendar
from storage import people
from storage.audit import record, record_item
from storage.db import insert_row
from storage.rows import fetch_all, fetch_one, fetch_value, fetch_values

# sweep_schedule's dates count days from 1970-01-01 (migration 0018_sweep_days): two or
# three bytes where ISO text took ten, so the pages a heavy day's pass rewrites are fewer.
_DAY_ZERO = date(1970, 1, 1).toordinal()
AT_NEXT_PASS = 0  # a next look before every day: a new or changed item


def day_number(day: date) -> int:
    return day.toordinal() - _DAY_ZERO


def _day(number: int | None) -> date | None:
    return None if number is None else date.fromordinal(number + _DAY_ZERO)


# --- sweep state


def get_state(db: sqlite_utils.Database, key: str) -> str | None:
    return fetch_value(db, "SELECT value FROM sweep_state WHERE key = ?", [key])


def set_state(db: sqlite_utils.Database, key: str, value: str) -> None:
    db.execute(
        "INSERT INTO sweep_state (key, value) VALUES (?, ?) "
        "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
        [key, value],
    )


def get_day(db: sqlite_utils.Database, key: str) -> date | None:
    value = get_state(db, key)
    return date.fromisoformat(value) if value else None


# --- working days


def calendar(db: sqlite_utils.Database) -> WorkCalendar:
    """The official calendar corrected by the office's overrides."""
    rows = db.execute("SELECT day, workday FROM workday_overrides").fetchall()
    return WorkCalendar({date.fromisoformat(day): bool(workday) for day, workday in rows})


class Override(NamedTuple):
    """A day the office declared a working day or a holiday (unpacks as ``day, workday``)."""

    day: date
    workday: bool


def overrides(db: sqlite_utils.Database) -> list[Override]:
    rows = fetch_all(db, "SELECT day, workday FROM workday_overrides ORDER BY day")
    return [Override(date.fromisoformat(row["day"]), bool(row["workday"])) for row in rows]


def set_override(db: sqlite_utils.Database, day: date, workday: bool, origin: Origin) -> None:
    """Make ``day`` a working day or a holiday, audited; every schedule is recomputed."""
    with db.atomic():
        before = fetch_value(
            db, "SELECT workday FROM workday_overrides WHERE day = ?", [day.isoformat()]
        )
        db["workday_overrides"].upsert(
            {
                "day": day.isoformat(),
                "workday": int(workday),
                "set_by": origin.actor,
                "set_at": origin.at.isoformat(),
            },
            pk="day",
        )
        record(
            db,
            origin,
            entity="workday",
            action=AuditAction.CHANGED,
            before={day.isoformat(): None if before is None else bool(before)},
            after={day.isoformat(): workday},
        )
        reschedule_all(db)


def reschedule_all(db: sqlite_utils.Database) -> None:
    """The ladder's rules changed: look at every item again at the next pass."""
    db.execute("UPDATE sweep_schedule SET next_on = ? WHERE next_on IS NOT NULL", [AT_NEXT_PASS])


# --- the items to look at


class DueItem(NamedTuple):
    """An item the sweep looks at today: the columns the pass reads, with its schedule, in
    one light row. A whole ledger Item (period, area, inspectors, …) for each due item cost
    more than the rest of the pass; the few that need one (an item turned red, a look-back
    due) are read whole when that happens."""

    id: int
    code: str
    problem: str
    unit_id: int | None
    unit: str | None
    co_unit_ids: tuple[int, ...]  # ascending
    deadline: date | None
    status: Status
    recurring: Recurrence | None
    ongoing: bool
    sheet_level: str
    manual_level: str
    created_at: datetime
    closed_at: datetime | None
    swept_on: date | None
    assigned: bool  # its lead unit was asked to acknowledge it (签收) already


_DUE_SELECT = """
SELECT i.id, i.code, i.problem, i.unit_id, i.deadline, i.status, i.recurring,
       i.ongoing, i.sheet_level, i.manual_level, i.created_at, i.closed_at,
       (SELECT group_concat(cu.unit_id) FROM item_co_units cu WHERE cu.item_id = i.id),
       EXISTS (SELECT 1 FROM acks a WHERE a.kind = 'assigned' AND a.item_id = i.id
                                      AND a.unit_id = i.unit_id)
  FROM items i
"""
_STATUSES = {status.value: status for status in Status}  # the column's checked values


def due_items(db: sqlite_utils.Database, today: date) -> Iterator[DueItem]:
    """Items whose next look is today or earlier: an index range scan.

    Yielded 500 at a time: after downtime, or on a ledger's first day, every item may be due,
    and a pass holds only the ones it keeps for today's messages, not the whole table."""
    rows = db.conn.execute(
        "SELECT item_id, swept_on FROM sweep_schedule WHERE next_on <= ?", [day_number(today)]
    ).fetchall()
    swept = {item_id: _day(day) for item_id, day in rows}
    del rows  # the generator lives as long as the pass: keep what it needs, no more
    ids = list(swept)
    units = dict(db.conn.execute("SELECT id, name FROM units").fetchall())  # a few dozen
    for start in range(0, len(ids), 500):  # SQLite's bound-variable limit
        chunk = ids[start : start + 500]
        marks = ",".join("?" * len(chunk))
        found = db.conn.execute(
            _DUE_SELECT + f"WHERE i.id IN ({marks}) ORDER BY i.code", chunk
        ).fetchall()
        for row in found:
            yield _due(row, units, swept)


def _due(row: tuple, units: dict[int, str], swept: dict[int, date | None]) -> DueItem:
    """A due item from its row of ``_DUE_SELECT``, columns named in the select's order."""
    (item_id, code, problem, unit_id, deadline, status, recurring, ongoing) = row[:8]
    (sheet_level, manual_level, created_at, closed_at, co_units, assigned) = row[8:]
    swept_on = swept[item_id]
    return DueItem(
        item_id,
        code,
        problem,
        unit_id,
        units.get(unit_id),
        tuple(sorted(int(uid) for uid in co_units.split(","))) if co_units else (),
        date.fromisoformat(deadline) if deadline else None,
        _STATUSES[status],
        recurring,
        bool(ongoing),
        sheet_level,
        manual_level,
        datetime.fromisoformat(created_at),
        datetime.fromisoformat(closed_at) if closed_at else None,
        swept_on,
        bool(assigned),
    )


def schedule_all(
    db: sqlite_utils.Database, plans: Iterable[tuple[int, date | None, date | None]]
) -> None:
    """Each (item, next look, day last swept) in one statement: a pass over a heavy day
    writes a couple of thousand of these, and one prepared statement run for all of them
    saves a round of Python and SQL parsing per item. They are written in the order of the
    table (each item once), so one row's page is still at hand for the next."""
    db.conn.executemany(
        "UPDATE sweep_schedule SET next_on = ?, swept_on = ? WHERE item_id = ?",
        [
            (
                day_number(next_on) if next_on else None,
                day_number(swept_on) if swept_on else None,
                item_id,
            )
            for item_id, next_on, swept_on in sorted(plans, key=itemgetter(0))
        ],
    )


# --- who gets the pushes


def contacts_by_unit(db: sqlite_utils.Database) -> dict[int, list[Person]]:
    """Every active, registered contact, by unit."""
    found: dict[int, list[Person]] = {}
    for person in people.active_people(db, role=Role.CONTACT):
        if person.address is not None and person.unit_id is not None:
            found.setdefault(person.unit_id, []).append(person)
    return found


def pushed_today(db: sqlite_utils.Database, day: date) -> set[int]:
    return set(
        fetch_values(db, "SELECT person_id FROM daily_pushes WHERE day = ?", [day.isoformat()])
    )


def mark_pushed(db: sqlite_utils.Database, person_id: int, day: date) -> None:
    db.execute(
        "INSERT OR IGNORE INTO daily_pushes (person_id, day) VALUES (?, ?)",
        [person_id, day.isoformat()],
    )


def park_unit(db: sqlite_utils.Database, unit_id: int, at: datetime) -> str:
    """Remember a unit nobody could be told about; returns since when it has been parked."""
    db.execute(
        "INSERT OR IGNORE INTO parked_units (unit_id, since) VALUES (?, ?)",
        [unit_id, at.isoformat()],
    )
    return fetch_value(db, "SELECT since FROM parked_units WHERE unit_id = ?", [unit_id])


def parked_unit_names(db: sqlite_utils.Database) -> list[str]:
    """The units whose reminders wait for a contact, by name."""
    return fetch_values(
        db, "SELECT u.name FROM parked_units pu JOIN units u ON u.id = pu.unit_id ORDER BY u.name"
    )


def release_parked_units(db: sqlite_utils.Database) -> list[int]:
    """Units that now have a contact: their items are looked at again at the next pass."""
    units = fetch_values(
        db,
        "SELECT pu.unit_id FROM parked_units pu WHERE EXISTS (SELECT 1 FROM people p "
        "WHERE p.unit_id = pu.unit_id AND p.role = 'contact' AND p.active = 1 "
        "AND p.account IS NOT NULL)",
    )
    for unit_id in units:
        db.execute(
            "UPDATE sweep_schedule SET next_on = ? WHERE next_on IS NOT NULL "
            "AND item_id IN (SELECT id FROM items WHERE unit_id = ?)",
            [AT_NEXT_PASS, unit_id],
        )
        db.execute("DELETE FROM parked_units WHERE unit_id = ?", [unit_id])
    return units


# --- acknowledgements (签收)


@dataclass(frozen=True)
class Ack:
    id: int
    item_id: int
    code: str
    problem: str
    unit_id: int
    unit: str
    kind: str
    sent_on: date


_ACK_SELECT = (
    "SELECT a.id, a.item_id, i.code, i.problem, a.unit_id, u.name AS unit, a.kind, a.sent_on "
    "FROM acks a JOIN items i ON i.id = a.item_id JOIN units u ON u.id = a.unit_id"
)


def _ack(row: sqlite3.Row) -> Ack:
    return Ack(
        row["id"],
        row["item_id"],
        row["code"],
        row["problem"],
        row["unit_id"],
        row["unit"],
        row["kind"],
        date.fromisoformat(row["sent_on"]),
    )


def open_ack(
    db: sqlite_utils.Database, item_id: int, unit_id: int, kind: str, day: date, at: datetime
) -> int:
    """Ask the unit to acknowledge; an earlier open request for the item is replaced."""
    db.execute(
        "UPDATE acks SET acked_at = ?, acked_by = NULL WHERE item_id = ? AND unit_id = ? "
        "AND acked_at IS NULL",
        [at.isoformat(), item_id, unit_id],
    )
    return insert_row(
        db,
        "acks",
        {
            "item_id": item_id,
            "unit_id": unit_id,
            "kind": kind,
            "sent_on": day.isoformat(),
            "created_at": at.isoformat(),
        },
    )


def open_acks(db: sqlite_utils.Database, unit_id: int | None = None) -> list[Ack]:
    where, params = " WHERE a.acked_at IS NULL", []
    if unit_id is not None:
        where += " AND a.unit_id = ?"
        params.append(unit_id)
    rows = fetch_all(db, _ACK_SELECT + where + " ORDER BY u.name, a.sent_on, i.code", params)
    return [_ack(row) for row in rows]


def acknowledge(
    db: sqlite_utils.Database, ack_ids: list[int], person: Person, origin: Origin
) -> list[Ack]:
    """Acknowledge the open requests among ``ack_ids`` that belong to the person's unit."""
    done = []
    for ack in open_acks(db, person.unit_id):
        if ack.id not in ack_ids:
            continue
        db.execute(
            "UPDATE acks SET acked_at = ?, acked_by = ? WHERE id = ? AND acked_at IS NULL",
            [origin.at.isoformat(), person.id, ack.id],
        )
        record_item(
            db,
            origin,
            ack.item_id,
            AuditAction.ACKNOWLEDGED,
            after={"kind": ack.kind, "unit": ack.unit},
        )
        done.append(ack)
    return done


def late_acks_to_tell(db: sqlite_utils.Database) -> list[Ack]:
    rows = fetch_all(db, _ACK_SELECT + " WHERE a.acked_at IS NULL AND a.overdue_told = 0")
    return [_ack(row) for row in rows]


def mark_ack_told(db: sqlite_utils.Database, ack_id: int) -> None:
    db.execute("UPDATE acks SET overdue_told = 1 WHERE id = ?", [ack_id])


# --- look-back (回头看)


def open_lookback(db: sqlite_utils.Database, item: Item, at: datetime) -> int | None:
    """The look-back task for this close-out; None if it was made before."""
    assert item.closed_at is not None
    cursor = db.execute(
        "INSERT OR IGNORE INTO lookbacks (item_id, closed_at, created_at) VALUES (?, ?, ?)",
        [item.id, item.closed_at.isoformat(), at.isoformat()],
    )
    return cursor.lastrowid if cursor.rowcount else None


def lookback(db: sqlite_utils.Database, lookback_id: int) -> dict | None:
    row = fetch_one(
        db, "SELECT id, item_id, closed_at, outcome FROM lookbacks WHERE id = ?", [lookback_id]
    )
    return dict(row) if row else None


def decide_lookback(
    db: sqlite_utils.Database,
    lookback_id: int,
    outcome: str,
    person_id: int,
    at: datetime,
    finding: str | None = None,
) -> bool:
    """Record the look-back's outcome; False if someone decided it already."""
    return bool(
        db.execute(
            "UPDATE lookbacks SET outcome = ?, decided_by = ?, decided_at = ?, finding = ? "
            "WHERE id = ? AND outcome IS NULL",
            [outcome, person_id, at.isoformat(), finding, lookback_id],
        ).rowcount
    )
