"""The builder process belongs to the running bot: a stopped bot leaves none behind.

Reports, exports and the weekly self-check run in a spawned worker process (bot/builders/
pool.py). A worker that outlived ``BotRuntime.stop`` would hold memory and open files after
a service restart, and keep the test process (or the service manager's unit) from exiting
cleanly; a pool left closed would refuse every export after the bot came back.
"""

from __future__ import annotations

import multiprocessing
import os
from datetime import UTC, datetime

from bot.domain.lifecycle import Role
from tests.harness import Duban, export_menu_for_town, last_document
from tests.report_seed import seed

WAIT = 30.0  # the first job of a bot spawns its builder process


def alive(pid: int) -> bool:
    """Whether a process with this id still exists (a finished, reaped one does not)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


async def export_town(duban: Duban, phone_id: int) -> None:
    """A leader exports 吴窑镇's items as a workbook and receives it."""
    leader = await duban.register(phone_id, "孙主任", Role.LEADER)
    await export_menu_for_town(leader, "吴窑镇")
    await leader.tap("📗 Excel 表格")
    await leader.expect("已导出 2 项（吴窑镇）", within=WAIT)
    await duban.settle(WAIT)
    assert last_document(leader)["file_name"].endswith(".xlsx")


async def test_stop_ends_the_builder_process_and_a_restart_builds_again(duban: Duban) -> None:
    """An export starts the bot's builder process; stopping the bot ends that process (none
    of its children is left running), and the bot started again exports as before, in a
    new builder process of its own."""
    db = duban.db()
    try:
        seed(db, datetime.now(UTC))
    finally:
        db.close()
    await export_town(duban, 6104)
    assert duban.runtime is not None
    first = await duban.runtime.resources.builder.run(os.getpid)
    assert first != os.getpid() and alive(first)
    assert first in {child.pid for child in multiprocessing.active_children()}

    await duban.stop()
    assert first not in {child.pid for child in multiprocessing.active_children()}
    assert not alive(first)

    await duban.start()
    await export_town(duban, 6105)
    second = await duban.runtime.resources.builder.run(os.getpid)
    assert second not in (first, os.getpid()) and alive(second)


async def test_a_bot_that_built_nothing_starts_no_builder_process(duban: Duban) -> None:
    """The builder process is spawned on the first build, not at start-up: a bot that is
    only chatting does not pay for a second Python process with matplotlib loaded."""
    assert duban.runtime is not None
    before = {child.pid for child in multiprocessing.active_children()}
    await duban.admin().send("/help")
    await duban.settle(2.0)
    assert not duban.runtime.resources.builder.started
    assert {child.pid for child in multiprocessing.active_children()} == before
