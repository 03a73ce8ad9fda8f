"""A full disk: the bot says so, takes nothing it cannot keep, loses nothing, and carries on.

CI runs as root, so file permissions prove nothing; ``PRAGMA max_page_count`` on the bot's
own connection makes SQLite answer SQLITE_FULL exactly as a full disk does.
"""

from __future__ import annotations

import asyncio
import logging
import sqlite3

import pytest
import sqlite_utils

from storage import inbox
from tests.harness import Duban

LONG = "磁盘已满时发来的长消息。" * 200  # overflow pages: needs room that a full disk lacks


def fill(db: sqlite_utils.Database) -> None:
    """Cap the database at its size and use up the free room in it (on the bot's thread)."""
    db.execute("CREATE TABLE IF NOT EXISTS ballast (b BLOB)")
    pages = db.execute("PRAGMA page_count").fetchone()[0]
    db.execute(f"PRAGMA max_page_count = {pages}")
    for size in (4000, 1000, 200, 40, 1):
        try:
            while True:
                db.execute("INSERT INTO ballast VALUES (zeroblob(?))", [size])
        except sqlite3.OperationalError as error:
            assert "full" in str(error)


def make_room(db: sqlite_utils.Database) -> None:
    db.execute("PRAGMA max_page_count = 1073741823")


def inbox_rows(duban: Duban) -> dict[str, int]:
    db = duban.db()
    try:
        return dict(db.execute("SELECT status, count(*) FROM inbox GROUP BY status").fetchall())
    finally:
        db.close()


async def until_stored(duban: Duban, count: int, seconds: float = 40.0) -> None:
    """Wait for the poller to store what Telegram held (its pause may be a few seconds)."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + seconds
    while sum(inbox_rows(duban).values()) < count:
        assert loop.time() < deadline, f"inbox still has {inbox_rows(duban)}"
        await asyncio.sleep(0.1)


async def test_full_disk_loses_nothing_and_recovers(
    duban: Duban, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    """When the disk fills up nothing already accepted is lost, nothing new is confirmed to
    Telegram, retries are paced, the office is told, and all is answered once space is back."""
    caplog.set_level(logging.INFO)
    runtime = duban.runtime
    assert runtime is not None
    admin = duban.admin()
    await admin.send("/help")
    await admin.expect("可用命令")
    await duban.settle()

    # The disk fills up right after the poller has stored the next batch.
    store = runtime.store
    run = store.run
    armed = {"fill": True}

    async def run_then_fill(fn, *args, **kwargs):
        result = await run(fn, *args, **kwargs)
        if fn is inbox.save_updates and armed.pop("fill", False):
            await store.run_alone(fill)
        return result

    monkeypatch.setattr(store, "run", run_then_fill)
    first = [duban.phone(8100 + n, f"路人{n}") for n in range(20)]
    for phone in first:
        await phone.send("你好")
    await asyncio.sleep(1.5)
    stored = inbox_rows(duban)
    assert sum(stored.values()) == 1 + 20, stored  # the admin's /help and the whole batch
    assert stored.get("pending", 0) >= 1, "twenty replies cannot fit in a full database"
    assert "set_aside" not in stored

    # New messages now: the poller cannot store them, so it does not confirm them.
    bot = duban.sandbox.state.bot_for_token(admin.bot.token)
    second = [duban.phone(8200 + n, f"来客{n}") for n in range(5)]
    for phone in second:
        await phone.send(LONG)
    await asyncio.sleep(3.5)
    waiting_at_telegram = {u["update"]["update_id"] for u in bot.updates}
    assert len(waiting_at_telegram) >= 5, "unsaved updates must stay unconfirmed at Telegram"
    stored = inbox_rows(duban)
    assert sum(stored.values()) == 21 and "set_aside" not in stored, stored
    for task in runtime._tasks:
        assert not task.done(), f"{task.get_name()} stopped during the outage"

    # Paced retries (1, 2, 4 … s), not a busy loop; said once, loudly, in the log.
    retries = [r for r in caplog.records if "tries again in" in r.getMessage()]
    by_who = {
        who: [r for r in retries if f"the {who} " in r.getMessage()]
        for who in ("poller", "processor")
    }
    assert 1 <= len(by_who["processor"]) <= 4, [r.getMessage() for r in retries]
    assert 1 <= len(by_who["poller"]) <= 4, [r.getMessage() for r in retries]
    assert [r.levelno for r in caplog.records if "the database is full:" in r.getMessage()] == [
        logging.CRITICAL
    ]
    notice = await admin.expect("磁盘已满")
    assert "Traceback" not in notice.text

    # Space is back: everything accepted before, and everything Telegram held, is answered.
    await runtime.store.run(make_room)
    await until_stored(duban, 1 + 20 + 5)
    await duban.settle(20)
    for phone in first + second:
        refusals = [m for m in phone.bot_messages if "仅限受邀人员" in m.text]
        assert len(refusals) == 1, f"{phone.user_id} got {len(refusals)} answers"
    stored = inbox_rows(duban)
    assert stored == {"done": 1 + 20 + 5}, stored
    await admin.expect("磁盘空间已恢复")
    await duban.settle()
    assert sum("磁盘已满" in m.text for m in admin.bot_messages) == 1
    for task in runtime._tasks:
        assert not task.done()
    db = duban.db()
    try:
        assert db.execute("SELECT count(*) FROM outbox WHERE status != 'sent'").fetchone()[0] == 0
    finally:
        db.close()


async def test_message_sent_while_disk_is_full_waits_at_telegram(duban: Duban) -> None:
    """A message that arrives while the disk is full is left with Telegram (not confirmed),
    and is answered once there is room."""
    runtime = duban.runtime
    assert runtime is not None
    phone = duban.phone(8300, "路人")
    await runtime.store.run_alone(fill)
    bot = duban.sandbox.state.bot_for_token(phone.bot.token)
    await phone.send(LONG)
    await asyncio.sleep(2.5)
    assert [u["update"]["update_id"] for u in bot.updates], "Telegram still holds the message"
    assert inbox_rows(duban) == {}
    await runtime.store.run(make_room)
    await until_stored(duban, 1)
    await phone.expect("仅限受邀人员", within=15)
    await duban.settle(10)
    assert inbox_rows(duban) == {"done": 1}
