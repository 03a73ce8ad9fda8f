"""CPU per Bot API call: python-telegram-bot's httpx request ÷ Duban's aiohttp request.

    python -m bench.bench_http

Both make the same 2 000 ``getMe`` calls through python-telegram-bot's ``BaseRequest.post``
(two in flight, as Duban's sender has to a nearby server) to the sandbox in this process,
taking turns three times; the CPU time of the process per call includes the sandbox's
side, which is the same for both. Prints one JSON line; ``ratio`` is aiohttp ÷ httpx.
"""

from __future__ import annotations

import asyncio
import json
import logging
import resource
import statistics

from telegram.request import BaseRequest, HTTPXRequest

from bot.platforms.telegram.transport import AiohttpRequest
from sandbox.server import Sandbox
from sandbox.state import SandboxState
from tests.harness import TOKEN

CALLS = 2000
IN_FLIGHT = 2
ROUNDS = 3


def _cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


async def _cpu_per_call(request: BaseRequest, url: str) -> float:
    """Microseconds of CPU per call."""
    slots = asyncio.Semaphore(IN_FLIGHT)

    async def call() -> None:
        async with slots:
            await request.post(url)

    await request.initialize()
    try:
        await call()  # the first connection
        started = _cpu_seconds()
        await asyncio.gather(*(call() for _ in range(CALLS)))
        return (_cpu_seconds() - started) / CALLS * 1e6
    finally:
        await request.shutdown()


async def run() -> dict[str, object]:
    sandbox = Sandbox(SandboxState(), rate_limits=False)
    await sandbox.start("127.0.0.1", 0)
    url = f"{sandbox.url}/bot{TOKEN}/getMe"
    try:
        httpx_us, aiohttp_us = [], []
        for _ in range(ROUNDS):
            httpx_us.append(await _cpu_per_call(HTTPXRequest(connection_pool_size=8), url))
            aiohttp_us.append(await _cpu_per_call(AiohttpRequest(connection_pool_size=8), url))
    finally:
        await sandbox.stop()
    ratios = [a / h for a, h in zip(aiohttp_us, httpx_us, strict=True)]
    return {
        "bench": "http",
        "calls": CALLS,
        "httpx_cpu_us_per_call": round(statistics.median(httpx_us)),
        "aiohttp_cpu_us_per_call": round(statistics.median(aiohttp_us)),
        "ratio": round(statistics.median(ratios), 2),
        "ratios": [round(r, 2) for r in ratios],
    }


def main() -> None:
    logging.getLogger("httpx").setLevel(logging.WARNING)
    print(json.dumps(asyncio.run(run())))


if __name__ == "__main__":
    main()
