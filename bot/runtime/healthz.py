"""GET /healthz on a local address (HEALTH_LISTEN), for a container orchestrator or a
monitoring probe that cannot run ``duban status --health-check`` inside the container.

200 when every figure a restart of the bot can mend (bot/domain/health.py, RESTART_MENDS)
is within its threshold, 503 otherwise, each with a small JSON of all the figures. A backup
overdue or a disk filling up is in the JSON but never makes the answer 503: a restart would
not mend it, and an orchestrator restarting the bot over it would only interrupt its work.

The figures are read exactly as ``duban status`` reads them, on a read-only connection of
their own in a worker thread, so a probe never waits behind the bot's writes nor makes them
wait. The server is a few lines of asyncio, not a web framework: one route, one request
per connection, anything else answered 404 or 405; it is meant for localhost or the
container's network, not the internet.
"""

from __future__ import annotations

import asyncio
import json
import logging

from bot.cli.health import read_figures
from bot.clock import Clock
from bot.config import Settings

log = logging.getLogger(__name__)

READ_TIMEOUT = 5.0  # seconds a client has to send its request line and headers
MAX_HEADER_LINES = 100


class HealthEndpoint:
    """The /healthz server: ``start`` binds (failing loudly on an address in use), ``stop``
    closes it and the connections under way."""

    def __init__(self, settings: Settings, clock: Clock) -> None:
        assert settings.health_listen is not None
        self.settings = settings
        self.clock = clock
        self.host, self.port = settings.health_listen
        self.server: asyncio.Server | None = None

    async def start(self) -> None:
        self.server = await asyncio.start_server(self._serve, self.host, self.port)
        log.info("health endpoint listening on %s:%s/healthz", self.host, self.port)

    async def stop(self) -> None:
        if self.server is None:
            return
        self.server.close()
        await self.server.wait_closed()
        self.server = None

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            request = await asyncio.wait_for(_request_line(reader), READ_TIMEOUT)
            status, body = await self._answer(request)
            writer.write(_response(status, body))
            await writer.drain()
        except (TimeoutError, ConnectionError, ValueError):
            pass  # a client that said nothing usable, or left: nothing to answer
        finally:
            writer.close()

    async def _answer(self, request: tuple[str, str]) -> tuple[int, dict[str, object]]:
        method, path = request
        if path.split("?", 1)[0] != "/healthz":
            return 404, {"error": "not found"}
        if method != "GET":
            return 405, {"error": "method not allowed"}
        try:
            shown = await asyncio.to_thread(read_figures, self.settings, self.clock.now())
        except Exception:  # a disk gone, a folder unreadable: unhealthy, said in the log
            log.exception("health figures could not be read for /healthz")
            return 503, {"ok": False, "figures": []}
        healthy = all(figure.ok for figure in shown if figure.restart_mends)
        return (200 if healthy else 503), {
            "ok": healthy,
            "figures": [figure.as_json() for figure in shown],
        }


async def _request_line(reader: asyncio.StreamReader) -> tuple[str, str]:
    """The method and path of the request; its headers read and ignored."""
    first = (await reader.readline()).decode("latin-1").split()
    if len(first) != 3:
        raise ValueError("not an HTTP request line")
    for _ in range(MAX_HEADER_LINES):
        if (await reader.readline()).strip() == b"":
            break
    return first[0], first[1]


_REASONS = {200: "OK", 404: "Not Found", 405: "Method Not Allowed", 503: "Service Unavailable"}


def _response(status: int, body: dict[str, object]) -> bytes:
    data = json.dumps(body, ensure_ascii=False, default=str).encode()
    head = (
        f"HTTP/1.1 {status} {_REASONS[status]}\r\n"
        "Content-Type: application/json; charset=utf-8\r\n"
        f"Content-Length: {len(data)}\r\n"
        "Cache-Control: no-store\r\n"
        "Connection: close\r\n\r\n"
    )
    return head.encode() + data
