"""People, invitations and the admin appointments that decide who may use the bot."""

from __future__ import annotations

from datetime import datetime

import sqlite_utils

from bot.domain.audit import Origin
from bot.domain.lifecycle import Role
from bot.domain.people import Invitation, Person, invitation_expiry, new_invitation_code
from storage.audit import record, record_item
from storage.db import insert_row
from storage.ledger import NotFound, ensure_named, iso

_PERSON_SELECT = (
    "SELECT p.id, p.tg_user_id, p.name, p.role, p.unit_id, u.name, p.language, p.active, "
    "p.reachable "
    "FROM people p LEFT JOIN units u ON u.id = p.unit_id"
)


def _person(row: tuple) -> Person:
    return Person(
        row[0], row[1], row[2], Role(row[3]), row[4], row[5], row[6], bool(row[7]), bool(row[8])
    )


def by_telegram_id(db: sqlite_utils.Database, tg_user_id: int) -> Person | None:
    row = db.execute(f"{_PERSON_SELECT} WHERE p.tg_user_id = ?", [tg_user_id]).fetchone()
    return _person(row) if row else None


def by_id(db: sqlite_utils.Database, person_id: int) -> Person:
    row = db.execute(f"{_PERSON_SELECT} WHERE p.id = ?", [person_id]).fetchone()
    if not row:
        raise NotFound(f"no person {person_id}")
    return _person(row)


def active_people(
    db: sqlite_utils.Database, *, role: Role | None = None, unit_id: int | None = None
) -> list[Person]:
    clauses, params = ["p.active = 1"], []
    if role is not None:
        clauses.append("p.role = ?")
        params.append(role.value)
    if unit_id is not None:
        clauses.append("p.unit_id = ?")
        params.append(unit_id)
    sql = f"{_PERSON_SELECT} WHERE {' AND '.join(clauses)} ORDER BY p.id"
    return [_person(r) for r in db.execute(sql, params).fetchall()]


def ensure_admin(
    db: sqlite_utils.Database, tg_user_id: int, name: str, language: str, origin: Origin
) -> Person:
    """An ADMIN_IDS user is an administrator from their first message, no invitation needed."""
    person = by_telegram_id(db, tg_user_id)
    if person is not None:
        return person
    with db.atomic():
        person_id = insert_row(
            db,
            "people",
            {
                "tg_user_id": tg_user_id,
                "name": name,
                "role": Role.ADMIN.value,
                "language": language,
                "created_at": iso(origin.at),
            },
        )
        record(db, origin, entity="person", entity_id=person_id, action="admin_from_settings")
    return by_id(db, person_id)


def create_invitation(
    db: sqlite_utils.Database,
    *,
    role: Role,
    name: str,
    unit: str | None,
    days: int,
    origin: Origin,
) -> Invitation:
    with db.atomic():
        unit_id = ensure_named(db, "units", unit, origin) if unit else None
        code = new_invitation_code()
        db["invitations"].insert(
            {
                "code": code,
                "role": role.value,
                "unit_id": unit_id,
                "name": name,
                "created_by": origin.actor,
                "created_at": iso(origin.at),
                "expires_at": iso(invitation_expiry(origin.at, days)),
            }
        )
        record(
            db,
            origin,
            entity="invitation",
            action="created",
            after={"role": role.value, "unit": unit, "name": name},
        )
    return get_invitation(db, code)


def get_invitation(db: sqlite_utils.Database, code: str) -> Invitation | None:
    row = db.execute(
        "SELECT i.code, i.role, i.unit_id, u.name, i.name, i.expires_at, i.used_at, "
        "i.revoked_at FROM invitations i LEFT JOIN units u ON u.id = i.unit_id "
        "WHERE i.code = ?",
        [code],
    ).fetchone()
    if not row:
        return None

    def moment(text: str | None) -> datetime | None:
        return datetime.fromisoformat(text) if text else None

    return Invitation(
        row[0],
        Role(row[1]),
        row[2],
        row[3],
        row[4],
        moment(row[5]),
        moment(row[6]),
        moment(row[7]),
    )


def redeem_invitation(
    db: sqlite_utils.Database,
    invitation: Invitation,
    tg_user_id: int,
    language: str,
    origin: Origin,
) -> Person:
    """Register the person the invitation names; the invitation is used up in the same commit."""
    with db.atomic():
        used = db.execute(
            "UPDATE invitations SET used_at = ? WHERE code = ? AND used_at IS NULL",
            [iso(origin.at), invitation.code],
        ).rowcount
        if not used:
            raise NotFound("invitation already used")
        existing = by_telegram_id(db, tg_user_id)
        values = {
            "tg_user_id": tg_user_id,
            "name": invitation.name,
            "role": invitation.role.value,
            "unit_id": invitation.unit_id,
            "language": language,
            "active": 1,
        }
        if existing:
            db["people"].update(existing.id, values)
            person_id = existing.id
        else:
            person_id = db["people"].insert(values | {"created_at": iso(origin.at)}).last_pk
        db.execute(
            "UPDATE invitations SET used_by = ? WHERE code = ?", [person_id, invitation.code]
        )
        record(
            db,
            origin,
            entity="person",
            entity_id=person_id,
            action="registered",
            after={"role": invitation.role.value, "unit": invitation.unit, "name": invitation.name},
        )
    return by_id(db, person_id)


def set_language(db: sqlite_utils.Database, person_id: int, language: str) -> None:
    db.execute("UPDATE people SET language = ? WHERE id = ?", [language, person_id])


def set_reachable(db: sqlite_utils.Database, tg_user_id: int, reachable: bool) -> bool:
    """Record whether Telegram delivers to this person; True if that changed."""
    return bool(
        db.execute(
            "UPDATE people SET reachable = ? WHERE tg_user_id = ? AND reachable != ?",
            [int(reachable), tg_user_id, int(reachable)],
        ).rowcount
    )


def all_people(db: sqlite_utils.Database) -> list[Person]:
    sql = f"{_PERSON_SELECT} ORDER BY p.active DESC, p.role, p.name"
    return [_person(r) for r in db.execute(sql).fetchall()]


def update_person(db: sqlite_utils.Database, person_id: int, values: dict, origin: Origin) -> None:
    """Change a person's role, unit or active flag, with its audit event."""
    with db.atomic():
        before = db["people"].get(person_id)
        db["people"].update(person_id, values)
        record(
            db,
            origin,
            entity="person",
            entity_id=person_id,
            action="changed",
            before={k: before[k] for k in values},
            after=values,
        )


def hand_over(
    db: sqlite_utils.Database, person_id: int, successor_id: int, origin: Origin
) -> dict[str, int]:
    """Move assigned items and open visits from one person to another."""
    with db.atomic():
        items = [
            row[0]
            for row in db.execute(
                "SELECT item_id FROM item_inspectors WHERE person_id = ?", [person_id]
            )
        ]
        for item_id in items:
            db.execute(
                "INSERT OR IGNORE INTO item_inspectors (item_id, person_id, assigned_by, "
                "assigned_at) VALUES (?, ?, 'office', ?)",
                [item_id, successor_id, iso(origin.at)],
            )
            db.execute(
                "DELETE FROM item_inspectors WHERE item_id = ? AND person_id = ?",
                [item_id, person_id],
            )
            record_item(
                db,
                origin,
                item_id,
                "handed_over",
                before={"person_id": person_id},
                after={"person_id": successor_id},
            )
        visits = [
            row[0]
            for row in db.execute(
                "SELECT v.id FROM visits v JOIN visit_members m ON m.visit_id = v.id "
                "WHERE m.person_id = ? AND v.ended_at IS NULL",
                [person_id],
            )
        ]
        for visit_id in visits:
            db.execute(
                "INSERT OR IGNORE INTO visit_members (visit_id, person_id, joined_at) "
                "VALUES (?, ?, ?)",
                [visit_id, successor_id, iso(origin.at)],
            )
            db.execute(
                "DELETE FROM visit_members WHERE visit_id = ? AND person_id = ?",
                [visit_id, person_id],
            )
        record(
            db,
            origin,
            entity="person",
            entity_id=person_id,
            action="handed_over",
            after={"successor": successor_id, "items": len(items), "visits": len(visits)},
        )
        return {"items": len(items), "visits": len(visits)}


def bot_username(db: sqlite_utils.Database) -> str | None:
    row = db.execute("SELECT value FROM runtime_facts WHERE key = 'bot_username'").fetchone()
    return row[0] if row else None


def remember_bot_username(db: sqlite_utils.Database, username: str) -> None:
    db["runtime_facts"].upsert({"key": "bot_username", "value": username}, pk="key")
