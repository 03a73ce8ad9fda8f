"""A database locked by another program (``duban import``, a backup tool) is waited out.

The test holds the write lock from its own connection (BEGIN IMMEDIATE), as an import does,
for much longer than the bot's busy timeout, while people write and the sender has messages
to record; then it lets go. Before, SQLITE_BUSY ended the poller, processor or sender and the
process exited; now nothing stops, nothing is lost and nothing is done twice.
"""

from __future__ import annotations

import asyncio
import logging
from datetime import UTC, datetime

import pytest
import sqlite_utils

from storage import outbox
from tests.harness import Duban

BUSY_TIMEOUT_MS = 200  # the bot's, shortened: the lock below is held fifteen times as long
HOLD_SECONDS = 3.0


def shorten_busy_timeout(db: sqlite_utils.Database) -> None:
    db.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")


def statuses(duban: Duban, table: str) -> dict[str, int]:
    db = duban.db()
    try:
        return dict(db.execute(f"SELECT status, count(*) FROM {table} GROUP BY status").fetchall())
    finally:
        db.close()


async def test_locked_database_is_waited_out_with_nothing_lost(
    duban: Duban, caplog: pytest.LogCaptureFixture
) -> None:
    """While another connection holds the write lock past the busy timeout, the bot keeps
    running; once it is released every update is processed once and every message arrives
    once — the replies, and the messages the sender was delivering when the lock came."""
    caplog.set_level(logging.INFO)
    runtime = duban.runtime
    assert runtime is not None
    strangers = [duban.phone(8400 + n, f"路人{n}") for n in range(6)]
    for phone in strangers:
        await phone.send("你好")
    await duban.settle()
    for phone in strangers:
        await phone.expect("仅限受邀人员")
    await runtime.store.run_alone(shorten_busy_timeout)

    # The sender gets work (a notice per person), and at once another program locks.
    locker = duban.db()
    now = datetime.now(UTC)
    for phone in strangers:
        outbox.enqueue(
            locker,
            key=f"locked-test:{phone.user_id}",
            chat_id=phone.chat_id,
            method="sendMessage",
            payload={"chat_id": phone.chat_id, "text": f"维护通知 {phone.user_id}"},
            at=now,
        )
    locker.execute("BEGIN IMMEDIATE")
    try:
        runtime.services.outbox_ready.set()
        for phone in strangers:
            await phone.send("在吗？")
        await asyncio.sleep(HOLD_SECONDS)
        assert runtime.store.lock_wait.busy >= 2, "the lock must really refuse the bot"
        for task in runtime._tasks:
            assert not task.done(), f"{task.get_name()} stopped while the database was locked"
        assert statuses(duban, "inbox") == {"done": 6}, "nothing new could be stored yet"
    finally:
        locker.execute("ROLLBACK")
        locker.close()

    await duban.all_processed(20)
    await duban.settle(20)
    for phone in strangers:
        texts = [m.text for m in phone.bot_messages]
        assert sum("仅限受邀人员" in text for text in texts) == 2, texts
        assert texts.count(f"维护通知 {phone.user_id}") == 1, texts
    assert statuses(duban, "inbox") == {"done": 12}
    assert statuses(duban, "outbox") == {"sent": 18}
    db = duban.db()
    try:
        assert db.execute("SELECT max(attempts) FROM inbox").fetchone()[0] == 0
    finally:
        db.close()
    for task in runtime._tasks:
        assert not task.done()
    # Said once for the outage, not once per try.
    said = [r.getMessage() for r in caplog.records if r.levelno >= logging.WARNING]
    assert sum("locked by another program" in m for m in said) == 1, said
    assert sum("lock was released" in m for m in said) == 1, said
    assert not [r for r in caplog.records if r.exc_info], "no traceback for a lock"
