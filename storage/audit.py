"""The append-only audit trail. Triggers in the schema refuse updates and deletes.

Every event is also a link of a hash chain (bot/domain/audit_chain.py), computed here as it
is written: the head is the last row by id, read through the primary key (one index probe),
inside the write transaction that appends, so two writers (the bot and ``duban import``)
cannot both chain onto the same head.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC

import sqlite_utils

from bot.domain.audit import AuditAction, Origin
from bot.domain.audit_chain import GENESIS, Head, link
from storage.db import insert_row, insert_rows
from storage.rows import as_dicts, fetch_one


def record(
    db: sqlite_utils.Database,
    origin: Origin,
    *,
    entity: str,
    action: AuditAction,
    entity_id: int | None = None,
    item_id: int | None = None,
    before: dict | None = None,
    after: dict | None = None,
) -> int:
    """Write one event; call it inside the transaction that makes the change."""
    row = event_row(
        origin,
        entity=entity,
        action=action,
        entity_id=entity_id,
        item_id=item_id,
        before=before,
        after=after,
    )
    if not db.conn.in_transaction:  # the head must not move between reading and appending
        with db.atomic():
            return append_events(db, [row])[0]
    return append_events(db, [row])[0]


def record_item(
    db: sqlite_utils.Database,
    origin: Origin,
    item_id: int,
    action: AuditAction,
    *,
    before: dict | None = None,
    after: dict | None = None,
) -> int:
    """An event about one list item (the common case)."""
    return record(
        db,
        origin,
        entity="item",
        action=action,
        entity_id=item_id,
        item_id=item_id,
        before=before,
        after=after,
    )


def event_row(
    origin: Origin,
    *,
    entity: str,
    action: AuditAction,
    entity_id: int | None = None,
    item_id: int | None = None,
    before: dict | None = None,
    after: dict | None = None,
) -> dict:
    """An audit event as a row, for ``record`` or a bulk insert."""
    return {
        "item_id": item_id,
        "entity": entity,
        "entity_id": entity_id,
        "action": AuditAction(action).value,  # the stored string, as old rows hold it
        "actor_kind": origin.kind.value,
        "actor": origin.actor,
        "at": origin.at.astimezone(UTC).isoformat(),
        "before": json.dumps(before, ensure_ascii=False) if before is not None else None,
        "after": json.dumps(after, ensure_ascii=False) if after is not None else None,
        "update_id": origin.update_id,
    }


def append_events(db: sqlite_utils.Database, rows: list[dict]) -> list[int]:
    """Append events (``event_row`` dicts) to the chain in one go; returns their ids.

    Must run inside a write transaction (``record`` sees to it for a single event).
    """
    if not rows:
        return []
    last = fetch_one(db, "SELECT id, hash FROM audit_events ORDER BY id DESC LIMIT 1")
    last_id, prev_hash = (last["id"], last["hash"] or GENESIS) if last else (0, GENESIS)
    numbered = [row | {"id": last_id + offset} for offset, row in enumerate(rows, start=1)]
    linked = link(prev_hash, numbered)
    if len(linked) == 1:
        insert_row(db, "audit_events", linked[0])
    else:
        insert_rows(db, "audit_events", linked)
    return [row["id"] for row in linked]


def chain_head(db: sqlite_utils.Database) -> Head | None:
    """The newest event's chain hash, to publish outside the database (None: no events)."""
    row = fetch_one(db, "SELECT id, hash, at FROM audit_events ORDER BY id DESC LIMIT 1")
    if row is None or row["hash"] is None:
        return None
    return Head(row["id"], row["hash"], row["at"])


CHAIN_COLUMNS = (
    "id, item_id, entity, entity_id, action, actor_kind, actor, at, before, after, "
    "update_id, prev_hash, hash"
)


def chain_rows(db: sqlite_utils.Database) -> Iterator[dict]:
    """Every event with its chain columns, oldest first, streamed (a million rows is fine)."""
    yield from as_dicts(db.execute(f"SELECT {CHAIN_COLUMNS} FROM audit_events ORDER BY id"))


def item_events(db: sqlite_utils.Database, item_id: int) -> list[dict]:
    """An item's events, oldest first, with before/after decoded."""
    events = []
    for row in db["audit_events"].rows_where("item_id = ?", [item_id], order_by="id"):
        row["before"] = json.loads(row["before"]) if row["before"] else None
        row["after"] = json.loads(row["after"]) if row["after"] else None
        events.append(row)
    return events
