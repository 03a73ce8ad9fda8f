"""A bot that cannot start closes what it had opened before it says so.

``duban run`` with an unreachable Bot API server (or a wrong token) fails at getMe, after
the database thread and the HTTP connection pools were opened. Under a service manager that
restarts it every few seconds, each failed start that left them open would pile up sockets
and threads until the process ran out of them.
"""

from __future__ import annotations

import gc
import socket
import threading
from pathlib import Path

import pytest
from telegram.error import NetworkError

from bot.platforms.telegram.transport import AiohttpRequest
from bot.runtime.startup import BotRuntime
from sandbox.server import Sandbox
from tests.harness import make_settings


def unused_url() -> str:
    """A local Bot API URL on which nothing listens: every connection is refused."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    return f"http://127.0.0.1:{port}/bot"


def database_threads() -> int:
    """Live Store threads (storage/db.py names each one "sqlite")."""
    return sum(thread.name == "sqlite" for thread in threading.enumerate())


def open_clients() -> list[AiohttpRequest]:
    """The bot's HTTP clients whose connection pool is open."""
    return [o for o in gc.get_objects() if isinstance(o, AiohttpRequest) and not o.closed]


async def test_failed_start_closes_http_clients_and_database(
    bot_sandbox: Sandbox, tmp_path: Path
) -> None:
    """getMe refused: start raises the network error, and afterwards no HTTP client of the
    bot is open and the database thread has ended, so a second attempt starts clean."""
    settings = make_settings(bot_sandbox, tmp_path, TELEGRAM_API_URL=unused_url())
    before, threads = open_clients(), database_threads()
    runtime = BotRuntime(settings)
    with pytest.raises(NetworkError):
        await runtime.start()
    assert open_clients() == before
    assert database_threads() == threads

    again = BotRuntime(make_settings(bot_sandbox, tmp_path))
    await again.start()
    try:
        assert again.resources.bot_username
    finally:
        await again.stop()
    assert open_clients() == before
    assert database_threads() == threads
