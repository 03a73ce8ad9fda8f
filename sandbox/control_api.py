"""placeholder"""

from __future__ import annotations

from typing import Any

from aiohttp import web


def add_control_routes(app: web.Application, sandbox: Any) -> None:
    """Mount the user-side control API under ``/sandbox/``."""
