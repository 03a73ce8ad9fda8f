"""Migration 0017_dingtalk_inbox (issue 16): a database from before it upgrades with nothing
lost, DingTalk frames are stored once each, numbered apart from Telegram's updates, and a
person's session webhook is handed out only while it is valid."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import sqlite_utils

from storage import dingtalk_sessions, inbox
from storage.db import connect
from storage.migrations import migrations, upgrade

T = "2026-12-01T00:00:00+00:00"
AT = datetime(2026, 12, 7, 2, 0, tzinfo=UTC)


def _old_database(path: Path) -> None:
    old = connect(path)
    migrations.apply(old, stop_before="0017_dingtalk_inbox")
    old.execute(
        "INSERT INTO people (id, account, name, role, created_at) "
        f"VALUES (1, '500', '办公室', 'admin', '{T}')"
    )
    old.execute(
        "INSERT INTO inbox (update_id, event, raw, received_at, status) "
        f"VALUES (41, '41', '{{\"update_id\": 41}}', '{T}', 'done')"
    )
    old.execute(
        "INSERT INTO inbox (update_id, event, raw, received_at) "
        f"VALUES (42, '42', '{{\"update_id\": 42}}', '{T}')"
    )
    old.conn.commit()
    old.close()


@pytest.fixture
def db(tmp_path: Path) -> sqlite_utils.Database:
    path = tmp_path / "old.sqlite"
    _old_database(path)
    database = connect(path)
    assert upgrade(database)[:1] == ["0017_dingtalk_inbox"]  # later ones may follow
    return database


def test_an_old_database_keeps_its_people_and_its_telegram_updates(db) -> None:
    assert db.execute("SELECT name FROM people").fetchall() == [("办公室",)]
    assert db.execute("SELECT update_id, status FROM inbox ORDER BY update_id").fetchall() == [
        (41, "done"),
        (42, "pending"),
    ]
    assert inbox.next_offset(db) == 43
    _, rows = inbox.pending(db, 10, frozenset(), AT)
    assert [row.update_id for row in rows] == [42]


def test_dingtalk_frames_are_stored_once_each_and_numbered_below_zero(db) -> None:
    first = inbox.save_dingtalk(db, "msg-a", {"text": {"content": "一"}}, AT)
    again = inbox.save_dingtalk(db, "msg-a", {"text": {"content": "一"}}, AT)
    second = inbox.save_dingtalk(db, "msg-b", {"text": {"content": "二"}}, AT)
    assert (first, again, second) == (-1, None, -2)
    assert inbox.next_offset(db) == 43  # Telegram's offset ignores DingTalk's rows
    _, telegram_rows = inbox.pending(db, 10, frozenset(), AT)
    assert [row.update_id for row in telegram_rows] == [42]
    _, dingtalk_rows = inbox.pending(db, 10, frozenset(), AT, platform="dingtalk")
    assert [row.raw["text"]["content"] for row in dingtalk_rows] == ["一", "二"]  # as they came


def test_a_session_webhook_is_given_until_it_expires_and_a_newer_one_replaces_it(db) -> None:
    dingtalk_sessions.remember(db, "manager4521", "http://hook/1", AT + timedelta(minutes=90))
    assert dingtalk_sessions.webhook_for(db, "manager4521", AT) == "http://hook/1"
    dingtalk_sessions.remember(db, "manager4521", "http://hook/2", AT + timedelta(minutes=95))
    dingtalk_sessions.remember(db, "manager4521", "http://hook/0", AT + timedelta(minutes=10))
    assert dingtalk_sessions.webhook_for(db, "manager4521", AT) == "http://hook/2"
    assert dingtalk_sessions.webhook_for(db, "manager4521", AT + timedelta(hours=2)) is None
    assert dingtalk_sessions.webhook_for(db, "stranger", AT) is None
