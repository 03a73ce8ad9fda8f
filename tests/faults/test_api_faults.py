"""Telegram misbehaving: the bot loses nothing, does not spin, and says what happened."""

from __future__ import annotations

import asyncio
import logging

import pytest

from bot.domain.lifecycle import Role
from tests.harness import Duban


async def test_sandbox_restart_loses_nothing_and_backs_off(
    duban: Duban, caplog: pytest.LogCaptureFixture
) -> None:
    """While the Bot API is unreachable the bot retries calmly; what people sent meanwhile
    is answered once it is back."""
    inspector = await duban.register(7101, "王督查", Role.INSPECTOR)
    await duban.settle()
    caplog.set_level(logging.WARNING, logger="bot.runtime.updates")

    await duban.sandbox.stop()
    await inspector.send("/help")  # queued at Telegram while the bot cannot reach it
    await asyncio.sleep(3)
    failures = [r for r in caplog.records if "getUpdates failed" in r.getMessage()]
    assert 1 <= len(failures) <= 4, "the poller should back off, not spin"
    await duban.sandbox.start("127.0.0.1", None)  # same port, same state

    await inspector.expect("可用命令", within=40)


async def test_getupdates_errors_are_retried(duban: Duban) -> None:
    """500 and 502 answers to getUpdates delay updates; they do not lose them."""
    inspector = await duban.register(7102, "李督查", Role.INSPECTOR)
    failures = [
        duban.sandbox.faults.inject("getUpdates", times=1, status=500),
        duban.sandbox.faults.inject("getUpdates", times=1, status=502),
    ]
    # The poll already waiting at the sandbox brings the first /help; the next two polls
    # meet the faults, so the second /help waits at Telegram until they are over.
    await inspector.send("/help")
    await inspector.expect("可用命令", within=20)
    await inspector.send("/help")
    await inspector.expect("可用命令", within=20)
    assert [fault.fired for fault in failures] == [1, 1]
    helps = [m for m in inspector.bot_messages if m.text.startswith("可用命令")]
    assert len(helps) == 2


async def test_reply_whose_send_timed_out_is_sent_again(duban: Duban) -> None:
    """A send that hangs past the client's timeout is retried: the person gets the reply
    (twice only if Telegram had delivered the hung one, the one permitted duplicate)."""
    inspector = await duban.register(7103, "赵督查", Role.INSPECTOR)
    await duban.settle()
    hang = duban.sandbox.faults.inject(
        "sendMessage", times=1, hang=True, hang_seconds=7, delivered=False
    )
    await inspector.send("/help")
    await inspector.expect("可用命令", within=30)
    await duban.settle(seconds=20)
    helps = [m for m in inspector.bot_messages if m.text.startswith("可用命令")]
    assert hang.fired == 1
    assert len(helps) == 1  # not delivered by the hung call: exactly one


async def test_rate_limited_reply_waits_and_arrives(duban: Duban) -> None:
    """A 429 with retry_after makes the bot wait that long, then the reply arrives."""
    inspector = await duban.register(7104, "钱督查", Role.INSPECTOR)
    await duban.settle()
    limit = duban.sandbox.faults.inject("sendMessage", times=1, status=429, retry_after=1)
    await inspector.send("/help")
    await inspector.expect("可用命令", within=20)
    assert limit.fired == 1
