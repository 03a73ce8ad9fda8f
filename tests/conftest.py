"""Fixtures shared by the scenario tests: a sandbox and Duban running against it."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from sandbox.server import Sandbox
from sandbox.state import SandboxState
from tests.harness import Duban, make_settings

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
    bot = Duban(bot_sandbox, make_settings(bot_sandbox, tmp_path))
    await bot.start()
    try:
        yield bot
    finally:
        for phone in bot.phones:
            phone.close()
        await bot.stop()
