"""Each DingTalk person's reply address: the sessionWebhook of their latest robot message.

DingTalk gives every robot message a webhook that answers that conversation until
``sessionWebhookExpiredTime``; a reply through it costs none of the robot's one-to-one push
quota. The newest message's webhook replaces the older one; an expired one is never handed
out, so the sender falls back to one-to-one push.
"""

from __future__ import annotations

from datetime import datetime

import sqlite_utils

from storage.rows import fetch_one


def remember(db: sqlite_utils.Database, staff_id: str, webhook: str, expires_at: datetime) -> None:
    """Keep ``webhook`` as ``staff_id``'s reply address until ``expires_at`` (a later
    message's webhook replaces it; an older one arriving late does not)."""
    db.execute(
        "INSERT INTO dingtalk_sessions (staff_id, webhook, expires_at) VALUES (?, ?, ?) "
        "ON CONFLICT (staff_id) DO UPDATE SET webhook = excluded.webhook, "
        "expires_at = excluded.expires_at "
        "WHERE julianday(excluded.expires_at) >= julianday(dingtalk_sessions.expires_at)",
        [staff_id, webhook, expires_at.isoformat()],
    )


def webhook_for(db: sqlite_utils.Database, staff_id: str, now: datetime) -> str | None:
    """The person's session webhook if it is still valid at ``now``; None otherwise."""
    row = fetch_one(
        db,
        "SELECT webhook FROM dingtalk_sessions "
        "WHERE staff_id = ? AND julianday(expires_at) > julianday(?)",
        [staff_id, now.isoformat()],
    )
    return row["webhook"] if row is not None else None
