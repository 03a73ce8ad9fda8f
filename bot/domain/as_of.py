"""An item as it stood at a past moment, worked back from the record the ledger keeps.

A period (批次) keeps its picture after rolling (滚动办理): its report and export show each
of its items as of the period's last day, whatever happened to the item since. Nothing is
snapshotted for this; the audit trail already holds every change with the values before it
(status, level by hand, sheet fields, inspectors), and ``deadline_history`` every deadline
replaced. Undoing the changes made after the moment, newest first, gives the item as it was,
so a database rolled long before this code was written shows its old periods too.

Plain rules: the caller (storage/periods.py) reads the rows and passes them in.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta, tzinfo
from typing import Any

from bot.domain.deadlines import DeadlineError, parse_deadline
from bot.domain.items import SHEET_FIELDS, Item
from bot.domain.lifecycle import Status


@dataclass(frozen=True)
class PastEvent:
    """One audit event about an item: what changed, when, and the values before and after."""

    action: str
    at: datetime
    before: dict[str, Any]
    after: dict[str, Any]


@dataclass(frozen=True)
class ReplacedDeadline:
    """A ``deadline_history`` row: the deadline in force until ``replaced_at``."""

    deadline: date | None
    deadline_text: str
    replaced_at: datetime


def item_cutoff(
    created_at: datetime,
    left_at: datetime | None,
    period_end: datetime | None,
) -> datetime | None:
    """The moment a period's picture shows an item at (None: as it is now).

    The period's end (the day after its last day, local midnight) when the item was in the
    period then; the moment it rolled out of the period when that came first (or the period
    has no end); an item still in an unfinished period is shown as it is now. An item entered
    after its period had ended (a late import) is shown as of when it left, or as it is now.
    """
    cutoff = left_at
    if (
        period_end is not None
        and created_at <= period_end
        and (cutoff is None or period_end < cutoff)
    ):
        cutoff = period_end
    return cutoff


def item_as_of(
    item: Item,
    events: Sequence[PastEvent],
    deadlines: Sequence[ReplacedDeadline],
    cutoff: datetime | None,
    *,
    period: str,
) -> Item:
    """``item`` as it stood just before ``cutoff``, counted in ``period``.

    ``events`` are all of the item's audit events, oldest first; those at or after the
    cutoff are undone newest first. The deadline is the one in force at the cutoff (the first
    deadline replaced after it), which also covers extensions. ``last_activity_at`` becomes the
    last event before the cutoff.
    """
    if cutoff is None:
        return dataclasses.replace(item, period=period)
    later = [event for event in events if event.at >= cutoff]
    earlier = [event for event in events if event.at < cutoff]
    values: dict[str, Any] = {"period": period}
    inspectors = set(item.inspector_ids)
    for event in reversed(later):
        values |= _undone_fields(event.before)
        _undo_inspectors(event, inspectors)
    values |= _deadline_at(deadlines, cutoff)
    if any(event.action == "extended" for event in later):
        values |= _rhythm(values.get("deadline_text", item.deadline_text), item.created_at.year)
    values["inspector_ids"] = frozenset(inspectors)
    if "status" in values:
        values["closed_at"] = _closed_at(item, Status(str(values["status"])), earlier)
        values["status"] = Status(str(values["status"]))
        values["close_requested_by"] = None
    values["last_activity_at"] = max(
        [item.created_at, *(event.at for event in earlier)], default=item.created_at
    )
    return dataclasses.replace(item, **values)


def _undone_fields(before: dict[str, Any]) -> dict[str, Any]:
    """The item fields an event's ``before`` restores, typed as ``Item`` holds them."""
    restored: dict[str, Any] = {}
    for name, value in before.items():
        if name == "status" and isinstance(value, str):
            restored["status"] = value
        elif name == "manual_level" and isinstance(value, str):
            restored["manual_level"] = value
        elif name == "joint_meeting":
            restored["joint_meeting"] = bool(value)
        elif name == "deadline":
            restored["deadline"] = date.fromisoformat(value) if value else None
        elif name == "co_units":
            restored["co_units"] = tuple(value or ())
        elif name == "ongoing":
            restored["ongoing"] = bool(value)
        elif name in SHEET_FIELDS:
            restored[name] = value
    return restored


def _undo_inspectors(event: PastEvent, inspectors: set[int]) -> None:
    """Take back an assignment made after the moment, or put back one removed after it."""
    added = event.after.get("person_id")
    removed = event.before.get("person_id")
    if event.action in ("inspector_assigned", "handed_over") and isinstance(added, int):
        inspectors.discard(added)
    if event.action in ("inspector_unassigned", "handed_over") and isinstance(removed, int):
        inspectors.add(removed)


def _deadline_at(deadlines: Iterable[ReplacedDeadline], cutoff: datetime) -> dict[str, Any]:
    """The deadline in force at the cutoff: the first one replaced after it, if any."""
    for replaced in deadlines:
        if replaced.replaced_at >= cutoff:
            return {"deadline": replaced.deadline, "deadline_text": replaced.deadline_text}
    return {}


def _rhythm(deadline_text: str, year: int) -> dict[str, Any]:
    """Whether the deadline in force was recurring (每月) or ongoing (长期坚持): an extension
    replaced both with a date and recorded only the wording, so they are read from it."""
    try:
        read = parse_deadline(deadline_text, year)
    except DeadlineError:
        return {"recurring": None, "ongoing": False}
    return {"recurring": read.recurring, "ongoing": read.ongoing}


def _closed_at(item: Item, status: Status, earlier: Sequence[PastEvent]) -> datetime | None:
    """When an item closed at the cutoff had closed: its last close before the cutoff."""
    if status is not Status.CLOSED:
        return None
    closes = [event.at for event in earlier if event.after.get("status") == Status.CLOSED.value]
    return closes[-1] if closes else item.closed_at


def last_day(cutoff: datetime, tz: tzinfo) -> date:
    """The last local day a cutoff counts: the cutoff is exclusive, so a cutoff at local
    midnight ends the day before it."""
    return (cutoff.astimezone(tz) - timedelta(microseconds=1)).date()
