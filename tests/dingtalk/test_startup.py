"""One deployment on both front-ends: BotRuntime starts Telegram's poller and DingTalk's
stream side by side over one ledger, each platform's rows go to its own sender, and
stopping the bot stops both."""

from __future__ import annotations

import asyncio
import threading
from pathlib import Path

from sandbox.dingtalk.server import DingTalkStandIn
from sandbox.server import Sandbox
from tests.dingtalk.test_processor_scenarios import OFFICE
from tests.dingtalk.test_stream_standin import wait_until
from tests.harness import Duban, with_dingtalk


def stream_threads() -> int:
    return sum(1 for thread in threading.enumerate() if thread.name == "dingtalk-stream")


async def test_telegram_and_dingtalk_run_side_by_side_and_stop_together(
    bot_sandbox: Sandbox, standin: DingTalkStandIn, tmp_path: Path
) -> None:
    settings = with_dingtalk(bot_sandbox, standin, tmp_path)
    bot = Duban(bot_sandbox, settings)
    await bot.start()
    telegram_admin = bot.admin()
    try:
        await wait_until(lambda: standin.connections() == 1)
        await telegram_admin.send("/help")
        await telegram_admin.expect("可用命令")
        office = standin.phone(OFFICE, "办公室")
        await office.send("/help")
        await office.expect("可用命令")  # through DingTalk's sender, as markdown

        def dingtalk_rows() -> list[tuple[str, int]]:
            db = bot.db()
            try:
                return db.execute(
                    "SELECT status, attempts FROM outbox WHERE platform = 'dingtalk'"
                ).fetchall()
            finally:
                db.close()

        # The phone sees the message a moment before the sender records DingTalk's answer.
        await wait_until(lambda: dingtalk_rows() == [("sent", 1)])  # never tried on Telegram
    finally:
        telegram_admin.close()
        await bot.stop()
    assert stream_threads() == 0
    await wait_until(lambda: standin.connections() == 0)
    await asyncio.sleep(0.5)
    assert standin.connections() == 0  # nothing reconnects after the bot stopped
