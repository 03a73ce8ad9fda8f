"""Migration 0022_person_accounts (issue 16): a database from before it upgrades with every
person, account and invitation kept, each person found by the account they wrote from; a
second platform's account can then be linked to a person, who is reached where they last
wrote from, and an account is never anyone else's."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime
from pathlib import Path

import pytest
import sqlite_utils

from bot.domain.audit import AuditAction, Origin
from bot.domain.lifecycle import Role
from bot.domain.people import dingtalk_address, telegram_address
from storage import people
from storage.db import connect
from storage.migrations import migrations, upgrade

T = "2026-12-01T00:00:00+00:00"
AT = datetime(2026, 12, 7, 2, 0, tzinfo=UTC)


def _old_database(path: Path) -> None:
    old = connect(path)
    migrations.apply(old, stop_before="0022_person_accounts")
    old.execute(
        "INSERT INTO people (id, platform, account, name, role, created_at) VALUES "
        f"(1, 'telegram', '500', '王主任', 'admin', '{T}'), "
        f"(2, 'dingtalk', 'manager4521', '李联络', 'contact', '{T}'), "
        f"(3, 'telegram', NULL, '未登记', 'inspector', '{T}')"
    )
    old.execute(
        "INSERT INTO invitations (id, code_hash, role, name, created_by, created_at, "
        f"expires_at) VALUES (7, 'abc', 'inspector', '赵督查', 'cli', '{T}', "
        "'2026-12-31T00:00:00+00:00')"
    )
    old.conn.commit()
    old.close()


@pytest.fixture
def db(tmp_path: Path) -> sqlite_utils.Database:
    path = tmp_path / "old.sqlite"
    _old_database(path)
    database = connect(path)
    assert upgrade(database)[:1] == ["0022_person_accounts"]
    return database


def test_an_old_database_keeps_everyone_and_finds_them_by_their_account(db) -> None:
    assert db.execute("SELECT id, name FROM people ORDER BY id").fetchall() == [
        (1, "王主任"),
        (2, "李联络"),
        (3, "未登记"),
    ]
    admin = people.by_address(db, telegram_address(500))
    contact = people.by_address(db, dingtalk_address("manager4521"))
    assert (admin.id, contact.id) == (1, 2)
    assert people.accounts(db, 2) == [dingtalk_address("manager4521")]
    assert people.accounts(db, 3) == []  # never wrote: no account
    invitation = people.invitation_by_id(db, 7)
    assert invitation is not None and invitation.name == "赵督查"
    assert invitation.links_person is None  # an ordinary invitation, as before
    assert db.execute("PRAGMA foreign_key_check").fetchall() == []


def test_a_person_written_after_the_upgrade_has_their_account_listed(db) -> None:
    """Whoever writes ``people`` (an invitation, ADMIN_IDS, the demo) lists the account."""
    origin = Origin.system(AT, "ADMIN_IDS")
    admin = people.ensure_admin(db, telegram_address(600), "钱主任", "zh", origin)
    assert people.accounts(db, admin.id) == [telegram_address(600)]
    code = people.create_invitation(
        db, role=Role.INSPECTOR, name="孙督查", unit=None, days=7, origin=Origin.cli(AT)
    )
    found = people.get_invitation(db, code.code or "")
    assert found is not None
    person = people.redeem_invitation(db, found, dingtalk_address("sun01"), "zh", Origin.cli(AT))
    assert people.by_address(db, dingtalk_address("sun01")) == person


def test_a_linked_account_reaches_the_same_person_where_they_last_wrote(db) -> None:
    invitation = people.create_invitation(
        db,
        role=Role.ADMIN,
        name="王主任",
        unit=None,
        days=7,
        origin=Origin.cli(AT),
        links_person=1,
    )
    assert invitation.links_person == 1
    linked = people.link_account(db, invitation, dingtalk_address("wang01"), Origin.cli(AT))
    assert linked.id == 1
    assert linked.address == dingtalk_address("wang01")  # they just wrote from there
    assert people.by_address(db, dingtalk_address("wang01")).id == 1
    assert people.by_address(db, telegram_address(500)).id == 1
    assert people.accounts(db, 1) == [telegram_address(500), dingtalk_address("wang01")]
    assert people.platforms_by_person(db)[1] == ["telegram", "dingtalk"]
    back = people.wrote_from(db, linked, telegram_address(500))
    assert back.address == telegram_address(500)
    used = people.invitation_by_id(db, invitation.id)
    assert used is not None and used.used_by == 1 and used.used_at is not None
    action = db.execute(
        "SELECT action FROM audit_events WHERE entity = 'person' AND entity_id = 1 "
        "ORDER BY id DESC LIMIT 1"
    ).fetchone()[0]
    assert action == AuditAction.ACCOUNT_LINKED.value
    with pytest.raises(people.NotFound):  # single use
        people.link_account(db, invitation, dingtalk_address("other"), Origin.cli(AT))


def test_an_account_belongs_to_one_person_only(db) -> None:
    invitation = people.create_invitation(
        db, role=Role.ADMIN, name="王主任", unit=None, days=7, origin=Origin.cli(AT), links_person=1
    )
    with pytest.raises(sqlite3.IntegrityError):  # 李联络's account is theirs
        people.link_account(db, invitation, dingtalk_address("manager4521"), Origin.cli(AT))
    assert people.by_address(db, dingtalk_address("manager4521")).id == 2
    unused = people.invitation_by_id(db, invitation.id)
    assert unused is not None and unused.used_at is None  # rolled back with the refusal
