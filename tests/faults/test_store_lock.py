"""The database thread waits out another program's write lock, and never runs a job twice.

A job refused by the lock before it changed anything is simply run again; one that had
already written (statements committed one by one) gets the error instead, because running
it again would apply its first writes twice.
"""

from __future__ import annotations

import asyncio
import sqlite3
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
import sqlite_utils

from storage.db import Store, connect
from tests.notes_store import add_note, note_texts, notes_store

SHORT_TIMEOUT = "PRAGMA busy_timeout = 50"


@pytest.fixture
async def store(tmp_path: Path) -> AsyncIterator[Store]:
    """A notes store whose busy timeout is 50 ms, so a held lock refuses it at once."""
    async with notes_store(tmp_path / "duban.sqlite") as opened:
        await opened.run_alone(lambda db: db.execute(SHORT_TIMEOUT))
        yield opened


async def test_writes_wait_for_the_lock_and_are_applied_once(store: Store) -> None:
    """Writes queued while another connection holds the lock (far past the busy timeout)
    all land once it is released: grouped ones and lone ones, each exactly once."""
    locker = connect(store.path)
    locker.execute("BEGIN IMMEDIATE")
    try:
        writes = [asyncio.ensure_future(store.run(add_note, f"n{n}")) for n in range(5)]
        lone = asyncio.ensure_future(store.run_alone(add_note, "alone"))
        await asyncio.sleep(0.6)
        assert not any(w.done() for w in [*writes, lone]), "nothing can be written yet"
        assert store.lock_wait.busy >= 2 and store.lock_wait.since is not None
    finally:
        locker.execute("ROLLBACK")
        locker.close()
    await asyncio.wait_for(asyncio.gather(*writes, lone), 10)
    assert sorted(note_texts(store.path)) == sorted([f"n{n}" for n in range(5)] + ["alone"])
    assert store.lock_wait.since is None, "the outage is over once a write went through"


async def test_job_that_wrote_before_the_lock_refused_it_is_not_run_again(
    store: Store,
) -> None:
    """A job whose first statement committed and whose second met the lock is answered
    with the error, not run again: its first write must not happen twice."""
    calls: list[int] = []

    def add_lock_add(db: sqlite_utils.Database) -> None:
        calls.append(1)
        add_note(db, "first")  # committed on its own (no transaction)
        locker = sqlite3.connect(store.path)
        locker.execute("BEGIN IMMEDIATE")
        try:
            add_note(db, "second")
        finally:
            locker.rollback()
            locker.close()

    with pytest.raises(sqlite3.OperationalError, match="locked"):
        await store.run_alone(add_lock_add)
    assert calls == [1]
    assert note_texts(store.path) == ["first"]


@pytest.mark.parametrize("waiting", ["grouped", "lone"])
async def test_closing_while_the_lock_is_held_does_not_hang(store: Store, waiting: str) -> None:
    """Shutdown while another program still holds the lock: the waiting writes are given
    up with the lock's error (their updates stay pending in the inbox) and close() returns
    within a busy timeout and one pause, instead of waiting for the other program. Grouped
    writes wait in BEGIN IMMEDIATE, a lone one by retrying its statement: both must end."""
    locker = connect(store.path)
    locker.execute("BEGIN IMMEDIATE")
    try:
        if waiting == "grouped":
            writes = [asyncio.ensure_future(store.run(add_note, f"g{n}")) for n in range(3)]
        else:
            writes = [asyncio.ensure_future(store.run_alone(add_note, "lone"))]
        await asyncio.sleep(0.3)
        assert store.lock_wait.since is not None, "the write is waiting for the lock"
        await asyncio.wait_for(store.close(), 5)
        for write in writes:
            with pytest.raises(sqlite3.OperationalError, match="locked"):
                await asyncio.wait_for(write, 1)
    finally:
        locker.execute("ROLLBACK")
        locker.close()
    assert note_texts(store.path) == []
