"""Migration 0016_notices (issue 15): a database from before it upgrades with nothing lost,
and the new table keeps a number from being given twice and a draft from being issued
twice, while a cancelled draft takes no number."""

from __future__ import annotations

import sqlite3
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
import sqlite_utils

from storage import notices
from storage.db import connect
from storage.migrations import migrations, upgrade

T = "2026-12-01T00:00:00+00:00"
AT = datetime(2026, 12, 6, 2, 0, tzinfo=UTC)


def _old_database(path: Path) -> None:
    old = connect(path)
    migrations.apply(old, stop_before="0016_notices")
    old.execute(
        "INSERT INTO people (id, account, name, role, created_at) "
        f"VALUES (1, '500', '办公室', 'admin', '{T}')"
    )
    for job in (1, 2, 3):
        old.execute(
            "INSERT INTO report_jobs (id, kind, person_id, chat_id, language, params, status, "
            f"created_at) VALUES (?, 'ranking', 1, 500, 'zh', '{{}}', 'done', '{T}')",
            [job],
        )
    old.conn.commit()
    old.close()


def _issued(draft: int, number: int) -> notices.Issued:
    return notices.Issued(
        draft_job=draft,
        year=2026,
        number=number,
        doc_number=f"皋人大办〔2026〕{number}号",
        title="关于2026年第四季度科技创新督办事项办理情况的通报",
        doc_number_en=f"PCO [2026] No. {number}",
        title_en="Notice on the handling of supervised items, Q4 2026",
        filters={"period": "quarter"},
        period_start=date(2026, 10, 1),
        period_end=date(2026, 12, 6),
        person_id=1,
        at=AT,
        sha256="a" * 64,
        sha256_en="b" * 64,
        path="/media/notices/a.pdf",
        path_en="/media/notices/b.pdf",
    )


@pytest.fixture
def db(tmp_path: Path) -> sqlite_utils.Database:
    path = tmp_path / "old.sqlite"
    _old_database(path)
    database = connect(path)
    assert upgrade(database)[:1] == ["0016_notices"]  # later migrations follow it
    return database


def test_an_old_database_keeps_everything_and_starts_numbering_at_one(db) -> None:
    assert db.execute("SELECT count(*) FROM report_jobs").fetchone() == (3,)
    assert db.execute("SELECT name FROM people").fetchall() == [("办公室",)]
    assert notices.issued(db, 10) == []
    assert notices.next_number(db, 2026) == 1


def test_numbers_follow_each_other_per_year_and_are_never_given_twice(db) -> None:
    first = notices.record_issued(db, _issued(1, notices.next_number(db, 2026)))
    assert notices.next_number(db, 2026) == 2
    assert notices.next_number(db, 2027) == 1  # a new year starts again at 1
    with pytest.raises(sqlite3.IntegrityError):
        notices.record_issued(db, _issued(2, 1))  # number 1 is taken
    with pytest.raises(sqlite3.IntegrityError):
        notices.record_issued(db, _issued(1, 2))  # draft 1 is issued already
    found = notices.get(db, first)
    assert found is not None and found.doc_number == "皋人大办〔2026〕1号"
    assert found.words("en") == ("/media/notices/b.pdf", "PCO [2026] No. 1", found.title_en)
    assert found.filters == {"period": "quarter"} and found.period_start == date(2026, 10, 1)


def test_a_cancelled_draft_takes_no_number_and_cannot_then_be_issued(db) -> None:
    assert notices.record_cancelled(db, 3, 1, AT)
    assert not notices.record_cancelled(db, 3, 1, AT)  # decided once
    decided = notices.by_draft(db, 3)
    assert decided is not None and decided.state == notices.CANCELLED
    assert decided.number is None and decided.doc_number == ""
    assert notices.next_number(db, 2026) == 1
    with pytest.raises(sqlite3.IntegrityError):
        notices.record_issued(db, _issued(3, 1))
    with pytest.raises(sqlite3.IntegrityError):  # an issued row always has its number
        db.execute(
            "INSERT INTO notices (draft_job, state, person_id, at) VALUES (2, 'issued', 1, ?)",
            [T],
        )
