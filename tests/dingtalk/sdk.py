"""The official DingTalk SDK aimed at the stand-in, for the tests in this folder.

``dingtalk_stream`` reads DINGTALK_OPENAPI_ENDPOINT once, when it is imported
(utils.py; stream.py builds OPEN_CONNECTION_API from it as a class attribute). So this
file picks a free port, sets the variable, and only then imports the SDK; every test's
stand-in listens on that port. Nothing else in the test process imports the SDK first
(checked below, so a change that does fails here rather than calling DingTalk).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import socket
import sys
from collections.abc import AsyncIterator


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


assert "dingtalk_stream" not in sys.modules, (
    "dingtalk_stream was imported before its endpoint was set"
)
PORT = _free_port()
os.environ["DINGTALK_OPENAPI_ENDPOINT"] = f"http://127.0.0.1:{PORT}"

import dingtalk_stream  # noqa: E402  (after the endpoint is set: the SDK reads it at import)

from sandbox.dingtalk.server import DingTalkStandIn  # noqa: E402

assert dingtalk_stream.DingTalkStreamClient.OPEN_CONNECTION_API.startswith(
    f"http://127.0.0.1:{PORT}/"
)


def quiet_sdk_loggers() -> None:
    """The SDK sets its loggers to INFO on every handler it makes and logs the ticket: WARNING."""
    for name in ("dingtalk_stream", "dingtalk_stream.client", "dingtalk_stream.handler"):
        logging.getLogger(name).setLevel(logging.WARNING)


def sdk_client(
    standin: DingTalkStandIn, secret: str | None = None
) -> dingtalk_stream.DingTalkStreamClient:
    """The official Stream client with the stand-in app's credentials, loggers quiet."""
    credential = dingtalk_stream.Credential(
        standin.state.client_id, secret if secret is not None else standin.state.client_secret
    )
    client = dingtalk_stream.DingTalkStreamClient(
        credential, logger=logging.getLogger("dingtalk_stream.client")
    )
    quiet_sdk_loggers()
    return client


@contextlib.asynccontextmanager
async def streaming(
    client: dingtalk_stream.DingTalkStreamClient, standin: DingTalkStandIn
) -> AsyncIterator[None]:
    """Run ``client.start()`` for the block, once it is connected to the stand-in.

    The SDK catches CancelledError inside its loop and sleeps 10 s before reconnecting, so
    one cancel does not stop it; it is cancelled until it is done.
    """
    quiet_sdk_loggers()
    task = asyncio.get_running_loop().create_task(client.start())
    try:
        deadline = asyncio.get_running_loop().time() + 5
        while standin.connections() == 0:
            assert not task.done(), "the SDK client stopped before connecting"
            assert asyncio.get_running_loop().time() < deadline, "the SDK client never connected"
            await asyncio.sleep(0.02)
        yield
    finally:
        while not task.done():
            task.cancel()
            await asyncio.wait([task], timeout=0.1)
