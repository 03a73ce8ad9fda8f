"""Invitation rules without a database: lifetimes, what a redemption changes, the hash."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime, timedelta

import pytest

from bot.domain.lifecycle import Role
from bot.domain.people import (
    Change,
    Invitation,
    Person,
    changes_on_redeem,
    hash_code,
    invitation_expiry,
)
from bot.domain.policy import Policy, PolicyError, parse_setting
from bot.i18n import placeholders
from bot.i18n.catalogue import CATALOGUE

NOW = datetime(2024, 6, 3, 1, 0, tzinfo=UTC)


def _invitation(role: Role, name: str, unit: str | None, **moments: datetime) -> Invitation:
    return Invitation(
        1, hash_code("x"), role, 7 if unit else None, unit, name,
        moments.get("expires_at", NOW + timedelta(days=1)),
        moments.get("used_at"), moments.get("revoked_at"),
    )  # fmt: skip


def test_admin_invitation_lapses_after_admin_hours_others_after_days() -> None:
    """An admin link is a key to everything: it lasts the shorter admin_invitation_hours;
    other roles keep invitation_days."""
    assert invitation_expiry(NOW, Role.ADMIN, 7, 24) == NOW + timedelta(hours=24)
    assert invitation_expiry(NOW, Role.INSPECTOR, 7, 24) == NOW + timedelta(days=7)
    assert invitation_expiry(NOW, Role.ADMIN, 1, 48) == NOW + timedelta(days=1)


def test_admin_invitation_hours_defaults_to_a_day_and_is_checked() -> None:
    """The documented default is 24 hours; the office may type 6小时 but not 0 or 5天."""
    assert Policy.defaults().admin_invitation_hours == 24
    assert parse_setting("admin_invitation_hours", "6小时") == 6
    with pytest.raises(PolicyError, match="number_hours"):
        parse_setting("admin_invitation_hours", "5天")
    with pytest.raises(PolicyError, match=r"range_hours \(low=1, high=168"):
        Policy(admin_invitation_hours=0)


def test_changes_list_only_what_differs() -> None:
    """A contact of 科技局 shown an inspector's link sees role and unit change, not the
    name they already have."""
    person = Person(3, "telegram", "55", "王督查", Role.CONTACT, 7, "科技局", "zh", True)
    changes = changes_on_redeem(person, _invitation(Role.INSPECTOR, "王督查", None))
    assert changes == [Change("role", "contact", "inspector"), Change("unit", "科技局", None)]
    same = _invitation(Role.CONTACT, "王督查", "科技局")
    assert changes_on_redeem(person, same) == []


def test_refusal_order_revoked_used_expired() -> None:
    """A revoked link says revoked even if it also expired; a live one has no refusal."""
    assert _invitation(Role.LEADER, "陈", None).refusal(NOW) is None
    expired = _invitation(Role.LEADER, "陈", None, expires_at=NOW)
    assert expired.refusal(NOW) == "start.invitation_expired"
    used = _invitation(Role.LEADER, "陈", None, used_at=NOW, expires_at=NOW)
    assert used.refusal(NOW) == "start.invitation_used"
    revoked = _invitation(Role.LEADER, "陈", None, revoked_at=NOW, used_at=NOW)
    assert revoked.refusal(NOW) == "start.invitation_revoked"


def test_code_hash_is_sha256_of_the_code() -> None:
    """The migration and the bot must agree on the hash, or old links stop working."""
    assert hash_code("abc") == hashlib.sha256(b"abc").hexdigest()


def test_every_invitation_message_has_both_languages_with_the_same_values() -> None:
    """A newcomer on an English phone gets the same facts as one on a Chinese phone."""
    keys = [k for k in CATALOGUE if k.startswith(("invites.", "users.settings_admin"))]
    assert len(keys) > 10
    for key in [*keys, "setting.admin_invitation_hours"]:
        zh, en = CATALOGUE[key]["zh"], CATALOGUE[key]["en"]
        assert zh and en, key
        assert placeholders(zh) == placeholders(en), key
