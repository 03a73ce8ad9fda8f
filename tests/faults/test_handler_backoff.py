"""A failing handler is tried again after a growing pause, kept in the inbox row.

Before, a failure was retried three times within a second and then set aside. The clock is
a FakeClock: a retry happens only when it has moved past the pause, so each wait is seen.
"""

from __future__ import annotations

import asyncio
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.domain.lifecycle import Role
from bot.registry import ACTIONS
from storage import inbox
from storage.db import open_database
from tests.harness import Duban


def last_update_id(duban: Duban) -> int:
    db = duban.db()
    try:
        return db.execute("SELECT max(update_id) FROM inbox").fetchone()[0]
    finally:
        db.close()


async def test_handler_failing_twice_is_retried_after_pauses_and_applied_once(
    clocked_duban: Duban, monkeypatch: pytest.MonkeyPatch
) -> None:
    """/help fails twice, then works: the second try waits 1 s and the third 5 s of the
    bot's clock (also across a restart), and the person gets exactly one answer."""
    duban = clocked_duban
    assert duban.clock is not None
    inspector = await duban.register(7301, "王督查", Role.INSPECTOR)
    await duban.settle()
    calls: list[int] = []
    declared = ACTIONS.commands["help"]
    real_help = declared.fn

    def flaky_help(work) -> None:
        calls.append(1)
        if len(calls) <= 2:
            raise RuntimeError("the help text is not ready")
        real_help(work)

    monkeypatch.setitem(ACTIONS.commands, "help", replace(declared, fn=flaky_help))
    await inspector.send("/help")
    await duban.received(2)  # the /start and the /help
    update_id = last_update_id(duban)
    await duban.until_inbox_row(update_id, ("pending", 1), within=15)

    # Not tried again while the pause lasts, not even by a restarted bot.
    await asyncio.sleep(1.5)
    await duban.restart()
    await asyncio.sleep(1.5)
    assert duban.inbox_row(update_id) == ("pending", 1) and len(calls) == 1

    duban.clock.advance(timedelta(seconds=1))
    await duban.until_inbox_row(update_id, ("pending", 2), within=15)
    assert len(calls) == 2
    duban.clock.advance(timedelta(seconds=4))  # 4 of the 5 s after the second failure
    await asyncio.sleep(1.5)
    assert len(calls) == 2, "tried again before its pause was over"

    duban.clock.advance(timedelta(seconds=1))
    await duban.until_inbox_row(update_id, ("done", 2), within=15)
    await inspector.expect("可用命令", within=10)
    await duban.settle()
    assert len(calls) == 3
    assert sum(m.text.startswith("可用命令") for m in inspector.bot_messages) == 1
    assert not any("抱歉" in m.text for m in inspector.bot_messages), "no apology: it worked"


def test_failed_row_is_due_exactly_when_its_pause_ends(tmp_path: Path) -> None:
    """The inbox hands a failed row out again at the moment its pause ends, not a moment
    before, and not never because of rounding (a fake clock lands on that exact moment)."""
    db = open_database(tmp_path / "duban.sqlite")
    failed_at = datetime(2024, 6, 3, 1, 2, 3, 456789, tzinfo=UTC)
    inbox.save_updates(db, [{"update_id": 1, "message": {"text": "hi"}}], failed_at)
    for attempts, pause in ((1, 1), (2, 5), (3, 30)):
        assert inbox.mark_failed(db, 1, "RuntimeError()", failed_at) == "pending"
        due = failed_at + timedelta(seconds=pause)
        assert inbox.next_retry(db, 1) == due
        early = due - timedelta(microseconds=1000)
        assert inbox.pending(db, 10, frozenset(), early)[1] == [], f"early after {attempts}"
        assert [u for u, _ in inbox.pending(db, 10, frozenset(), due)[1]] == [1]
    assert inbox.mark_failed(db, 1, "RuntimeError()", failed_at) == "set_aside"
    assert inbox.pending(db, 10, frozenset(), failed_at + timedelta(days=1))[1] == []
    db.close()
