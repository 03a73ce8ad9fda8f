"""Unlinking an account in the store (issue 16): a person's only account is refused, an
account that is not (or no longer) theirs is refused, the account the bot wrote to hands
over to the one that stays, and the freed account belongs to nobody."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
import sqlite_utils

from bot.domain.accounts import UnlinkRefusal, reached_after_unlink, unlink_refusal
from bot.domain.audit import AuditAction, Origin
from bot.domain.lifecycle import Role
from bot.domain.people import dingtalk_address, telegram_address
from storage import people
from storage.db import connect
from storage.migrations import upgrade

AT = datetime(2026, 12, 7, 2, 0, tzinfo=UTC)
TELEGRAM, DINGTALK = telegram_address(500), dingtalk_address("wang01")


@pytest.fixture
def db(tmp_path: Path) -> sqlite_utils.Database:
    """王主任 on Telegram, with DingTalk linked (so the bot writes to DingTalk)."""
    database = connect(tmp_path / "duban.sqlite")
    upgrade(database)
    origin = Origin.cli(AT)
    invitation = people.create_invitation(
        database, role=Role.INSPECTOR, name="王主任", unit=None, days=7, origin=origin
    )
    person = people.redeem_invitation(database, invitation, TELEGRAM, "zh", origin)
    link = people.create_invitation(
        database,
        role=Role.INSPECTOR,
        name="王主任",
        unit=None,
        days=7,
        origin=origin,
        links_person=person.id,
    )
    people.link_account(database, link, DINGTALK, origin)
    return database


def _unlinked_events(db: sqlite_utils.Database) -> int:
    return db.execute(
        "SELECT count(*) FROM audit_events WHERE action = ?", [AuditAction.ACCOUNT_UNLINKED.value]
    ).fetchone()[0]


def test_unlinking_the_account_written_to_moves_messages_to_the_other(db) -> None:
    person = people.by_address(db, TELEGRAM)
    assert person is not None and person.address == DINGTALK
    assert people.unlink_account(db, person.id, DINGTALK, Origin.cli(AT)) is None
    assert people.by_id(db, person.id).address == TELEGRAM
    assert people.accounts(db, person.id) == [TELEGRAM]
    assert people.by_address(db, DINGTALK) is None  # a stranger again
    assert people.platforms_by_person(db)[person.id] == ["telegram"]
    assert _unlinked_events(db) == 1


def test_unlinking_the_other_account_leaves_the_address_alone(db) -> None:
    person = people.by_address(db, TELEGRAM)
    assert person is not None
    assert people.unlink_account(db, person.id, TELEGRAM, Origin.cli(AT)) is None
    assert people.by_id(db, person.id).address == DINGTALK
    assert people.by_address(db, TELEGRAM) is None


def test_the_only_account_and_an_account_gone_are_refused(db) -> None:
    person = people.by_address(db, TELEGRAM)
    assert person is not None
    people.unlink_account(db, person.id, DINGTALK, Origin.cli(AT))
    again = people.unlink_account(db, person.id, DINGTALK, Origin.cli(AT))
    only = people.unlink_account(db, person.id, TELEGRAM, Origin.cli(AT))
    assert (again, only) == (UnlinkRefusal.NOT_THEIRS, UnlinkRefusal.ONLY_ACCOUNT)
    assert people.accounts(db, person.id) == [TELEGRAM]
    assert _unlinked_events(db) == 1


def test_the_rules_read_plainly() -> None:
    both = [TELEGRAM, DINGTALK]
    assert unlink_refusal(both, DINGTALK) is None
    assert unlink_refusal([TELEGRAM], TELEGRAM) is UnlinkRefusal.ONLY_ACCOUNT
    assert unlink_refusal([TELEGRAM], DINGTALK) is UnlinkRefusal.NOT_THEIRS
    assert reached_after_unlink(both, DINGTALK, DINGTALK) == TELEGRAM
    assert reached_after_unlink(both, TELEGRAM, DINGTALK) == TELEGRAM
    assert reached_after_unlink(both, None, TELEGRAM) == DINGTALK
    with pytest.raises(ValueError):
        reached_after_unlink([TELEGRAM], TELEGRAM, TELEGRAM)
