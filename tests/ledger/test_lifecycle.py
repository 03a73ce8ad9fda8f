"""The item lifecycle, checked against the issue's transition table cell by cell."""

from __future__ import annotations

import itertools

import pytest

from bot.domain.lifecycle import (
    Actor,
    Event,
    IllegalTransition,
    MissingEvidence,
    MissingReason,
    NotPermitted,
    Parties,
    Role,
    Status,
    decide,
    may,
)

LEAD, CO, OTHER = 10, 11, 12
PARTIES = Parties(lead_unit_id=LEAD, co_unit_ids=frozenset({CO}), inspector_ids=frozenset({1}))

ACTORS = {
    "assigned inspector": Actor(1, Role.INSPECTOR),
    "other inspector": Actor(2, Role.INSPECTOR),
    "lead contact": Actor(3, Role.CONTACT, LEAD),
    "co-unit contact": Actor(4, Role.CONTACT, CO),
    "unrelated contact": Actor(5, Role.CONTACT, OTHER),
    "admin": Actor(6, Role.ADMIN),
    "admin in lead unit": Actor(7, Role.ADMIN, LEAD),
    "leader": Actor(8, Role.LEADER),
}

# (event, from) -> to, exactly as the table states; anything else is illegal.
LEGAL = {
    (Event.LOG_ACTIVITY, Status.OPEN): Status.IN_PROGRESS,
    (Event.LOG_ACTIVITY, Status.IN_PROGRESS): Status.IN_PROGRESS,
    (Event.LOG_ACTIVITY, Status.CLOSE_REQUESTED): Status.CLOSE_REQUESTED,
    (Event.REQUEST_CLOSE, Status.OPEN): Status.CLOSE_REQUESTED,
    (Event.REQUEST_CLOSE, Status.IN_PROGRESS): Status.CLOSE_REQUESTED,
    (Event.APPROVE_CLOSE, Status.CLOSE_REQUESTED): Status.CLOSED,
    (Event.RETURN_CLOSE, Status.CLOSE_REQUESTED): Status.IN_PROGRESS,
    (Event.LOOKBACK_REOPEN, Status.CLOSED): Status.IN_PROGRESS,
    **{(Event.EXTEND, s): s for s in Status if s is not Status.CLOSED},
    **{(Event.ESCALATE, s): s for s in Status if s is not Status.CLOSED},
}

WHO = {
    Event.LOG_ACTIVITY: {
        "assigned inspector",
        "other inspector",
        "lead contact",
        "co-unit contact",
    },
    Event.REQUEST_CLOSE: {"lead contact", "admin", "admin in lead unit"},
    Event.APPROVE_CLOSE: {"assigned inspector", "admin", "leader"},
    Event.RETURN_CLOSE: {"assigned inspector", "admin", "leader"},
    Event.LOOKBACK_REOPEN: {"assigned inspector", "other inspector", "admin", "admin in lead unit"},
    Event.EXTEND: {"admin", "admin in lead unit"},
    Event.ESCALATE: {"admin", "admin in lead unit", "leader"},
}

CASES = list(itertools.product(Event, Status, ACTORS))


@pytest.mark.parametrize(("event", "status", "who"), CASES)
def test_every_transition_follows_the_table(event: Event, status: Status, who: str) -> None:
    """Each (event, state, person) either moves as the table says or is refused with a reason."""
    actor = ACTORS[who]
    kwargs = {"has_evidence": True, "reason": "材料不全"}
    if (event, status) not in LEGAL:
        with pytest.raises(IllegalTransition):
            decide(event, status, actor, PARTIES, **kwargs)
        assert not may(event, status, actor, PARTIES)
    elif who not in WHO[event]:
        with pytest.raises(NotPermitted):
            decide(event, status, actor, PARTIES, **kwargs)
        assert not may(event, status, actor, PARTIES)
    else:
        assert decide(event, status, actor, PARTIES, **kwargs) is LEGAL[(event, status)]
        assert may(event, status, actor, PARTIES)


def test_close_out_request_needs_evidence() -> None:
    """申请销号 without evidence is refused, so verifiers always have something to check."""
    with pytest.raises(MissingEvidence):
        decide(Event.REQUEST_CLOSE, Status.IN_PROGRESS, ACTORS["lead contact"], PARTIES)


def test_returning_a_close_out_needs_a_reason() -> None:
    """退办 tells the unit why; an empty reason is refused."""
    with pytest.raises(MissingReason):
        decide(Event.RETURN_CLOSE, Status.CLOSE_REQUESTED, ACTORS["admin"], PARTIES, reason=" ")


def test_unit_cannot_verify_its_own_close_out() -> None:
    """Only someone outside the lead and co-units may strike an item off (销号)."""
    co_inspector = Actor(1, Role.INSPECTOR, CO)  # assigned, but belongs to a co-unit
    with pytest.raises(NotPermitted):
        decide(Event.APPROVE_CLOSE, Status.CLOSE_REQUESTED, co_inspector, PARTIES)
