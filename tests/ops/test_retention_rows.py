"""The outbox's pruning rules on rows written as the bot writes them: a message still being
edited keeps its old rows, unsent rows stay, and a series whose older rows are gone still
gets its next message."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import sqlite_utils

from bot.chat import Address
from bot.domain.retention import BATCH, SENT_MESSAGES_KEPT
from storage import outbox, retention
from storage.db import open_database
from storage.rows import fetch_values

NOW = datetime(2026, 6, 1, 9, 0, tzinfo=UTC)
CHAT = Address("telegram", "6101")


@pytest.fixture
def db(tmp_path: Path) -> sqlite_utils.Database:
    return open_database(tmp_path / "duban.sqlite")


def _sent(
    db: sqlite_utils.Database, key: str, at: datetime, message_id: int, *, edits: bool = False
) -> None:
    """A row queued and delivered at ``at``: a send, or (``edits``) an edit of message_id."""
    method = "editMessageText" if edits else "sendMessage"
    payload: dict = {"chat_id": 6101, "text": key}
    if edits:
        payload["message_id"] = message_id
    outbox.enqueue(db, key=key, to=CHAT, method=method, payload=payload, at=at)
    row_id = fetch_values(db, "SELECT id FROM outbox WHERE dedup_key = ?", [key])[0]
    outbox.mark_sent(db, row_id, message_id, at)


def _prune(db: sqlite_utils.Database) -> int:
    """The job's outbox pass (bot/jobs/retention.py), batch by batch."""
    before = NOW - SENT_MESSAGES_KEPT
    young = retention.young_messages_from(db, before)
    in_use = retention.messages_in_use(db, young, before)
    deleted, after = 0, retention.FIRST
    while True:
        step = retention.prune_sent_messages(db, before, in_use, after, young, BATCH)
        deleted += step.changed
        if step.last is None:
            return deleted
        after = step.last


def _keys(db: sqlite_utils.Database) -> list[str]:
    return fetch_values(db, "SELECT dedup_key FROM outbox ORDER BY id")


def test_an_old_message_edited_lately_keeps_its_rows(db: sqlite_utils.Database) -> None:
    """Sent 60 days ago and edited 5 days ago: the card is still changing, and a correction
    reads its first row, so both stay; a message sent 60 days ago and left alone goes."""
    _sent(db, "card:1", NOW - timedelta(days=60), 501)
    _sent(db, "old:1", NOW - timedelta(days=59), 502)
    _sent(db, "card:1:edit:x", NOW - timedelta(days=5), 501, edits=True)
    assert _prune(db) == 1
    assert _keys(db) == ["card:1", "card:1:edit:x"]


def test_unsent_and_young_rows_stay(db: sqlite_utils.Database) -> None:
    """A row still pending after 40 days (a chat that blocked the bot), a dead one and one
    sent 29 days ago are not pruned."""
    old = NOW - timedelta(days=40)
    outbox.enqueue(db, key="waiting", to=CHAT, method="sendMessage", payload={}, at=old)
    outbox.enqueue(db, key="dead", to=CHAT, method="sendMessage", payload={}, at=old)
    dead = fetch_values(db, "SELECT id FROM outbox WHERE dedup_key = 'dead'")[0]
    outbox.mark_dead(db, dead, "Forbidden")
    _sent(db, "recent", NOW - timedelta(days=29), 700)
    assert _prune(db) == 0
    assert _keys(db) == ["waiting", "dead", "recent"]


def test_batches_walk_past_many_rows(db: sqlite_utils.Database) -> None:
    """More old rows than one batch: every one is pruned, the young one kept."""
    for n in range(BATCH * 2 + 7):
        _sent(db, f"push:{n}", NOW - timedelta(days=90, minutes=-n), 1000 + n)
    _sent(db, "today", NOW, 9999)
    assert _prune(db) == BATCH * 2 + 7
    assert _keys(db) == ["today"]


def test_a_series_with_pruned_rows_still_sends_its_next_message(
    db: sqlite_utils.Database,
) -> None:
    """A series (one key prefix, outbox.coalesce) whose first message was pruned: the
    next one gets a key of its own and is queued, not dropped as a duplicate of the third
    (counting the rows left would name the third's key again)."""
    for n in (1, 2, 3):
        _sent(db, f"finding:7:3:{n}", NOW - timedelta(days=60 - n), 800 + n)
    db.execute("DELETE FROM outbox WHERE dedup_key = 'finding:7:3:1'")
    key = outbox.coalesce(
        db,
        prefix="finding:7:3:",
        to=CHAT,
        method="sendMessage",
        payload={"chat_id": 6101, "text": "📝 发现 1 已撤回"},
        at=NOW,
        not_before=NOW,
    )
    assert key == "finding:7:3:4"
    assert _keys(db)[-1] == "finding:7:3:4"


def test_the_message_of_an_invitation_still_open_stays(db: sqlite_utils.Database) -> None:
    """An administrator's message holding a 60-day invitation link, sent 40 days ago: the
    link may still be used, and then that message is edited to say so; once the invitation
    is used (or revoked) the old row may go."""
    _sent(db, "invite:1", NOW - timedelta(days=40), 900)
    admin = db.execute(
        "INSERT INTO people (platform, account, name, role, language, created_at) "
        "VALUES ('telegram', '6101', '办公室', 'admin', 'zh', ?)",
        [NOW.isoformat()],
    ).lastrowid
    db.execute(
        "INSERT INTO invitations (code_hash, role, name, created_by, created_at, expires_at, "
        "message_key) VALUES ('h', 'inspector', '李代表', ?, ?, ?, 'invite:1')",
        [admin, (NOW - timedelta(days=40)).isoformat(), (NOW + timedelta(days=20)).isoformat()],
    )
    assert _prune(db) == 0
    db.execute("UPDATE invitations SET revoked_at = ?", [NOW.isoformat()])
    assert _prune(db) == 1
