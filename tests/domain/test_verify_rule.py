"""Who may verify a close-out (销号 / 退办): every role × relation × requester combination.

The rule is ``bot.domain.lifecycle.verify_refusal``; these tests reach it the way the bot
does, through an ``Item``'s parties and ``decide``/``may``, so an item's *involved*
inspectors (logged a finding) are shown to gain nothing.
"""

from __future__ import annotations

import itertools
from datetime import UTC, datetime

import pytest

from bot.domain.items import Item
from bot.domain.lifecycle import (
    Actor,
    Event,
    NotVerifier,
    Role,
    Status,
    VerifyRefusal,
    decide,
    may,
)

LEAD, CO, OTHER = 10, 11, 12
ME = 7
UNITS = {"lead unit": LEAD, "co-unit": CO, "other unit": OTHER, "no unit": None}
LINKS = ("office-assigned", "involved only", "not linked")

OK = None
REQ, UNIT, UNASSIGNED, ROLE = (
    VerifyRefusal.REQUESTER,
    VerifyRefusal.OWN_UNIT,
    VerifyRefusal.NOT_ASSIGNED,
    VerifyRefusal.ROLE,
)

# When the actor did NOT request the close-out: (role, unit relation) → outcome for each of
# LINKS (office-assigned, involved only, not linked). Written out, not derived.
NOT_REQUESTER = {
    (Role.INSPECTOR, "lead unit"): (UNIT, UNIT, UNIT),
    (Role.INSPECTOR, "co-unit"): (UNIT, UNIT, UNIT),
    (Role.INSPECTOR, "other unit"): (OK, UNASSIGNED, UNASSIGNED),
    (Role.INSPECTOR, "no unit"): (OK, UNASSIGNED, UNASSIGNED),
    (Role.CONTACT, "lead unit"): (UNIT, UNIT, UNIT),
    (Role.CONTACT, "co-unit"): (UNIT, UNIT, UNIT),
    (Role.CONTACT, "other unit"): (ROLE, ROLE, ROLE),
    (Role.CONTACT, "no unit"): (ROLE, ROLE, ROLE),
    (Role.ADMIN, "lead unit"): (UNIT, UNIT, UNIT),
    (Role.ADMIN, "co-unit"): (UNIT, UNIT, UNIT),
    (Role.ADMIN, "other unit"): (OK, OK, OK),
    (Role.ADMIN, "no unit"): (OK, OK, OK),
    (Role.LEADER, "lead unit"): (UNIT, UNIT, UNIT),
    (Role.LEADER, "co-unit"): (UNIT, UNIT, UNIT),
    (Role.LEADER, "other unit"): (OK, OK, OK),
    (Role.LEADER, "no unit"): (OK, OK, OK),
}


def _item(link: str, requester: int) -> Item:
    at = datetime(2025, 3, 1, tzinfo=UTC)
    return Item(
        id=1,
        code="2025-001",
        period="2025",
        seq="1",
        problem="研发投入不足",
        measure="",
        unit="科技局",
        unit_id=LEAD,
        co_units=("工信局",),
        co_unit_ids=frozenset({CO}),
        deadline=None,
        deadline_text="",
        recurring=None,
        ongoing=False,
        target="",
        target_number=None,
        area=None,
        town=None,
        company=None,
        company_id=None,
        status=Status.CLOSE_REQUESTED,
        sheet_level="none",
        manual_level="none",
        joint_meeting=False,
        notes="",
        needs_review=False,
        inspector_ids=frozenset({ME, 99}) if link == "office-assigned" else frozenset({99}),
        created_at=at,
        last_activity_at=at,
        closed_at=None,
        involved_ids=frozenset({ME}) if link == "involved only" else frozenset(),
        close_requested_by=requester,
    )


CASES = [
    (role, unit, link, requested)
    for (role, unit), link, requested in itertools.product(NOT_REQUESTER, LINKS, (False, True))
]


def test_the_table_covers_every_combination():
    """Every role and unit relation has a row, so no combination is left to chance."""
    assert set(NOT_REQUESTER) == set(itertools.product(Role, UNITS))
    assert len(CASES) == len(Role) * len(UNITS) * len(LINKS) * 2


@pytest.mark.parametrize(("role", "unit", "link", "requested"), CASES)
def test_who_may_verify(role: Role, unit: str, link: str, requested: bool):
    """Approve and return follow the table; a refusal names its reason for the user."""
    actor = Actor(ME, role, UNITS[unit])
    item = _item(link, requester=ME if requested else 55)
    expected = REQ if requested else NOT_REQUESTER[(role, unit)][LINKS.index(link)]
    for event in (Event.APPROVE_CLOSE, Event.RETURN_CLOSE):
        assert may(event, Status.CLOSE_REQUESTED, actor, item.parties) is (expected is None)
        if expected is None:
            decide(event, Status.CLOSE_REQUESTED, actor, item.parties, reason="照片不清")
            continue
        with pytest.raises(NotVerifier) as refused:
            decide(event, Status.CLOSE_REQUESTED, actor, item.parties, reason="照片不清")
        assert refused.value.why is expected
        assert refused.value.key == f"error.verify_{expected.value}"


def test_an_admin_who_requested_is_refused_even_though_admins_verify():
    """The office asking for a close-out on a unit's behalf cannot then strike it off."""
    admin = Actor(ME, Role.ADMIN)
    assert not may(Event.APPROVE_CLOSE, Status.CLOSE_REQUESTED, admin, _item("", ME).parties)
    assert may(Event.APPROVE_CLOSE, Status.CLOSE_REQUESTED, admin, _item("", 55).parties)
