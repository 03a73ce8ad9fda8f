"""The list item as the rest of the code sees it: plain data, no storage."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from bot.domain.lifecycle import DomainError, Parties, Status

# Fields an import may change (ItemFields's, in the order the audit trail lists a change);
# status, level by hand and history are never among them.
SHEET_FIELDS = (
    "seq",
    "problem",
    "measure",
    "unit",
    "co_units",
    "deadline",
    "deadline_text",
    "recurring",
    "ongoing",
    "target",
    "target_number",
    "area",
    "town",
    "company",
    "sheet_level",
    "notes",
)


class NoSuchItem(DomainError):
    """No item has the id asked for (a stale button, a typed number): one error for every
    screen, each free to keep its own wording with ``key=``."""

    key = "view.no_item"


@dataclass(frozen=True)
class ItemFields:
    """What a sheet row (or an inspector's new finding) says about an item."""

    problem: str
    seq: str | None = None
    measure: str = ""
    unit: str | None = None
    co_units: tuple[str, ...] = ()
    deadline: date | None = None
    deadline_text: str = ""
    recurring: str | None = None
    ongoing: bool = False
    target: str = ""
    target_number: float | None = None
    area: str | None = None
    town: str | None = None
    company: str | None = None
    sheet_level: str = "none"
    notes: str = ""


@dataclass(frozen=True, kw_only=True)
class Item(ItemFields):
    """A list item: what its sheet row says (``ItemFields``, the same fields an import reads
    and the export writes) and what the bot keeps beside it."""

    id: int
    code: str
    period: str
    unit_id: int | None
    co_unit_ids: frozenset[int]
    company_id: int | None
    status: Status
    manual_level: str
    joint_meeting: bool
    needs_review: bool
    inspector_ids: frozenset[int]  # assigned by the office: they may verify a close-out
    created_at: datetime
    last_activity_at: datetime
    closed_at: datetime | None
    # Logged a finding or added evidence: shown on the card, grants nothing.
    involved_ids: frozenset[int] = frozenset()
    close_requested_by: int | None = None  # the requester of the pending close-out

    @property
    def parties(self) -> Parties:
        return Parties(self.unit_id, self.co_unit_ids, self.inspector_ids, self.close_requested_by)

    def sheet_values(self) -> dict[str, object]:
        """The item's sheet fields, comparable with ItemFields."""
        return {name: getattr(self, name) for name in SHEET_FIELDS}
