"""The append-only audit trail. Triggers in the schema refuse updates and deletes."""

from __future__ import annotations

import json
from datetime import UTC

import sqlite_utils

from bot.domain.audit import Origin
from storage.db import insert_row


def record(
    db: sqlite_utils.Database,
    origin: Origin,
    *,
    entity: str,
    action: str,
    entity_id: int | None = None,
    item_id: int | None = None,
    before: dict | None = None,
    after: dict | None = None,
) -> int:
    """Write one event; call it inside the transaction that makes the change."""
    return insert_row(
        db,
        "audit_events",
        event_row(
            origin,
            entity=entity,
            action=action,
            entity_id=entity_id,
            item_id=item_id,
            before=before,
            after=after,
        ),
    )


def record_item(
    db: sqlite_utils.Database,
    origin: Origin,
    item_id: int,
    action: str,
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
    action: str,
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
        "action": action,
        "actor_kind": origin.kind.value,
        "actor": origin.actor,
        "at": origin.at.astimezone(UTC).isoformat(),
        "before": json.dumps(before, ensure_ascii=False) if before is not None else None,
        "after": json.dumps(after, ensure_ascii=False) if after is not None else None,
        "update_id": origin.update_id,
    }


def item_events(db: sqlite_utils.Database, item_id: int) -> list[dict]:
    """An item's events, oldest first, with before/after decoded."""
    events = []
    for row in db["audit_events"].rows_where("item_id = ?", [item_id], order_by="id"):
        row["before"] = json.loads(row["before"]) if row["before"] else None
        row["after"] = json.loads(row["after"]) if row["after"] else None
        events.append(row)
    return events
