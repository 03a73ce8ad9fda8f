"""The audit trail as a hash chain, and what a check of it (and of the evidence files) finds.

Each audit event stores ``prev_hash`` (the chain hash of the event before it, or GENESIS for
the first) and ``hash`` = sha256 of ``prev_hash`` and the event's canonical content. Changing
any stored field of an event breaks its own hash; removing or reordering events breaks the
link of the event after. Someone with write access could still recompute every later hash,
or cut off the newest events, so the newest hash (the *head*) is also published outside the
database (weekly message, exports, dossiers): a head published earlier must be found in the
chain, with the chain intact up to it.

Plain Python: the storage layer feeds rows in, the CLI and the weekly self-check lay out the
problems in words.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

GENESIS = "0" * 64
HEX64 = re.compile(r"^[0-9a-f]{64}$")
SHORT = 12  # the short form printed on paper: enough to compare by eye

# The stored columns an event's hash covers, in this order (the id included, so an event
# cannot be moved to another place in the trail).
CONTENT_FIELDS = (
    "id",
    "item_id",
    "entity",
    "entity_id",
    "action",
    "actor_kind",
    "actor",
    "at",
    "before",
    "after",
    "update_id",
)
_INTEGERS = {"id", "item_id", "entity_id", "update_id"}


def short(digest: str | None) -> str:
    """The first hex digits of a hash, as dossiers and chat messages show it."""
    return (digest or "")[:SHORT]


def canonical(event: Mapping[str, Any]) -> str:
    """The event's content as one exact string: JSON of the stored values in a fixed order.

    Integers and texts are normalised the way SQLite stores them (an id given as "5" is
    stored as 5), so the hash computed before an INSERT equals the one computed later from
    the stored row.
    """
    values = []
    for name in CONTENT_FIELDS:
        value = event.get(name)
        if value is not None:
            value = int(value) if name in _INTEGERS else str(value)
        values.append(value)
    return json.dumps(values, ensure_ascii=False, separators=(",", ":"))


def chain_hash(prev_hash: str, event: Mapping[str, Any]) -> str:
    """The hash of one event, bound to the one before it."""
    return hashlib.sha256(f"{prev_hash}\n{canonical(event)}".encode()).hexdigest()


def link(prev_hash: str, events: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    """Events (each with its ``id``) with ``prev_hash`` and ``hash`` filled in, in order."""
    linked = []
    for event in events:
        own = chain_hash(prev_hash, event)
        linked.append(event | {"prev_hash": prev_hash, "hash": own})
        prev_hash = own
    return linked


@dataclass(frozen=True)
class Head:
    """The newest event of the chain: the value to publish outside the database."""

    event_id: int
    hash: str
    at: str  # the event's own time, UTC ISO 8601


@dataclass(frozen=True)
class Problem:
    """One mismatch, with the values its message names (catalogue ``tamper.problem.<kind>``)."""

    kind: str
    values: dict[str, object] = field(default_factory=dict)


@dataclass
class ChainCheck:
    """Walks the events in id order and notes every place the chain does not hold."""

    published_head: str | None = None
    events: int = 0
    problems: list[Problem] = field(default_factory=list)
    head: Head | None = None
    _expected_prev: str = GENESIS
    _prev_id: int | None = None
    _head_found_at: int | None = None
    _broken_before_head: bool = False

    def add(self, row: Mapping[str, Any]) -> None:
        """Check one stored event (its columns by name), the next in id order."""
        self.events += 1
        event_id, stored_prev, stored = row["id"], row.get("prev_hash"), row.get("hash")
        before = len(self.problems)
        if not stored or not stored_prev:
            self.problems.append(Problem("event_unchained", {"event": event_id}))
            computed = chain_hash(self._expected_prev, row)
        else:
            if stored_prev != self._expected_prev:
                self.problems.append(self._broken_link(event_id, stored_prev))
            computed = chain_hash(stored_prev, row)
            if computed != stored:
                self.problems.append(
                    Problem(
                        "event_altered",
                        {
                            "event": event_id,
                            "action": row.get("action") or "",
                            "at": row.get("at") or "",
                            "stored": stored,
                            "computed": computed,
                        },
                    )
                )
        if len(self.problems) > before and self._head_found_at is None:
            self._broken_before_head = True
        if self.published_head is not None and stored == self.published_head:
            self._head_found_at = event_id
        # The next link is checked against what this event says it is, so one change is
        # reported once (where it is), not again at every event after it.
        self._expected_prev = stored or computed
        self._prev_id = event_id
        self.head = Head(event_id, stored or computed, row.get("at") or "")

    def _broken_link(self, event_id: int, stored_prev: str) -> Problem:
        if self._prev_id is None:
            return Problem("chain_start", {"event": event_id, "stored": stored_prev})
        return Problem(
            "link_broken",
            {
                "event": event_id,
                "previous": self._prev_id,
                "stored": stored_prev,
                "expected": self._expected_prev,
            },
        )

    def finish(self) -> list[Problem]:
        """The problems, with the published head's own verdict last."""
        if self.published_head is not None:
            if self._head_found_at is None:
                self.problems.append(Problem("head_missing", {"head": self.published_head}))
            elif self._broken_before_head:
                self.problems.append(
                    Problem(
                        "head_behind_break",
                        {"head": self.published_head, "event": self._head_found_at},
                    )
                )
        return self.problems


def valid_head(text: str) -> str | None:
    """A head as the user typed it (any case, spaces around), or None if it is not one."""
    cleaned = text.strip().lower()
    return cleaned if HEX64.match(cleaned) else None
