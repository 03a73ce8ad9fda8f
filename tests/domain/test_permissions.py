"""Who may administer, see an item and take the office's documents: bot/domain/permissions.py,
the one place each of these rules is decided."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from bot.domain.items import Item
from bot.domain.lifecycle import Role, Status
from bot.domain.people import Person
from bot.domain.permissions import (
    NotAdmin,
    NotYourItem,
    ReportsNotForYou,
    is_admin,
    may_export,
    may_see_item,
    require_admin,
    require_export,
    require_sight,
)

LEAD, CO, OTHER = 1, 2, 3
MOMENT = datetime(2025, 3, 1, 2, 0, tzinfo=UTC)


def person(role: Role, unit_id: int | None = None, active: bool = True) -> Person:
    return Person(7, "telegram", "1007", "某人", role, unit_id, None, "zh", active)


def item() -> Item:
    """An item led by unit LEAD with unit CO helping."""
    return Item(
        id=11, code="2025-011", period="2025", seq="11", problem="问题", measure="措施",
        unit="牵头", unit_id=LEAD, co_units=("配合",), co_unit_ids=frozenset({CO}),
        deadline=None, deadline_text="", recurring=None, ongoing=False, target="",
        target_number=None, area=None, town=None, company=None, company_id=None,
        status=Status.OPEN, sheet_level="none", manual_level="none", joint_meeting=False,
        notes="", needs_review=False, inspector_ids=frozenset(), created_at=MOMENT,
        last_activity_at=MOMENT, closed_at=None,
    )  # fmt: skip


def test_only_an_administrator_is_one() -> None:
    """Administrators alone pass the check; leaders, inspectors, contacts and nobody do not."""
    assert is_admin(person(Role.ADMIN))
    for role in (Role.LEADER, Role.INSPECTOR, Role.CONTACT):
        assert not is_admin(person(role, LEAD))
    assert not is_admin(None)


def test_a_refused_administrator_action_explains_itself_in_the_screens_words() -> None:
    """The refusal says "only administrators" by default, or the line the screen chose."""
    admin = person(Role.ADMIN)
    assert require_admin(admin) is admin
    with pytest.raises(NotAdmin) as plain:
        require_admin(person(Role.LEADER))
    assert plain.value.key == "admin.only"
    with pytest.raises(NotAdmin) as worded:
        require_admin(None, "verify.admin_only")
    assert worded.value.key == "verify.admin_only"
    assert NotAdmin.key == "admin.only"  # naming a line for one refusal changes no other


def test_contacts_see_only_their_units_items_and_the_office_sees_all() -> None:
    """A contact of the lead or a co-unit sees the item; another unit's contact does not;
    inspectors, leaders and admins see it; someone deactivated or unknown sees nothing."""
    shown = item()
    assert may_see_item(person(Role.CONTACT, LEAD), shown)
    assert may_see_item(person(Role.CONTACT, CO), shown)
    assert not may_see_item(person(Role.CONTACT, OTHER), shown)
    assert not may_see_item(person(Role.CONTACT, None), shown)
    for role in (Role.INSPECTOR, Role.LEADER, Role.ADMIN):
        assert may_see_item(person(role), shown)
    assert not may_see_item(person(Role.ADMIN, active=False), shown)
    assert not may_see_item(None, shown)


def test_an_item_out_of_sight_is_refused_with_the_screens_line() -> None:
    """/item refuses with view.not_yours, /history with its own line; the item is returned
    to whoever may see it."""
    shown = item()
    assert require_sight(person(Role.CONTACT, LEAD), shown) is shown
    with pytest.raises(NotYourItem) as card:
        require_sight(person(Role.CONTACT, OTHER), shown)
    assert card.value.key == "view.not_yours"
    with pytest.raises(NotYourItem) as history:
        require_sight(person(Role.CONTACT, OTHER), shown, "history.not_yours")
    assert history.value.key == "history.not_yours"


def test_the_office_documents_are_for_administrators_and_leaders() -> None:
    """Exports and the 通报 go to admins and leaders; inspectors and contacts are refused."""
    for role in (Role.ADMIN, Role.LEADER):
        assert may_export(person(role))
        require_export(person(role))
    for role in (Role.INSPECTOR, Role.CONTACT):
        assert not may_export(person(role, LEAD))
        with pytest.raises(ReportsNotForYou):
            require_export(person(role, LEAD))
    with pytest.raises(ReportsNotForYou):
        require_export(None)
