"""The database thread: jobs queued together share one commit, each answered on its own."""

from __future__ import annotations

import asyncio
import sqlite3
import threading
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
import sqlite_utils

from storage.db import Store, connect
from tests.notes_store import add_note, note_texts, notes_store


@pytest.fixture
async def store(tmp_path: Path) -> AsyncIterator[Store]:
    """A notes store on a fresh database."""
    async with notes_store(tmp_path / "duban.sqlite") as opened:
        yield opened


def _add_then_fail(db: sqlite_utils.Database, text: str) -> None:
    with db.atomic():
        add_note(db, text)
        raise ValueError(text)


async def test_many_writers_share_commits_and_each_gets_its_own_answer(store: Store) -> None:
    commits: list[str] = []
    await store.run(lambda db: db.conn.set_trace_callback(
        lambda sql: commits.append(sql) if sql == "COMMIT" else None
    ))  # fmt: skip

    ids = await asyncio.gather(*(store.run(add_note, f"note {n}") for n in range(40)))

    assert sorted(ids) == list(range(1, 41))
    assert note_texts(store.path) == [f"note {n}" for n in range(40)]
    assert 1 <= len(commits) < 40  # grouped: fewer commits (fsyncs) than writers


async def test_an_answer_arrives_only_when_its_change_is_on_disk(store: Store) -> None:
    for n in range(5):
        await store.run(add_note, f"note {n}")
        assert note_texts(store.path)[-1] == f"note {n}"


async def test_a_failing_job_takes_back_only_its_own_changes(store: Store) -> None:
    results = await asyncio.gather(
        store.run(add_note, "kept 1"),
        store.run(_add_then_fail, "undone"),
        store.run(add_note, "kept 2"),
        return_exceptions=True,
    )

    assert isinstance(results[1], ValueError)
    assert note_texts(store.path) == ["kept 1", "kept 2"]


async def test_nested_atomic_blocks_roll_back_one_level(store: Store) -> None:
    def nested(db: sqlite_utils.Database) -> None:
        with db.atomic():
            add_note(db, "outer")
            with pytest.raises(ValueError), db.atomic():
                add_note(db, "inner, undone")
                with db.atomic():
                    add_note(db, "innermost, undone with it")
                raise ValueError
            add_note(db, "outer again")

    await asyncio.gather(store.run(add_note, "beside"), store.run(nested))

    assert note_texts(store.path) == ["beside", "outer", "outer again"]


async def test_a_job_run_alone_commits_statement_by_statement(store: Store) -> None:
    def two_then_fail(db: sqlite_utils.Database) -> None:
        add_note(db, "first")
        add_note(db, "second")
        raise sqlite3.IntegrityError("after both")

    with pytest.raises(sqlite3.IntegrityError):
        await store.run_alone(two_then_fail)

    assert note_texts(store.path) == ["first", "second"]


async def test_jobs_after_close_are_refused_not_left_waiting(tmp_path: Path) -> None:
    store = Store(tmp_path / "closed.sqlite")
    await store.open()
    await store.close()

    with pytest.raises(RuntimeError):
        await asyncio.wait_for(store.run(add_note, "too late"), timeout=5)


def test_a_transaction_that_reads_then_writes_waits_for_another_writer(tmp_path: Path) -> None:
    """`duban import` reads, then writes, while the bot commits in between: it waits for
    the write lock instead of failing with "database is locked"."""
    path = tmp_path / "two.sqlite"
    setup = connect(path)
    setup.execute("CREATE TABLE notes (id INTEGER PRIMARY KEY, text)")
    setup.close()
    began, other_done = threading.Event(), threading.Event()
    failures: list[BaseException] = []

    def other_writer() -> None:  # the bot, committing while the import is under way
        db = connect(path)
        try:
            began.wait(5)
            add_note(db, "from the bot")
        except BaseException as error:
            failures.append(error)
        finally:
            db.close()
            other_done.set()

    threading.Thread(target=other_writer).start()
    importer = connect(path)
    with importer.atomic():
        count = importer.execute("SELECT count(*) FROM notes").fetchone()[0]
        began.set()
        other_done.wait(0.5)  # the bot would commit here, were it not kept waiting
        add_note(importer, f"import after {count}")
    importer.close()
    other_done.wait(15)

    assert failures == []
    assert note_texts(path) == ["import after 0", "from the bot"]
