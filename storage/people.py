"""People, invitations and the admin appointments that decide who may use the bot."""

from __future__ import annotations

import sqlite3
from dataclasses import replace
from datetime import datetime
from typing import NamedTuple

import sqlite_utils

from bot.chat import Address
from bot.domain.accounts import UnlinkRefusal, reached_after_unlink, unlink_refusal
from bot.domain.audit import AuditAction, Origin
from bot.domain.lifecycle import Role
from bot.domain.people import (
    Invitation,
    Person,
    fold_name,
    hash_code,
    invitation_expiry,
    new_invitation_code,
    telegram_address,
)
from bot.domain.policy import Policy
from storage.audit import record, record_item
from storage.db import insert_row
from storage.ledger import NotFound, ensure_named, iso
from storage.rows import fetch_all, fetch_one, fetch_value, fetch_values

_PERSON_SELECT = (
    "SELECT p.id, p.platform, p.account, p.name, p.role, p.unit_id, u.name AS unit, "
    "p.language, p.active, p.reachable "
    "FROM people p LEFT JOIN units u ON u.id = p.unit_id"
)


def _person(row: sqlite3.Row) -> Person:
    return Person(
        row["id"],
        row["platform"],
        row["account"],
        row["name"],
        Role(row["role"]),
        row["unit_id"],
        row["unit"],
        row["language"],
        bool(row["active"]),
        bool(row["reachable"]),
    )


def by_address(db: sqlite_utils.Database, address: Address) -> Person | None:
    """The person who writes from this platform's account (any of their accounts: see
    ``person_accounts``), if the bot knows them."""
    row = fetch_one(
        db,
        f"{_PERSON_SELECT} JOIN person_accounts a ON a.person_id = p.id "
        "WHERE a.platform = ? AND a.account = ?",
        [address.platform, address.id],
    )
    return _person(row) if row else None


def accounts(db: sqlite_utils.Database, person_id: int) -> list[Address]:
    """Every account this person writes from, in the order they were linked."""
    rows = fetch_all(
        db,
        "SELECT platform, account FROM person_accounts WHERE person_id = ? "
        "ORDER BY linked_at, platform",
        [person_id],
    )
    return [Address(row["platform"], row["account"]) for row in rows]


def platforms_by_person(db: sqlite_utils.Database) -> dict[int, list[str]]:
    """Each person's platforms (``telegram``, ``dingtalk``), for the /users list."""
    found: dict[int, list[str]] = {}
    rows = fetch_all(
        db,
        "SELECT DISTINCT person_id, platform FROM person_accounts ORDER BY person_id, platform "
        "DESC",
    )
    for row in rows:
        found.setdefault(row["person_id"], []).append(row["platform"])
    return found


def accounts_by_person(db: sqlite_utils.Database) -> dict[int, list[Address]]:
    """Everyone's accounts, Telegram's first as /users names the platforms, for ``duban
    list people``."""
    found: dict[int, list[Address]] = {}
    rows = fetch_all(
        db,
        "SELECT person_id, platform, account FROM person_accounts "
        "ORDER BY person_id, platform DESC, account",
    )
    for row in rows:
        found.setdefault(row["person_id"], []).append(Address(row["platform"], row["account"]))
    return found


def wrote_from(db: sqlite_utils.Database, person: Person, address: Address) -> Person:
    """Write to this person where they just wrote from (one of their accounts).

    The bot writes to the account a person last wrote from, not the one they registered
    on: someone who linked DingTalk because their office moved to 浙政钉 is reached there
    from their first message on it, without the office changing anything, and a reply
    never goes to a phone they are not holding. The switch happens only on a message or
    a tap (the caller's say), never on a platform's notice such as a Telegram block, so a
    person cannot be moved onto an account that refuses the bot. The account that just
    wrote is reachable by definition.
    """
    if person.address == address:
        return person
    db.execute(
        "UPDATE people SET platform = ?, account = ?, reachable = 1 WHERE id = ?",
        [address.platform, address.id, person.id],
    )
    return by_id(db, person.id)


def by_telegram_id(db: sqlite_utils.Database, tg_user_id: int) -> Person | None:
    """``by_address`` for a Telegram user id (``duban inbox`` reads raw Telegram updates;
    tests register phones by number)."""
    return by_address(db, telegram_address(tg_user_id))


def _account(who: Address | int) -> Address:
    """An address as given; a bare number is a Telegram user id (the command line and the
    tests name Telegram people by number)."""
    return who if isinstance(who, Address) else telegram_address(who)


def by_id(db: sqlite_utils.Database, person_id: int) -> Person:
    row = fetch_one(db, f"{_PERSON_SELECT} WHERE p.id = ?", [person_id])
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
    return [_person(r) for r in fetch_all(db, sql, params)]


def inspectors_by_name(db: sqlite_utils.Database) -> dict[str, list[Person]]:
    """Active inspectors by folded name (bot.domain.people.fold_name): the one lookup behind
    a name typed at the desk (``duban assign``) and a sheet's 督查人员 cell; a name with
    two people under it is for the caller to refuse."""
    found: dict[str, list[Person]] = {}
    for person in active_people(db, role=Role.INSPECTOR):
        found.setdefault(fold_name(person.name), []).append(person)
    return found


def ensure_admin(
    db: sqlite_utils.Database, who: Address | int, name: str, language: str, origin: Origin
) -> Person:
    """An ADMIN_IDS user is an active administrator on every update, no invitation needed.

    Their row is made on their first message and put back (role admin, active) whenever it
    was changed — by another admin, a stray invitation or a hand-edited database — with an
    audit event saying so.
    """
    account = _account(who)
    person = by_address(db, account)
    if person is not None and person.role is Role.ADMIN and person.active:
        return person
    with db.atomic():
        if person is None:
            person_id = insert_row(
                db,
                "people",
                {
                    "platform": account.platform,
                    "account": account.id,
                    "name": name,
                    "role": Role.ADMIN.value,
                    "language": language,
                    "created_at": iso(origin.at),
                },
            )
            record(
                db,
                origin,
                entity="person",
                entity_id=person_id,
                action=AuditAction.ADMIN_FROM_SETTINGS,
            )
        else:
            person_id = person.id
            restored = {"role": Role.ADMIN.value, "active": 1}
            update_person(
                db, person_id, restored, origin, action=AuditAction.ADMIN_RESTORED_FROM_SETTINGS
            )
    return by_id(db, person_id)


def create_invitation(
    db: sqlite_utils.Database,
    *,
    role: Role,
    name: str,
    unit: str | None,
    days: int,
    origin: Origin,
    admin_hours: int = Policy.admin_invitation_hours,
    created_by_person: int | None = None,
    links_person: int | None = None,
) -> Invitation:
    """A new single-use invitation. Only its hash is stored; the returned object is the one
    place the plain code exists (for the link the caller shows once). ``links_person``
    makes it a link invitation: whoever redeems it becomes that person's second account."""
    with db.atomic():
        unit_id = ensure_named(db, "units", unit, origin) if unit else None
        code = new_invitation_code()
        invitation_id = insert_row(
            db,
            "invitations",
            {
                "code_hash": hash_code(code),
                "role": role.value,
                "unit_id": unit_id,
                "name": name,
                "created_by": origin.actor,
                "created_by_person": created_by_person,
                "created_at": iso(origin.at),
                "expires_at": iso(invitation_expiry(origin.at, role, days, admin_hours)),
                "links_person": links_person,
            },
        )
        record(
            db,
            origin,
            entity="invitation",
            entity_id=invitation_id,
            action=AuditAction.CREATED,
            after={"role": role.value, "unit": unit, "name": name}
            | ({"links_person": links_person} if links_person is not None else {}),
        )
    return replace(invitation_by_id(db, invitation_id), code=code)


_INVITATION_SELECT = (
    "SELECT i.id, i.code_hash, i.role, i.unit_id, u.name AS unit, i.name, i.expires_at, "
    "i.used_at, "
    "i.revoked_at, i.used_by, i.created_by_person, i.message_key, i.links_person "
    "FROM invitations i LEFT JOIN units u ON u.id = i.unit_id"
)


def _invitation(row: sqlite3.Row) -> Invitation:
    def moment(text: str | None) -> datetime | None:
        return datetime.fromisoformat(text) if text else None

    return Invitation(
        row["id"],
        row["code_hash"],
        Role(row["role"]),
        row["unit_id"],
        row["unit"],
        row["name"],
        moment(row["expires_at"]),
        moment(row["used_at"]),
        moment(row["revoked_at"]),
        row["used_by"],
        row["created_by_person"],
        row["message_key"],
        links_person=row["links_person"],
    )


def get_invitation(db: sqlite_utils.Database, code: str) -> Invitation | None:
    """The invitation a typed or tapped code stands for (looked up by its hash)."""
    row = fetch_one(db, f"{_INVITATION_SELECT} WHERE i.code_hash = ?", [hash_code(code)])
    return _invitation(row) if row else None


def invitation_by_id(db: sqlite_utils.Database, invitation_id: int) -> Invitation | None:
    row = fetch_one(db, f"{_INVITATION_SELECT} WHERE i.id = ?", [invitation_id])
    return _invitation(row) if row else None


def pending_invitations(db: sqlite_utils.Database, now: datetime) -> list[Invitation]:
    """Invitations that can still be used, the soonest to lapse first (the /invite list)."""
    rows = fetch_all(
        db,
        f"{_INVITATION_SELECT} WHERE i.used_at IS NULL AND i.revoked_at IS NULL "
        "AND i.expires_at > ? ORDER BY i.expires_at, i.id",
        [iso(now)],
    )
    return [_invitation(row) for row in rows]


def set_invitation_message(db: sqlite_utils.Database, invitation_id: int, key: str) -> None:
    """Remember which outbox message holds the link, to edit it when the link is used."""
    db.execute("UPDATE invitations SET message_key = ? WHERE id = ?", [key, invitation_id])


class HeldMessage(NamedTuple):
    """An outbox message as its recipient has it (unpacks as ``address, status, message_id``)."""

    address: Address
    status: str  # pending, sent or dead
    message_id: int | None  # None until it was sent


def invitation_message(db: sqlite_utils.Database, key: str) -> HeldMessage | None:
    """The admin's message holding a link: its chat, outbox status and message id."""
    row = fetch_one(
        db, "SELECT platform, chat, status, message_id FROM outbox WHERE dedup_key = ?", [key]
    )
    if row is None:
        return None
    return HeldMessage(Address(row["platform"], row["chat"]), row["status"], row["message_id"])


SCRUBBED_TEXT = "[invitation message: the link is kept only on the phone it was sent to]"


def forget_sent_links(db: sqlite_utils.Database) -> int:
    """Drop the text of invitation messages the outbox has finished with (sent or dead).

    The link must sit in the outbox until the platform has it; after that the only copy
    should be on the admin's phone, so a backup of the database holds no live code. Every
    field that holds the words goes: Telegram's ``text``, and DingTalk's ``text`` (markdown),
    ``html`` (the words as written) and ``title`` (platforms/dingtalk/render.py). Returns
    how many messages were cleaned.
    """
    return db.execute(
        "UPDATE outbox SET payload = json_replace(payload, "
        "'$.text', :text, '$.html', :text, '$.title', :text) "
        "WHERE dedup_key IN (SELECT message_key FROM invitations WHERE message_key IS NOT NULL) "
        "AND status != 'pending' AND ("
        "json_extract(payload, '$.text') != :text "
        "OR coalesce(json_extract(payload, '$.html'), :text) != :text "
        "OR coalesce(json_extract(payload, '$.title'), :text) != :text)",
        {"text": SCRUBBED_TEXT},
    ).rowcount


def forget_code_in_update(db: sqlite_utils.Database, update_id: int, code: str) -> None:
    """Blank a ``/start CODE`` in the stored update that carried it (in the commit that
    finishes the update, so a crash before it replays the update with its code intact).

    The code is replaced inside the message's text only, wherever it stands there: a code
    typed by hand may follow several spaces, and a short bogus "code" must not touch the
    rest of the stored JSON. The text is where its platform keeps it: a Telegram update's
    ``message.text``, a DingTalk robot message's ``data.text.content`` (``绑定 CODE``).
    """
    for path in _TEXT_PATHS:
        db.execute(
            f"UPDATE inbox SET raw = json_set(raw, '{path}', "
            f"replace(json_extract(raw, '{path}'), ?, '[invitation]')) "
            f"WHERE update_id = ? AND instr(json_extract(raw, '{path}'), ?) > 0",
            [code, update_id, code],
        )


_TEXT_PATHS = ("$.message.text", "$.data.text.content")  # where a typed code can stand


def revoke_invitation(db: sqlite_utils.Database, invitation_id: int, origin: Origin) -> bool:
    """Revoke an unused invitation; False if it was used or revoked already."""
    with db.atomic():
        revoked = db.execute(
            "UPDATE invitations SET revoked_at = ? WHERE id = ? AND used_at IS NULL "
            "AND revoked_at IS NULL",
            [iso(origin.at), invitation_id],
        ).rowcount
        if revoked:
            record(
                db,
                origin,
                entity="invitation",
                entity_id=invitation_id,
                action=AuditAction.REVOKED,
            )
    return bool(revoked)


def redeem_invitation(
    db: sqlite_utils.Database,
    invitation: Invitation,
    who: Address | int,
    language: str,
    origin: Origin,
) -> Person:
    """Register the person the invitation names (``who``: the account that redeemed it);
    the invitation is used up in the same commit."""
    account = _account(who)
    with db.atomic():
        used = db.execute(
            "UPDATE invitations SET used_at = ? WHERE id = ? AND used_at IS NULL "
            "AND revoked_at IS NULL",
            [iso(origin.at), invitation.id],
        ).rowcount
        if not used:
            raise NotFound("invitation already used")
        existing = by_address(db, account)
        values = {
            "platform": account.platform,
            "account": account.id,
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
        db.execute("UPDATE invitations SET used_by = ? WHERE id = ?", [person_id, invitation.id])
        record(
            db,
            origin,
            entity="person",
            entity_id=person_id,
            action=AuditAction.REGISTERED,
            before=(
                {"role": existing.role.value, "unit": existing.unit, "name": existing.name}
                if existing
                else None
            ),
            after={
                "role": invitation.role.value,
                "unit": invitation.unit,
                "name": invitation.name,
                "invitation": invitation.id,
            },
        )
    return by_id(db, person_id)


def link_account(
    db: sqlite_utils.Database, invitation: Invitation, who: Address, origin: Origin
) -> Person:
    """Make ``who`` (an account nobody has) the invited person's account on its platform,
    using the link invitation up in the same commit; the person is written to there from
    now on (``wrote_from``: they have just written from it)."""
    if invitation.links_person is None:
        raise ValueError("not a link invitation")
    with db.atomic():
        used = db.execute(
            "UPDATE invitations SET used_at = ?, used_by = ? WHERE id = ? AND used_at IS NULL "
            "AND revoked_at IS NULL",
            [iso(origin.at), invitation.links_person, invitation.id],
        ).rowcount
        if not used:
            raise NotFound("invitation already used")
        db.execute(
            "INSERT INTO person_accounts (platform, account, person_id, linked_at) "
            "VALUES (?, ?, ?, ?)",
            [who.platform, who.id, invitation.links_person, iso(origin.at)],
        )
        record(
            db,
            origin,
            entity="person",
            entity_id=invitation.links_person,
            action=AuditAction.ACCOUNT_LINKED,
            after={"platform": who.platform, "invitation": invitation.id},
        )
        return wrote_from(db, by_id(db, invitation.links_person), who)


def unlink_account(
    db: sqlite_utils.Database, person_id: int, account: Address, origin: Origin
) -> UnlinkRefusal | None:
    """Take ``account`` from the person, checked and done in one commit (a second tap, or
    two administrators at once, finds it gone and is told why); None when it is done.

    If the bot wrote to that account, it writes to the one that stays from now on
    (``reached_after_unlink``), counted reachable until that platform says otherwise. The
    account is nobody's afterwards: a stranger to the bot, who may be invited anew.
    """
    with db.atomic():
        person = by_id(db, person_id)
        held = accounts(db, person_id)
        refusal = unlink_refusal(held, account)
        if refusal is not None:
            return refusal
        reached = reached_after_unlink(held, person.address, account)
        if reached != person.address:
            db.execute(
                "UPDATE people SET platform = ?, account = ?, reachable = 1 WHERE id = ?",
                [reached.platform, reached.id, person_id],
            )
        db.execute(
            "DELETE FROM person_accounts WHERE platform = ? AND account = ? AND person_id = ?",
            [account.platform, account.id, person_id],
        )
        record(
            db,
            origin,
            entity="person",
            entity_id=person_id,
            action=AuditAction.ACCOUNT_UNLINKED,
            before={"platform": account.platform},
            after={"platform": reached.platform},
        )
        return None


def set_language(db: sqlite_utils.Database, person_id: int, language: str) -> None:
    db.execute("UPDATE people SET language = ? WHERE id = ?", [language, person_id])


def set_reachable(db: sqlite_utils.Database, who: Address | int, reachable: bool) -> bool:
    """Record whether the platform delivers to this person; True if that changed."""
    account = _account(who)
    return bool(
        db.execute(
            "UPDATE people SET reachable = ? WHERE platform = ? AND account = ? AND reachable != ?",
            [int(reachable), account.platform, account.id, int(reachable)],
        ).rowcount
    )


def all_people(db: sqlite_utils.Database) -> list[Person]:
    sql = f"{_PERSON_SELECT} ORDER BY p.active DESC, p.role, p.name"
    return [_person(r) for r in fetch_all(db, sql)]


def update_person(
    db: sqlite_utils.Database,
    person_id: int,
    values: dict,
    origin: Origin,
    *,
    action: AuditAction = AuditAction.CHANGED,
) -> None:
    """Change a person's role, unit or active flag, with its audit event (``action`` says
    why when it is not an administrator's change, e.g. ADMIN_IDS putting an admin back)."""
    with db.atomic():
        before = db["people"].get(person_id)
        db["people"].update(person_id, values)
        record(
            db,
            origin,
            entity="person",
            entity_id=person_id,
            action=action,
            before={k: before[k] for k in values},
            after=values,
        )


def hand_over(
    db: sqlite_utils.Database, person_id: int, successor_id: int, origin: Origin
) -> dict[str, int]:
    """Move assigned items and open visits from one person to another."""
    with db.atomic():
        items = fetch_values(
            db, "SELECT item_id FROM item_inspectors WHERE person_id = ?", [person_id]
        )
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
                AuditAction.HANDED_OVER,
                before={"person_id": person_id},
                after={"person_id": successor_id},
            )
        visits = fetch_values(
            db,
            "SELECT v.id FROM visits v JOIN visit_members m ON m.visit_id = v.id "
            "WHERE m.person_id = ? AND v.ended_at IS NULL",
            [person_id],
        )
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
            action=AuditAction.HANDED_OVER,
            after={"successor": successor_id, "items": len(items), "visits": len(visits)},
        )
        return {"items": len(items), "visits": len(visits)}


def bot_username(db: sqlite_utils.Database) -> str | None:
    return fetch_value(db, "SELECT value FROM runtime_facts WHERE key = 'bot_username'")


def remember_bot_username(db: sqlite_utils.Database, username: str) -> None:
    db["runtime_facts"].upsert({"key": "bot_username", "value": username}, pk="key")
