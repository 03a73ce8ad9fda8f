"""Fixtures: a sandbox on a free port (strict mode) and PTB applications pointed at it."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Callable

import pytest

from sandbox.server import Sandbox
from sandbox.state import SandboxState
from sandbox.testing import AnyApplication, make_application

# httpx logs every URL, and the URL holds the token.
logging.getLogger("httpx").setLevel(logging.WARNING)


@pytest.fixture
async def sandbox() -> AsyncIterator[Sandbox]:
    """A running sandbox in strict mode (unknown parameters refused), rate limits on."""
    server = Sandbox(SandboxState(), strict=True)
    await server.start("127.0.0.1", 0)
    try:
        yield server
    finally:
        await server.stop()


@pytest.fixture
def app_factory(sandbox: Sandbox) -> Callable[..., AnyApplication]:
    """Build PTB applications against the running sandbox: ``app_factory(token=None)``."""
    return lambda token=None: make_application(sandbox, token)
