"""Fixtures shared by the scenario tests: a sandbox and Duban running against it.

A module marked ``pytestmark = pytest.mark.both_platforms`` runs each test twice, its people
on Telegram and then on DingTalk (``platform``: the bot serves both front-ends, and
``duban.register`` gives DingTalk phones, tests/dingtalk/scenario_phone.py). A test that a
DingTalk person cannot run is marked ``telegram_only(reason)``: the reason is the README's
✗ in the table of features by platform.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from bot.clock import FakeClock
from sandbox.dingtalk.server import DingTalkStandIn
from sandbox.server import Sandbox
from sandbox.state import SandboxState
from tests.dingtalk.sdk import PORT  # aims the DingTalk SDK at the stand-ins' port
from tests.harness import Duban, make_settings, running, with_dingtalk

PLATFORMS = ("telegram", "dingtalk")

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


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    """A test of a ``both_platforms`` module runs once per platform, unless it is
    ``telegram_only``."""
    if "platform" not in metafunc.fixturenames or "platform" in metafunc.definition.keywords:
        return
    if _parametrises_platform(metafunc):
        return
    if metafunc.definition.get_closest_marker("telegram_only") is not None:
        return
    if metafunc.definition.get_closest_marker("both_platforms") is not None:
        metafunc.parametrize("platform", PLATFORMS, indirect=True)


def _parametrises_platform(metafunc: pytest.Metafunc) -> bool:
    """The test says its ``platform`` itself (``tests.harness.ON_BOTH_FRONT_ENDS``: people on
    both platforms at once, in the one deployment that serves both)."""
    for mark in metafunc.definition.iter_markers("parametrize"):
        names = mark.args[0] if mark.args else mark.kwargs.get("argnames", "")
        if isinstance(names, str):
            names = names.split(",")
        if "platform" in (name.strip() for name in names):
            return True
    return False


@pytest.fixture
def platform(request: pytest.FixtureRequest) -> str:
    """Where the test's people are: Telegram unless the test runs on both platforms."""
    return getattr(request, "param", "telegram")


@pytest.fixture
def standin() -> Iterator[DingTalkStandIn]:
    """A DingTalk stand-in on the port the SDK was pointed at; short event-ACK timeout.

    The SDK is aimed there again first: a bot started earlier in this process (the demo's,
    with a stand-in of its own) aims the SDK's class attribute at its own stand-in."""
    from bot.platforms.dingtalk.stream import aim_sdk

    aim_sdk(f"http://127.0.0.1:{PORT}")
    server = DingTalkStandIn(port=PORT, event_ack_timeout=0.5, disconnect_grace=0.2)
    server.start()
    try:
        yield server
    finally:
        server.stop()


def _deployment(
    request: pytest.FixtureRequest, sandbox: Sandbox, tmp_path: Path, clock: FakeClock | None
) -> Duban:
    """Duban on Telegram, or on both front-ends with its people on DingTalk."""
    if request.getfixturevalue("platform") == "telegram":
        return Duban(sandbox, make_settings(sandbox, tmp_path), clock)
    standin = request.getfixturevalue("standin")
    return Duban(sandbox, with_dingtalk(sandbox, standin, tmp_path), clock, standin=standin)


@pytest.fixture
async def duban(
    request: pytest.FixtureRequest, bot_sandbox: Sandbox, tmp_path: Path, platform: str
) -> AsyncIterator[Duban]:
    """Duban running in-process against the sandbox, on a fresh database."""
    async with running(_deployment(request, bot_sandbox, tmp_path, None)) as bot:
        yield bot


@pytest.fixture
async def clocked_duban(
    request: pytest.FixtureRequest, bot_sandbox: Sandbox, tmp_path: Path, platform: str
) -> AsyncIterator[Duban]:
    """Duban on a FakeClock that starts at the real time and moves only when a test says
    (``duban.clock.advance(...)``); messages queued for later wait for the clock too."""
    clock = FakeClock(datetime.now(UTC))
    async with running(_deployment(request, bot_sandbox, tmp_path, clock)) as bot:
        yield bot


# Monday 3 June 2024, 08:00 in Shanghai: before the daily push, in a week with a holiday
# (Dragon Boat Festival, Monday 10 June).
CLOCK_START = datetime(2024, 6, 3, 8, 0, tzinfo=ZoneInfo("Asia/Shanghai"))


@pytest.fixture
async def duban_clock(
    request: pytest.FixtureRequest, bot_sandbox: Sandbox, tmp_path: Path, platform: str
) -> AsyncIterator[Duban]:
    """Duban on a FakeClock (``duban.travel``, ``duban.sweep``) for time-driven scenarios."""
    clock = FakeClock(CLOCK_START)
    async with running(_deployment(request, bot_sandbox, tmp_path, clock)) as bot:
        yield bot
