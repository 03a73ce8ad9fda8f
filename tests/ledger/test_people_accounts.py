"""People are found and registered by their platform's account, not by a Telegram number.

Until every service speaks addresses, a bare number still means a Telegram user id; the
same person is reached either way, and someone on another platform is never mistaken for
a Telegram user with the same digits.
"""

from __future__ import annotations

from datetime import UTC, datetime

import sqlite_utils

from bot.chat import Address
from bot.domain.audit import Origin
from bot.domain.lifecycle import Role
from storage import people
from storage.db import open_database

ORIGIN = Origin.cli(datetime(2025, 3, 1, 8, 0, tzinfo=UTC))
DINGTALK = Address("dingtalk", "0123-staff")


def _invited(db: sqlite_utils.Database, name: str) -> people.Invitation:
    return people.create_invitation(
        db, role=Role.INSPECTOR, name=name, unit=None, days=7, origin=ORIGIN
    )


def test_a_person_on_another_platform_keeps_their_string_account() -> None:
    """A DingTalk id is stored as given (leading zero, letters) and gives their address."""
    db = open_database(":memory:")
    person = people.redeem_invitation(db, _invited(db, "王督查"), DINGTALK, "zh", ORIGIN)
    assert (person.platform, person.account) == ("dingtalk", "0123-staff")
    assert person.address == DINGTALK
    assert people.by_address(db, DINGTALK) == person
    assert people.by_address(db, Address("telegram", "0123-staff")) is None


def test_a_telegram_number_and_its_address_are_the_same_person() -> None:
    """Registering by number (as the services still do) and finding by address agree."""
    db = open_database(":memory:")
    person = people.redeem_invitation(db, _invited(db, "李代表"), 7001, "en", ORIGIN)
    assert person.address == Address("telegram", "7001")
    assert person.account == "7001"
    assert people.by_telegram_id(db, 7001) == person
    assert people.by_address(db, Address("telegram", "7001")) == person


def test_the_same_digits_on_two_platforms_are_two_people() -> None:
    """Reachability and admin rights follow the platform's account, not the digits."""
    db = open_database(":memory:")
    on_telegram = people.redeem_invitation(db, _invited(db, "甲"), 42, "zh", ORIGIN)
    elsewhere = people.redeem_invitation(
        db, _invited(db, "乙"), Address("dingtalk", "42"), "zh", ORIGIN
    )
    assert on_telegram.id != elsewhere.id
    assert people.set_reachable(db, Address("dingtalk", "42"), False)
    assert not people.by_id(db, elsewhere.id).reachable
    assert people.by_id(db, on_telegram.id).reachable
    admin = people.ensure_admin(db, Address("dingtalk", "42"), "乙", "zh", ORIGIN)
    assert admin.id == elsewhere.id and admin.role is Role.ADMIN
    assert people.by_id(db, on_telegram.id).role is Role.INSPECTOR
