"""Running a python-telegram-bot Application against the sandbox, for tests and benchmarks.

``make_application`` points PTB's real HTTP stack at the sandbox; ``polling`` does what
``run_polling`` does (initialize, start, poll; then stop and shut down) without blocking,
so a test can drive phones while the bot runs.
"""

from __future__ import annotations

import contextlib
import io
import json
from collections.abc import AsyncIterator
from typing import Any

import aiohttp
from telegram.ext import Application, ApplicationBuilder

from sandbox.server import Sandbox

AnyApplication = Application[Any, Any, Any, Any, Any, Any]


def application_builder(
    sandbox: Sandbox, token: str | None = None
) -> ApplicationBuilder[Any, Any, Any, Any, Any, Any]:
    """An ApplicationBuilder with token and URLs set; add handlers' needs, then ``build()``."""
    return (
        ApplicationBuilder()
        .token(token or sandbox.token)
        .base_url(f"{sandbox.url}/bot")
        .base_file_url(f"{sandbox.url}/file/bot")
    )


def make_application(sandbox: Sandbox, token: str | None = None) -> AnyApplication:
    """A python-telegram-bot Application whose HTTP calls go to the sandbox."""
    return application_builder(sandbox, token).build()


@contextlib.asynccontextmanager
async def polling(app: AnyApplication, *, poll_timeout: int = 1) -> AsyncIterator[AnyApplication]:
    """Run ``app`` like ``run_polling`` for the duration of the block."""
    await app.initialize()
    await app.start()
    assert app.updater is not None
    await app.updater.start_polling(timeout=poll_timeout)
    try:
        yield app
    finally:
        await app.updater.stop()
        await app.stop()
        await app.shutdown()


async def raw_call(
    sandbox: Sandbox,
    method: str,
    params: dict[str, Any] | None = None,
    *,
    files: dict[str, tuple[str, bytes, str]] | None = None,
    token: str | None = None,
) -> tuple[int, dict[str, Any]]:
    """One Bot API call encoded as PTB encodes it (non-strings JSON-encoded in a form).

    Returns (HTTP status, decoded JSON body) so tests can check Telegram's exact answers.
    ``files`` maps a field to (file name, bytes, content type) and makes it multipart.
    """
    form = aiohttp.FormData()
    for key, value in (params or {}).items():
        form.add_field(key, value if isinstance(value, str) else json.dumps(value))
    for key, (file_name, data, content_type) in (files or {}).items():
        form.add_field(key, io.BytesIO(data), filename=file_name, content_type=content_type)
    url = f"{sandbox.url}/bot{token or sandbox.token}/{method}"
    async with aiohttp.ClientSession() as session, session.post(url, data=form) as response:
        return response.status, await response.json(content_type=None)
