"""The DingTalk stand-in on its own thread, on the port the SDK was aimed at (sdk.py)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from sandbox.dingtalk.server import DingTalkStandIn
from tests.dingtalk.sdk import PORT


@pytest.fixture
def standin() -> Iterator[DingTalkStandIn]:
    """A DingTalk stand-in on the port the SDK was pointed at; short event-ACK timeout.

    The SDK is aimed there again first: a bot started earlier in this process (the demo's,
    with a stand-in of its own) aims the SDK's class attribute at its own stand-in."""
    from bot.platforms.dingtalk.stream import aim_sdk  # after sdk.py set the endpoint

    aim_sdk(f"http://127.0.0.1:{PORT}")
    server = DingTalkStandIn(port=PORT, event_ack_timeout=0.5, disconnect_grace=0.2)
    server.start()
    try:
        yield server
    finally:
        server.stop()
