"""A report job remembers the chat it was asked for in, on either platform: its result goes
back there (bot/builders/runner.py ``deliver`` writes to ``job.chat``)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
import sqlite_utils

from bot.chat import Address
from bot.domain.people import dingtalk_address, telegram_address
from storage import report_jobs
from storage.db import open_database

NOW = datetime(2026, 11, 30, 1, 0, tzinfo=UTC)


@pytest.fixture
def db(tmp_path: Path) -> Iterator[sqlite_utils.Database]:
    database = open_database(tmp_path / "duban.sqlite")
    database["people"].insert(
        {"id": 1, "name": "办公室", "role": "admin", "created_at": NOW.isoformat()}
    )
    yield database
    database.close()


def asked_in(db: sqlite_utils.Database, chat: Address, update_id: int) -> int:
    return report_jobs.create(
        db,
        kind="report",
        person_id=1,
        chat=chat,
        language="zh",
        params={},
        at=NOW,
        update_id=update_id,
    )


@pytest.mark.parametrize(
    "chat",
    [
        telegram_address(7001),
        dingtalk_address("manager4521"),
        dingtalk_address("0123456789"),  # a staff id of digits keeps its leading zero
    ],
)
def test_a_job_reads_back_the_chat_it_was_asked_in(db, chat: Address) -> None:
    job = report_jobs.get(db, asked_in(db, chat, 1))
    assert job is not None and job.chat == chat


def test_a_chat_is_stored_as_the_outbox_names_it(db) -> None:
    """Platform and that platform's id as text, as outbox rows name a chat: a Telegram
    chat's number and a DingTalk staff id of digits alike (migration 0023)."""
    asked_in(db, telegram_address(7001), 1)
    asked_in(db, dingtalk_address("0123456789"), 2)
    stored = db.execute(
        "SELECT platform, chat, typeof(chat) FROM report_jobs ORDER BY id"
    ).fetchall()
    assert stored == [("telegram", "7001", "text"), ("dingtalk", "0123456789", "text")]
