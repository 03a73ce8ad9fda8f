"""0012_platform_ids: people, inbox and outbox name a platform and its id as text.

The three tables are rebuilt; a database made by the schema before must come through
with every row, every id and every reference to a person intact, and with foreign keys
enforced again afterwards.
"""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime
from pathlib import Path

import pytest
import sqlite_utils

from bot.chat import Address
from storage import inbox, outbox, people
from storage.db import connect, open_database
from storage.migrations import _platform_ids, migrations

T = "2025-03-01T08:00:00+00:00"
NOW = datetime(2025, 3, 1, 9, 0, tzinfo=UTC)


def _old_database(path: Path) -> None:
    """A 0011 database: a registered inspector, an invited contact who never wrote, their
    references from other tables, updates in every state and messages to two chats."""
    old = connect(path)
    migrations.apply(old, stop_before="0012_platform_ids")
    statements = [
        f"INSERT INTO periods (id, name, year, created_at) VALUES (1, '2025', 2025, '{T}')",
        f"INSERT INTO units (id, name, created_at) VALUES (1, '科技局', '{T}')",
        "INSERT INTO people (id, tg_user_id, name, role, unit_id, language, active, reachable, "
        f"created_at) VALUES (4, 7001, '王督查', 'inspector', NULL, 'en', 1, 0, '{T}'), "
        f"(9, NULL, '赵联络', 'contact', 1, 'zh', 0, 1, '{T}')",
        "INSERT INTO items (id, code, period_id, problem, unit_id, created_at, updated_at, "
        f"last_activity_at) VALUES (1, '2025-001', 1, '研发投入不足', 1, '{T}', '{T}', '{T}')",
        "INSERT INTO item_inspectors (item_id, person_id, assigned_by, assigned_at) "
        f"VALUES (1, 4, 'office', '{T}')",
        "INSERT INTO buttons (token, person_id, action, payload, created_at, expires_at) "
        f"VALUES ('tok', 4, 'finding.tie', '{{}}', '{T}', '{T}')",
        "INSERT INTO dialogs (person_id, state, data, updated_at) "
        f"VALUES (9, 'waiting', '{{}}', '{T}')",
        "INSERT INTO inbox (update_id, raw, received_at, status, attempts, last_error, "
        f"processed_at) VALUES (100, '{{\"update_id\": 100}}', '{T}', 'done', 0, NULL, '{T}'), "
        f"(101, '{{\"update_id\": 101}}', '{T}', 'set_aside', 5, 'boom', '{T}'), "
        f"(102, '{{\"update_id\": 102}}', '{T}', 'pending', 0, NULL, NULL)",
        "INSERT INTO outbox (id, dedup_key, chat_id, method, payload, created_at, not_before, "
        "status, attempts, last_error, sent_at, message_id, failing_since) VALUES "
        f"(5, 'u100:1', 7001, 'sendMessage', '{{\"text\": \"a\"}}', '{T}', '{T}', 'sent', 1, "
        f"NULL, '{T}', 55, NULL), "
        f"(6, 'u101:1', 7001, 'sendMessage', '{{\"text\": \"b\"}}', '{T}', '{T}', 'pending', 1, "
        f"'timeout', NULL, NULL, '{T}'), "
        f"(7, 'u102:1', -100200, 'sendMessage', '{{\"text\": \"c\"}}', '{T}', '{T}', 'pending', "
        "0, NULL, NULL, NULL, NULL)",
    ]
    for statement in statements:
        old.execute(statement)
    old.conn.commit()
    old.close()


@pytest.fixture
def upgraded(tmp_path: Path) -> sqlite_utils.Database:
    path = tmp_path / "old.sqlite"
    _old_database(path)
    db = open_database(path)
    yield db
    db.close()


def _rows(db: sqlite_utils.Database, sql: str) -> list[tuple]:
    return [tuple(row) for row in db.execute(sql).fetchall()]


def test_people_keep_their_ids_and_name_their_platform(upgraded: sqlite_utils.Database) -> None:
    """A Telegram id becomes the account text; someone who never wrote keeps none."""
    assert not migrations.pending(upgraded)
    assert _rows(
        upgraded,
        "SELECT id, platform, account, name, role, unit_id, language, active, reachable, "
        "created_at FROM people ORDER BY id",
    ) == [
        (4, "telegram", "7001", "王督查", "inspector", None, "en", 1, 0, T),
        (9, "telegram", None, "赵联络", "contact", 1, "zh", 0, 1, T),
    ]
    inspector = people.by_address(upgraded, Address("telegram", "7001"))
    assert inspector is not None and inspector.id == 4
    assert inspector.address == Address("telegram", "7001")
    assert inspector.account == "7001"
    invited = people.by_id(upgraded, 9)
    assert invited.address is None and invited.account is None


def test_references_to_people_survive_and_foreign_keys_are_enforced_again(
    upgraded: sqlite_utils.Database,
) -> None:
    """The rebuilt ``people`` is the one the other tables point at, and the checks are on."""
    assert upgraded.execute("PRAGMA foreign_keys").fetchone()[0] == 1
    assert upgraded.execute("PRAGMA foreign_key_check").fetchall() == []
    assert _rows(
        upgraded,
        "SELECT p.name FROM item_inspectors ii JOIN people p ON p.id = ii.person_id "
        "UNION ALL SELECT p.name FROM buttons b JOIN people p ON p.id = b.person_id "
        "UNION ALL SELECT p.name FROM dialogs d JOIN people p ON p.id = d.person_id",
    ) == [("王督查",), ("王督查",), ("赵联络",)]
    with pytest.raises(sqlite3.IntegrityError, match="FOREIGN KEY"):
        upgraded.execute("DELETE FROM people WHERE id = 4")


def test_an_account_is_unique_per_platform(upgraded: sqlite_utils.Database) -> None:
    """The same id on another platform is another person; on the same one it is refused."""
    insert = (
        "INSERT INTO people (platform, account, name, role, created_at) "
        f"VALUES (?, '7001', '某人', 'inspector', '{T}')"
    )
    upgraded.execute(insert, ["dingtalk"])
    with pytest.raises(sqlite3.IntegrityError, match="UNIQUE"):
        upgraded.execute(insert, ["telegram"])


def test_inbox_rows_keep_their_state_and_a_string_event_fits_beside(
    upgraded: sqlite_utils.Database,
) -> None:
    """Every update keeps its number, state and failures; its event id is the number as
    text; another platform's string id is a different update."""
    assert _rows(
        upgraded,
        "SELECT update_id, platform, event, status, attempts, last_error FROM inbox "
        "ORDER BY update_id",
    ) == [
        (100, "telegram", "100", "done", 0, None),
        (101, "telegram", "101", "set_aside", 5, "boom"),
        (102, "telegram", "102", "pending", 0, None),
    ]
    assert inbox.next_offset(upgraded) == 103
    _, fresh = inbox.pending(upgraded, 10, frozenset(), NOW)
    assert [update.update_id for update in fresh] == [102]
    assert inbox.save_updates(upgraded, [{"update_id": 102}, {"update_id": 103}], NOW) == 1
    upgraded.execute(
        "INSERT INTO inbox (update_id, platform, event, raw, received_at) "
        f"VALUES (-1, 'dingtalk', '103', '{{}}', '{T}')"
    )
    assert inbox.next_offset(upgraded) == 104  # Telegram's offset counts Telegram's only


def test_outbox_rows_keep_their_ids_and_order_per_chat(upgraded: sqlite_utils.Database) -> None:
    """Messages keep their ids (the send order), delivery state and chats, as text; a
    failing row still holds back the later rows of its own chat only."""
    assert _rows(
        upgraded,
        "SELECT id, dedup_key, platform, chat, status, attempts, last_error, message_id, "
        "failing_since FROM outbox ORDER BY id",
    ) == [
        (5, "u100:1", "telegram", "7001", "sent", 1, None, 55, None),
        (6, "u101:1", "telegram", "7001", "pending", 1, "timeout", None, T),
        (7, "u102:1", "telegram", "-100200", "pending", 0, None, None, None),
    ]
    outbox.enqueue(
        upgraded,
        key="later",
        to=Address("telegram", "7001"),
        method="sendMessage",
        payload={"text": "d"},
        at=NOW,
    )
    outbox.mark_retry(upgraded, 6, "timeout", NOW.replace(hour=10))
    due = outbox.due(upgraded, NOW)
    assert [(row.id, row.to) for row in due] == [(7, Address("telegram", "-100200"))]
    indexes = {row[1] for row in upgraded.execute("PRAGMA index_list(outbox)").fetchall()}
    assert {"outbox_due", "outbox_chat"} <= indexes
    plan = " ".join(
        str(row[3])
        for row in upgraded.execute(
            "EXPLAIN QUERY PLAN SELECT id FROM outbox WHERE platform = 'telegram' "
            "AND chat = '7001' AND status = 'pending' ORDER BY id"
        ).fetchall()
    )
    assert "outbox_chat" in plan


def test_a_second_run_after_a_crash_before_its_record_changes_nothing(
    upgraded: sqlite_utils.Database,
) -> None:
    """The migration commits itself, then sqlite-utils records it: a crash in between
    runs it again on tables it already rebuilt, which must be left as they are."""
    before = _rows(upgraded, "SELECT * FROM people ORDER BY id")
    _platform_ids(upgraded)
    assert _rows(upgraded, "SELECT * FROM people ORDER BY id") == before
    assert upgraded.execute("PRAGMA foreign_keys").fetchone()[0] == 1


def test_a_reference_broken_before_the_upgrade_does_not_stop_it(tmp_path: Path) -> None:
    """A database someone edited by hand (a button of a person deleted with the checks off)
    still upgrades: only references the rebuild itself would break are refused."""
    path = tmp_path / "old.sqlite"
    _old_database(path)
    raw = sqlite3.connect(path)
    raw.execute("PRAGMA foreign_keys = OFF")
    raw.execute(
        "INSERT INTO buttons (token, person_id, action, payload, created_at, expires_at) "
        f"VALUES ('orphan', 77, 'finding.tie', '{{}}', '{T}', '{T}')"
    )
    raw.commit()
    raw.close()
    db = open_database(path)
    try:
        assert not migrations.pending(db)
        assert db.execute("SELECT count(*) FROM people").fetchone()[0] == 2
    finally:
        db.close()
