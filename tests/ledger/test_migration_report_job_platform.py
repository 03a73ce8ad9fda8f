"""Migration 0023_report_job_platform (issue 16): a report job names the chat it answers to
by platform and chat id as text, as the outbox does. A database from before it upgrades
with every job kept, Telegram's (a number) and DingTalk's ("dingtalk:<staff id>" text)
alike, each job's result still going to the chat it was asked in."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
import sqlite_utils

from bot.domain.people import dingtalk_address, telegram_address
from storage import report_jobs
from storage.db import connect
from storage.migrations import migrations, upgrade

T = "2026-12-01T00:00:00+00:00"
AT = datetime(2026, 12, 7, 2, 0, tzinfo=UTC)

# id → (chat_id as the old code stored it, status, attempts, last_error)
OLD_JOBS = {
    1: (7001, "done", 1, None),
    2: ("dingtalk:manager4521", "pending", 0, None),
    3: ("dingtalk:0123456789", "failed", 3, "ValueError('x')"),  # digits, a leading zero
    4: (-1001234567890, "pending", 2, None),  # a Telegram group's negative number
}


def _old_database(path: Path) -> None:
    old = connect(path)
    migrations.apply(old, stop_before="0023_report_job_platform")
    old.execute(
        "INSERT INTO people (id, platform, account, name, role, created_at) VALUES "
        f"(1, 'telegram', '7001', '王主任', 'admin', '{T}'), "
        f"(2, 'dingtalk', 'manager4521', '李领导', 'leader', '{T}')"
    )
    for job_id, (chat_id, status, attempts, error) in OLD_JOBS.items():
        old.execute(
            "INSERT INTO report_jobs (id, kind, person_id, chat_id, language, params, status, "
            "attempts, last_error, created_at, update_id) "
            "VALUES (?, 'report', ?, ?, 'zh', '{\"period\": \"year\"}', ?, ?, ?, ?, ?)",
            [job_id, 1 if job_id % 2 else 2, chat_id, status, attempts, error, T, 100 + job_id],
        )
    # A notice drafted by job 1 points at it: the upgrade keeps that reference whole.
    old.execute(
        "INSERT INTO notices (draft_job, state, person_id, at) VALUES (1, 'cancelled', 1, ?)", [T]
    )
    old.conn.commit()
    old.close()


@pytest.fixture
def db(tmp_path: Path) -> sqlite_utils.Database:
    path = tmp_path / "old.sqlite"
    _old_database(path)
    database = connect(path)
    assert upgrade(database)[:1] == ["0023_report_job_platform"]
    return database


def test_every_job_keeps_the_chat_it_was_asked_in(db) -> None:
    chats = {job_id: report_jobs.get(db, job_id) for job_id in OLD_JOBS}
    assert {job_id: job.chat for job_id, job in chats.items() if job} == {
        1: telegram_address(7001),
        2: dingtalk_address("manager4521"),
        3: dingtalk_address("0123456789"),
        4: telegram_address(-1001234567890),
    }


def test_nothing_else_of_a_job_changes(db) -> None:
    rows = db.execute(
        "SELECT id, person_id, status, attempts, last_error, params, created_at, update_id "
        "FROM report_jobs ORDER BY id"
    ).fetchall()
    assert rows == [
        (
            job_id,
            1 if job_id % 2 else 2,
            status,
            attempts,
            error,
            '{"period": "year"}',
            T,
            100 + job_id,
        )
        for job_id, (_, status, attempts, error) in OLD_JOBS.items()
    ]
    assert db.execute("SELECT draft_job FROM notices").fetchall() == [(1,)]
    assert db.execute("PRAGMA foreign_key_check").fetchall() == []


def test_the_old_column_is_gone_and_every_chat_is_text(db) -> None:
    columns = {row[1]: row[2] for row in db.execute("PRAGMA table_info(report_jobs)")}
    assert "chat_id" not in columns
    assert (columns["platform"], columns["chat"]) == ("TEXT", "TEXT")
    assert db.execute(
        "SELECT count(*) FROM report_jobs WHERE chat IS NULL OR typeof(chat) != 'text'"
    ).fetchone() == (0,)


def test_a_job_asked_for_after_the_upgrade_reads_back_its_chat(db) -> None:
    """The pending jobs still run after the upgrade (oldest first), and new ones join them."""
    new = report_jobs.create(
        db,
        kind="export",
        person_id=2,
        chat=dingtalk_address("0099"),
        language="zh",
        params={},
        at=AT,
        update_id=200,
    )
    job = report_jobs.get(db, new)
    assert job is not None and job.chat == dingtalk_address("0099")
    pending = report_jobs.next_pending(db)
    assert pending is not None and (pending.id, pending.chat) == (
        2,
        dingtalk_address("manager4521"),
    )
