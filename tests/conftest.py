"""Fixtures shared by the scenario tests: a sandbox and Duban running against it."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from bot.clock import FakeClock
from sandbox.server import Sandbox
from sandbox.state import SandboxState
from tests.harness import Duban, make_settings, running

# httpx logs every request URL, and Bot API URLs hold the token.
logging.getLogger("httpx").setLevel(logging.WARNING)


@pytest.fixture
async def bot_sandbox() -> AsyncIterator[Sandbox]:
    """A running sandbox in strict mode, with Telegram's rate limits."""
    server = Sandbox(SandboxState(), strict=True)
    await server.start("127.0.0.1", 0)
    try:
        yield server
    finally:
        await server.stop()


@pytest.fixture
async def duban(bot_sandbox: Sandbox, tmp_path: Path) -> AsyncIterator[Duban]:
    """Duban running in-process against the sandbox, on a fresh database."""
    async with running(Duban(bot_sandbox, make_settings(bot_sandbox, tmp_path))) as bot:
        yield bot


@pytest.fixture
async def clocked_duban(bot_sandbox: Sandbox, tmp_path: Path) -> AsyncIterator[Duban]:
    """Duban on a FakeClock that starts at the real time and moves only when a test says
    (``duban.clock.advance(...)``); messages queued for later wait for the clock too."""
    clock = FakeClock(datetime.now(UTC))
    async with running(Duban(bot_sandbox, make_settings(bot_sandbox, tmp_path), clock)) as bot:
        yield bot


# Monday 3 June 2024, 08:00 in Shanghai: before the daily push, in a week with a holiday
# (Dragon Boat Festival, Monday 10 June).
CLOCK_START = datetime(2024, 6, 3, 8, 0, tzinfo=ZoneInfo("Asia/Shanghai"))


@pytest.fixture
async def duban_clock(bot_sandbox: Sandbox, tmp_path: Path) -> AsyncIterator[Duban]:
    """Duban on a FakeClock (``duban.travel``, ``duban.sweep``) for time-driven scenarios."""
    clock = FakeClock(CLOCK_START)
    async with running(Duban(bot_sandbox, make_settings(bot_sandbox, tmp_path), clock)) as bot:
        yield bot
