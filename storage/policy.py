"""Working policy in the database: documented defaults until an admin changes a value."""

from __future__ import annotations

import json

import sqlite_utils

from bot.domain.audit import AuditAction, Origin
from bot.domain.policy import Policy
from storage.audit import record


def load_policy(db: sqlite_utils.Database) -> Policy:
    rows = db.execute("SELECT key, value FROM policy").fetchall()
    values = {key: json.loads(value) for key, value in rows}
    return Policy.from_values(values)


def set_policy_value(db: sqlite_utils.Database, key: str, value: object, origin: Origin) -> Policy:
    """Store one value (already validated by the domain) with its audit event."""
    with db.atomic():
        before = load_policy(db).to_values().get(key)
        db["policy"].upsert(
            {
                "key": key,
                "value": json.dumps(value, ensure_ascii=False),
                "updated_at": origin.at.isoformat(),
                "updated_by": origin.actor,
            },
            pk="key",
        )
        policy = load_policy(db)
        record(
            db,
            origin,
            entity="policy",
            action=AuditAction.CHANGED,
            before={key: before},
            after={key: policy.to_values().get(key)},
        )
        return policy
