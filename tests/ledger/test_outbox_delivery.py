"""The outbox's side of delivery: which rows a waiting row holds back, and how long a
row has been failing."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from bot.chat import Address
from bot.domain.delivery import HOLD_ATTEMPTS
from storage import outbox
from storage.db import open_database

AT = datetime(2024, 6, 3, 1, 0, tzinfo=UTC)
CHAT, OTHER = 7001, 7002


@pytest.fixture
def db():
    return open_database(":memory:")


def _queue(db, key: str, at: datetime, chat: int = CHAT) -> int:
    outbox.enqueue(
        db,
        key=key,
        to=Address("telegram", str(chat)),
        method="sendMessage",
        payload={"text": key},
        at=at,
    )
    return db.execute("SELECT id FROM outbox WHERE dedup_key = ?", [key]).fetchone()[0]


def _due(db, now: datetime) -> list[str]:
    return [row.payload["text"] for row in outbox.due(db, now)]


def test_a_fresh_retry_holds_the_chat_then_lets_newer_rows_pass(db) -> None:
    """During its first attempts a waiting row keeps the chat in order; after
    HOLD_ATTEMPTS a newer row (a reminder) goes ahead while it keeps waiting. Other chats
    are never held."""
    first = _queue(db, "card", AT)
    _queue(db, "reminder", AT + timedelta(minutes=1))
    _queue(db, "elsewhere", AT + timedelta(minutes=1), chat=OTHER)
    now = AT + timedelta(minutes=2)
    outbox.mark_retry(db, first, "Bad Gateway", now + timedelta(hours=1), now)
    assert _due(db, now) == ["elsewhere"]
    for _ in range(HOLD_ATTEMPTS - 1):
        outbox.mark_retry(db, first, "Bad Gateway", now + timedelta(hours=1), now)
    assert _due(db, now) == ["reminder", "elsewhere"]


def test_rows_of_the_same_transaction_always_wait_for_the_row_before_them(db) -> None:
    """An album's confirmation queued in the album's transaction never overtakes it, however
    often the album has failed."""
    album = _queue(db, "album", AT)
    _queue(db, "received", AT)
    for _ in range(HOLD_ATTEMPTS + 2):
        outbox.mark_retry(db, album, "Bad Gateway", AT + timedelta(hours=1), AT)
    assert _due(db, AT + timedelta(minutes=5)) == []
    assert _due(db, AT + timedelta(hours=2)) == ["album", "received"]


def test_failing_since_is_the_first_failure(db) -> None:
    """Later failures keep the moment of the first, so 24 hours are counted from it."""
    row = _queue(db, "card", AT)
    assert outbox.failing_since(db, row) is None
    outbox.mark_retry(db, row, "Bad Gateway", AT + timedelta(seconds=1), AT)
    outbox.mark_retry(db, row, "Bad Gateway", AT + timedelta(hours=3), AT + timedelta(hours=2))
    assert outbox.failing_since(db, row) == AT
