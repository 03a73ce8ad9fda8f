"""Migration 0024_evidence_platform (issue 16): each evidence row names the platform its
file came from, so the right download job fetches it even after its sender has written from
their other account. A database from before it upgrades with every row kept, each row's
platform the best that is known: the inbox update that brought it, else the sender's
platform, else Telegram (a row with no sender)."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
import sqlite_utils

from bot.domain.visits import MediaIn
from storage import evidence
from storage.db import connect
from storage.migrations import migrations, upgrade

T = "2026-12-01T00:00:00+00:00"
AT = datetime(2026, 12, 7, 2, 0, tzinfo=UTC)
RETRY = "2026-12-07T01:00:00+00:00"  # before AT: due

# People: 1 on Telegram only; 2 on both, who wrote from Telegram last; 3 on DingTalk only.
PEOPLE = (
    (1, "telegram", "7001", "王督查"),
    (2, "telegram", "7002", "李督查"),
    (3, "dingtalk", "zhou4521", "周联络"),
)
# The inbox updates that brought files: Telegram's are positive, DingTalk's negative.
INBOX = ((501, "telegram", "501"), (-1, "dingtalk", "msg-a"), (-2, "dingtalk", "msg-b"))

# id → (person, update, file_id, stored, the platform the upgrade must name)
OLD_EVIDENCE = {
    1: (1, 501, "AgACAgIAAxkBAAIB", "stored", "telegram"),
    # 李督查's DingTalk picture, not fetched yet: the row the old query handed to Telegram.
    2: (2, -1, "dlcode-pending", "pending", "dingtalk"),
    3: (2, -2, "dlcode-stored", "stored", "dingtalk"),
    4: (3, -9, "dlcode-no-inbox", "pending", "dingtalk"),  # its update is not in the inbox
    5: (2, None, "AgACAgIAAxkBAAIC", "pending", "telegram"),  # no update: the person's
    6: (None, None, None, "none", "telegram"),  # no sender at all (a location, say)
}


def _old_database(path: Path) -> list[dict]:
    """A database just before 0024, with evidence of every kind; returns its rows."""
    old = connect(path)
    migrations.apply(old, stop_before="0024_evidence_platform")
    for person_id, platform, account, name in PEOPLE:
        old.execute(
            "INSERT INTO people (id, platform, account, name, role, created_at) "
            "VALUES (?, ?, ?, ?, 'inspector', ?)",
            [person_id, platform, account, name, T],
        )
    old.execute(
        "INSERT INTO person_accounts (platform, account, person_id, linked_at) "
        "VALUES ('dingtalk', 'li7002', 2, ?)",
        [T],
    )
    for update_id, platform, event in INBOX:
        old.execute(
            "INSERT INTO inbox (update_id, platform, event, raw, received_at, status) "
            "VALUES (?, ?, ?, '{}', ?, 'done')",
            [update_id, platform, event, T],
        )
    for row_id, (sender, brought_by, file_id, stored, _) in OLD_EVIDENCE.items():
        old.execute(
            "INSERT INTO evidence (id, person_id, kind, file_id, file_unique_id, sha256, "
            "caption, taken_at, stored, download_attempts, next_download_at, created_at, "
            "update_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [
                row_id,
                sender,
                "photo" if file_id else "location",
                file_id,
                f"u{row_id}" if file_id else None,
                f"{row_id:064x}" if stored == "stored" else None,
                f"车间照片 {row_id}",
                T,
                stored,
                row_id % 3,
                RETRY if stored == "pending" else None,
                T,
                brought_by,
            ],
        )
    rows = [dict(row) for row in old.query("SELECT * FROM evidence ORDER BY id")]
    old.conn.commit()
    old.close()
    return rows


@pytest.fixture
def upgraded(tmp_path: Path) -> tuple[sqlite_utils.Database, list[dict]]:
    path = tmp_path / "old.sqlite"
    before = _old_database(path)
    database = connect(path)
    assert upgrade(database)[:1] == ["0024_evidence_platform"]
    return database, before


def test_each_row_names_the_platform_its_file_came_from(upgraded) -> None:
    db, _ = upgraded
    platforms = dict(db.execute("SELECT id, platform FROM evidence ORDER BY id").fetchall())
    assert platforms == {row_id: row[4] for row_id, row in OLD_EVIDENCE.items()}


def test_nothing_else_of_a_row_changes(upgraded) -> None:
    db, before = upgraded
    after = [dict(row) for row in db.query("SELECT * FROM evidence ORDER BY id")]
    assert [{k: v for k, v in row.items() if k != "platform"} for row in after] == before
    assert db.execute("PRAGMA foreign_key_check").fetchall() == []
    columns = {
        row[1]: (row[2], row[3], row[4]) for row in db.execute("PRAGMA table_info(evidence)")
    }
    assert columns["platform"] == ("TEXT", 1, "'telegram'")  # NOT NULL, Telegram by default


def test_a_dingtalk_file_pending_after_its_sender_moved_to_telegram_goes_to_dingtalk(
    upgraded,
) -> None:
    """李督查 wrote from Telegram after sending the picture: it is still DingTalk's to
    fetch, and forwarded to Telegram from MEDIA_DIR, never by its downloadCode."""
    db, _ = upgraded
    dingtalk = evidence.pending_downloads(db, AT, 10, "dingtalk")
    telegram = evidence.pending_downloads(db, AT, 10, "telegram")
    assert {file.id for file in dingtalk} == {2, 4}
    assert {file.id for file in telegram} == {5}
    assert evidence.next_retry_at(db, "dingtalk") == datetime.fromisoformat(RETRY)
    assert evidence.foreign_file(db, "dlcode-pending", "telegram") == ("pending", None)
    assert evidence.foreign_file(db, "dlcode-stored", "telegram") == ("stored", f"{3:064x}")
    assert evidence.foreign_file(db, "AgACAgIAAxkBAAIC", "telegram") is None  # its own


def test_evidence_sent_after_the_upgrade_records_its_platform(upgraded) -> None:
    db, _ = upgraded
    picture = MediaIn(
        "photo", "dlcode-new", "new", None, "image/jpeg", None, "", None, AT, "dingtalk"
    )
    new = evidence.add_evidence(
        db, media=picture, finding_id=None, item_id=None, person_id=2, at=AT, update_id=-3
    )
    assert db.execute("SELECT platform FROM evidence WHERE id = ?", [new]).fetchone() == (
        "dingtalk",
    )
    assert new in [file.id for file in evidence.pending_downloads(db, AT, 10, "dingtalk")]
