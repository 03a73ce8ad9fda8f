"""Who made a change, when, and from which Telegram update: attached to every audit event."""

from __future__ import annotations

import getpass
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum


class ActorKind(StrEnum):
    USER = "user"  # a person in the chat: actor is their Telegram user id
    CLI = "cli"  # someone at the office's desk: actor is the OS user
    IMPORT = "import"  # a sheet import: actor is the file's sha256
    SYSTEM = "system"  # the bot itself (escalation by deadline, idle visit closing)


@dataclass(frozen=True)
class Origin:
    kind: ActorKind
    actor: str
    at: datetime  # aware, UTC
    update_id: int | None = None
    person_id: int | None = None

    @classmethod
    def cli(cls, at: datetime) -> Origin:
        try:
            user = getpass.getuser()
        except (KeyError, OSError):
            user = "unknown"
        return cls(ActorKind.CLI, user, at)

    @classmethod
    def system(cls, at: datetime, what: str = "duban") -> Origin:
        return cls(ActorKind.SYSTEM, what, at)


class AuditAction(StrEnum):
    """Every action the audit trail records, as stored in ``audit_events.action``.

    One enumeration, so a new action cannot reach the trail without a phrase in both
    languages (``history.event.audit.<value>``, checked by tests/guards/test_audit_actions.py)
    and /history never shows a code. The values are the stored strings: old databases hold
    them, so they never change.
    """

    # An item's life (entity "item"; the lifecycle's events keep their own values).
    CREATED = "created"  # an item registered (import, visit), or an invitation made
    SHEET_UPDATED = "sheet_updated"
    LOG_ACTIVITY = "log_activity"
    REQUEST_CLOSE = "request_close"
    APPROVE_CLOSE = "approve_close"
    RETURN_CLOSE = "return_close"
    LOOKBACK_REOPEN = "lookback_reopen"
    LOOKBACK_CONFIRMED = "lookback_confirmed"
    EXTEND = "extend"
    EXTENDED = "extended"
    ESCALATE = "escalate"
    ESCALATED = "escalated"
    LEVEL_SET = "level_set"  # a level set, lowered or cleared by hand, with the reason
    INSPECTOR_ASSIGNED = "inspector_assigned"
    INSPECTOR_UNASSIGNED = "inspector_unassigned"
    INSPECTOR_INVOLVED = "inspector_involved"
    HANDED_OVER = "handed_over"  # an item's inspector, or a person's whole load
    ROLLED_OVER = "rolled_over"
    ACKNOWLEDGED = "acknowledged"
    MERGED_INTO = "merged_into"
    MERGED_FROM = "merged_from"
    REVIEW_COMPLETED = "review_completed"
    REVIEW_REJECTED = "review_rejected"
    # Findings and evidence.
    TIED = "tied"
    MOVED = "moved"
    WITHDRAWN = "withdrawn"
    DESCRIBED = "described"
    FILE_STORED = "file_stored"
    # Visits and companies.
    STARTED = "started"
    JOINED = "joined"
    ENDED = "ended"
    LOCATED = "located"
    ARRIVAL_CONFIRMED = "arrival_confirmed"  # where no location can be sent (DingTalk)
    CREATED_ON_VISIT = "created_on_visit"
    COORDINATES_SET = "coordinates_set"
    COORDINATES_PROPOSED = "coordinates_proposed"
    COORDINATES_REJECTED = "coordinates_rejected"
    # People, invitations, settings and the inbox.
    REGISTERED = "registered"
    ACCOUNT_LINKED = "account_linked"  # a second platform's account, by a link invitation
    ACCOUNT_UNLINKED = "account_unlinked"  # one of two accounts, by an administrator
    REVOKED = "revoked"
    CHANGED = "changed"  # a person, a setting or a working day changed
    ADMIN_FROM_SETTINGS = "admin_from_settings"
    ADMIN_RESTORED_FROM_SETTINGS = "admin_restored_from_settings"
    REPLAY = "replay"
    LEADER_UNIT_ADDED = "leader_unit_added"  # 分管: a unit a leader oversees
    LEADER_UNIT_REMOVED = "leader_unit_removed"
    # Documents the office issues.
    NOTICE_ISSUED = "notice_issued"  # a 通报 given its 文号 and sent to the units
