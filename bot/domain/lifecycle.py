"""The life of a list item, written down as one transition table.

| from                         | event           | to              | who                        |
|------------------------------|-----------------|-----------------|----------------------------|
| open                         | log_activity    | in_progress     | inspector, unit contact    |
| in_progress, close_requested | log_activity    | (unchanged)     | inspector, unit contact    |
| open, in_progress            | request_close   | close_requested | lead unit's contact, admin |
| close_requested              | approve_close   | closed          | independent verifier       |
| close_requested              | return_close    | in_progress     | independent verifier       |
| closed                       | lookback_reopen | in_progress     | inspector, admin           |
| any but closed               | extend          | (unchanged)     | admin                      |
| any but closed               | escalate        | (unchanged)     | admin, leader              |

An independent verifier (销号 is "someone other than the responsible unit checked it") is an
inspector the office assigned to the item, an admin or a leader — never the person who asked
for the close-out, never a member of the lead unit or a co-unit. ``verify_refusal`` is that
rule, the only place it is written; an inspector who merely logged a finding on the item is
*involved* (``Item.involved_ids``) and gains nothing by it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from enum import StrEnum


class Status(StrEnum):
    OPEN = "open"
    IN_PROGRESS = "in_progress"
    CLOSE_REQUESTED = "close_requested"
    CLOSED = "closed"


class Role(StrEnum):
    INSPECTOR = "inspector"
    CONTACT = "contact"
    ADMIN = "admin"
    LEADER = "leader"


class Event(StrEnum):
    LOG_ACTIVITY = "log_activity"
    REQUEST_CLOSE = "request_close"
    APPROVE_CLOSE = "approve_close"
    RETURN_CLOSE = "return_close"
    LOOKBACK_REOPEN = "lookback_reopen"
    EXTEND = "extend"
    ESCALATE = "escalate"


@dataclass(frozen=True)
class Actor:
    """Who is acting: their person id, role and (for contacts) unit."""

    person_id: int
    role: Role
    unit_id: int | None = None


@dataclass(frozen=True)
class Parties:
    """Who stands in which relation to an item."""

    lead_unit_id: int | None
    co_unit_ids: frozenset[int] = field(default_factory=frozenset)
    inspector_ids: frozenset[int] = field(default_factory=frozenset)  # assigned by the office
    requester_id: int | None = None  # who asked for the pending close-out, if one is pending

    def involves_unit(self, unit_id: int | None) -> bool:
        return unit_id is not None and (unit_id == self.lead_unit_id or unit_id in self.co_unit_ids)


class DomainError(Exception):
    """A rule said no. ``key`` names the catalogue message that explains it to a user."""

    key = "error.domain"
    # True: during a button tap the refusal is that tap's alert instead of a message (for
    # taps on buttons that no longer apply: the chat stays as it was).
    answers_tap = False

    def __init__(self, detail: str = "", *, key: str | None = None) -> None:
        """``key`` replaces the class's message where a screen has its own wording."""
        if key is not None:
            self.key = key
        super().__init__(detail or self.key)
        self.detail = detail


class IllegalTransition(DomainError):
    key = "error.illegal_transition"

    def __init__(self, event: Event, status: Status) -> None:
        super().__init__(f"{event} is not possible while the item is {status}")
        self.event = event
        self.status = status


class NotPermitted(DomainError):
    key = "error.not_permitted"

    def __init__(self, event: Event, actor: Actor) -> None:
        super().__init__(f"a {actor.role} may not {event} this item")
        self.event = event
        self.actor = actor


class VerifyRefusal(StrEnum):
    """Why someone may not approve or return a close-out (each has its own explanation)."""

    REQUESTER = "requester"  # asked for the close-out themselves
    OWN_UNIT = "own_unit"  # belongs to the lead unit or a co-unit
    NOT_ASSIGNED = "not_assigned"  # an inspector the office has not assigned to the item
    ROLE = "role"  # a contact of another unit


class NotVerifier(NotPermitted):
    """A close-out decision by someone the rule does not accept; the key says why."""

    def __init__(self, event: Event, actor: Actor, why: VerifyRefusal) -> None:
        super().__init__(event, actor)
        self.why = why
        self.key = f"error.verify_{why.value}"


class MissingEvidence(DomainError):
    key = "error.closeout_needs_evidence"


class MissingReason(DomainError):
    key = "error.reason_required"


Permission = Callable[[Actor, Parties], bool]


def _inspector_or_unit_contact(actor: Actor, parties: Parties) -> bool:
    if actor.role is Role.INSPECTOR:
        return True
    return actor.role is Role.CONTACT and parties.involves_unit(actor.unit_id)


def _lead_contact_or_admin(actor: Actor, parties: Parties) -> bool:
    if actor.role is Role.ADMIN:
        return True
    return (
        actor.role is Role.CONTACT
        and actor.unit_id is not None
        and actor.unit_id == parties.lead_unit_id
    )


def verify_refusal(actor: Actor, parties: Parties) -> VerifyRefusal | None:
    """Why this actor may not approve or return the item's close-out; None if they may.

    Checked in this order so that the reason given is the one that cannot be fixed by the
    office: a requester or unit member stays refused even if assigned or an admin.
    """
    if parties.requester_id is not None and actor.person_id == parties.requester_id:
        return VerifyRefusal.REQUESTER
    if parties.involves_unit(actor.unit_id):
        return VerifyRefusal.OWN_UNIT
    if actor.role in (Role.ADMIN, Role.LEADER):
        return None
    if actor.role is Role.INSPECTOR:
        return None if actor.person_id in parties.inspector_ids else VerifyRefusal.NOT_ASSIGNED
    return VerifyRefusal.ROLE


def _independent_verifier(actor: Actor, parties: Parties) -> bool:
    return verify_refusal(actor, parties) is None


def _inspector_or_admin(actor: Actor, parties: Parties) -> bool:
    return actor.role in (Role.INSPECTOR, Role.ADMIN)


def _admin(actor: Actor, parties: Parties) -> bool:
    return actor.role is Role.ADMIN


def _admin_or_leader(actor: Actor, parties: Parties) -> bool:
    return actor.role in (Role.ADMIN, Role.LEADER)


@dataclass(frozen=True)
class Transition:
    sources: frozenset[Status]
    target: Status | None  # None: the status stays as it is
    allowed: Permission


_NOT_CLOSED = frozenset(Status) - {Status.CLOSED}

TRANSITIONS: dict[Event, tuple[Transition, ...]] = {
    Event.LOG_ACTIVITY: (
        Transition(frozenset({Status.OPEN}), Status.IN_PROGRESS, _inspector_or_unit_contact),
        Transition(
            frozenset({Status.IN_PROGRESS, Status.CLOSE_REQUESTED}),
            None,
            _inspector_or_unit_contact,
        ),
    ),
    Event.REQUEST_CLOSE: (
        Transition(
            frozenset({Status.OPEN, Status.IN_PROGRESS}),
            Status.CLOSE_REQUESTED,
            _lead_contact_or_admin,
        ),
    ),
    Event.APPROVE_CLOSE: (
        Transition(frozenset({Status.CLOSE_REQUESTED}), Status.CLOSED, _independent_verifier),
    ),
    Event.RETURN_CLOSE: (
        Transition(frozenset({Status.CLOSE_REQUESTED}), Status.IN_PROGRESS, _independent_verifier),
    ),
    Event.LOOKBACK_REOPEN: (
        Transition(frozenset({Status.CLOSED}), Status.IN_PROGRESS, _inspector_or_admin),
    ),
    Event.EXTEND: (Transition(_NOT_CLOSED, None, _admin),),
    Event.ESCALATE: (Transition(_NOT_CLOSED, None, _admin_or_leader),),
}


def decide(
    event: Event,
    status: Status,
    actor: Actor,
    parties: Parties,
    *,
    has_evidence: bool = False,
    reason: str = "",
) -> Status:
    """Return the item's next status, or raise the DomainError that explains why not."""
    for transition in TRANSITIONS[event]:
        if status in transition.sources:
            break
    else:
        raise IllegalTransition(event, status)
    if not transition.allowed(actor, parties):
        why = (
            verify_refusal(actor, parties) if transition.allowed is _independent_verifier else None
        )
        if why is not None:
            raise NotVerifier(event, actor, why)  # says which of the rule's reasons applies
        raise NotPermitted(event, actor)
    if event is Event.REQUEST_CLOSE and not has_evidence:
        raise MissingEvidence("a close-out request needs evidence")
    if event is Event.RETURN_CLOSE and not reason.strip():
        raise MissingReason("a returned close-out needs a reason")
    return transition.target or status


def may(event: Event, status: Status, actor: Actor, parties: Parties) -> bool:
    """Whether to offer the action at all (evidence and reasons are asked for later)."""
    return any(status in t.sources and t.allowed(actor, parties) for t in TRANSITIONS[event])
