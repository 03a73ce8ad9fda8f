"""The DingTalk stand-in on its own thread, on the port the SDK was aimed at (sdk.py)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from sandbox.dingtalk.server import DingTalkStandIn
from tests.dingtalk.sdk import PORT


@pytest.fixture
def standin() -> Iterator[DingTalkStandIn]:
    """A DingTalk stand-in on the port the SDK was pointed at; short event-ACK timeout."""
    server = DingTalkStandIn(port=PORT, event_ack_timeout=0.5, disconnect_grace=0.2)
    server.start()
    try:
        yield server
    finally:
        server.stop()
