"""A database locked by another program (``duban import``, a backup tool) is waited out.

The test holds the write lock from its own connection (BEGIN IMMEDIATE), as an import does,
for much longer than the bot's busy timeout, while people write and the sender has messages
to record; then it lets go. Before, SQLITE_BUSY ended the poller, processor or sender and the
process exited; now nothing stops, nothing is lost and nothing is done twice.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
import sqlite_utils

from bot.chat import Address
from bot.runtime.lock_watch import LockWatch
from sandbox.server import Sandbox
from storage import outbox
from tests.harness import Duban, make_settings, office, running

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
            to=Address("telegram", str(phone.chat_id)),
            method="sendMessage",
            payload={"chat_id": phone.chat_id, "text": f"维护通知 {phone.user_id}"},
            at=now,
        )
    locker.execute("BEGIN IMMEDIATE")
    try:
        runtime.resources.outbox_ready.set()
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


@pytest.fixture
async def watched_duban(
    bot_sandbox: Sandbox, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> AsyncIterator[Duban]:
    """Duban whose lock watch looks every 0.2 s and speaks up after 1 s (not 5 minutes)."""
    monkeypatch.setattr(LockWatch, "CHECK_EVERY", 0.2)
    monkeypatch.setattr(LockWatch, "TELL_AFTER", 1.0)
    async with running(Duban(bot_sandbox, make_settings(bot_sandbox, tmp_path))) as bot:
        yield bot


async def test_long_lock_is_told_to_the_office_and_so_is_its_end(watched_duban: Duban) -> None:
    """A lock held past the watch's limit: the administrators hear of it while it lasts
    (straight from Telegram, as the outbox is locked too) and again when it is gone; the
    message sent meanwhile is answered."""
    duban = watched_duban
    runtime = duban.runtime
    assert runtime is not None
    admin = await office(duban)
    await duban.settle()
    await runtime.store.run_alone(shorten_busy_timeout)
    locker = duban.db()
    locker.execute("BEGIN IMMEDIATE")
    try:
        await admin.send("/help")
        notice = await admin.expect("数据库已被其他程序锁定", within=10)
        assert "不会丢失" in notice.text
        assert runtime.store.lock_wait.since is not None
    finally:
        locker.execute("ROLLBACK")
        locker.close()
    await admin.expect("可用命令", within=15)
    await admin.expect("数据库锁定已解除", within=10)
    await duban.settle()
    assert sum("数据库已被其他程序锁定" in m.text for m in admin.bot_messages) == 1
