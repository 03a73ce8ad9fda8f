"""Baseline: a bare python-telegram-bot echo bot through the sandbox, many phones at once.

Later benchmarks divide their numbers by this baseline (same process, same machine), so
they measure what the project adds, not how fast this machine is. Flood control is off:
the point is the cost of the HTTP round trips and PTB's update processing.

Run: ``.venv/bin/python -m bench.bench_echo`` — prints one JSON line.
"""

from __future__ import annotations

import asyncio
import json
import logging
import re
import statistics
import time
from typing import Any

from telegram import Update
from telegram.ext import ContextTypes, MessageHandler, filters

from sandbox.phones import Phone
from sandbox.server import Sandbox
from sandbox.state import SandboxState
from sandbox.testing import make_application, polling


async def echo(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Repeat the text: the least work a bot can do per update."""
    assert update.message is not None and update.message.text is not None
    await update.message.reply_text(update.message.text)


async def converse(phone: Phone, per_phone: int, latencies: list[float]) -> None:
    """Send, wait for the echo, repeat — one user typing as fast as replies come."""
    for index in range(per_phone):
        text = f"echo {phone.user_id} {index}"
        started = time.perf_counter()
        await phone.send(text)
        await phone.expect(re.compile(f"^{re.escape(text)}$"), within=30)
        latencies.append(time.perf_counter() - started)


async def run_echo_baseline(n_phones: int = 50, per_phone: int = 20) -> dict[str, Any]:
    """Run the echo baseline and return its figures (messages/s, latency percentiles)."""
    sandbox = Sandbox(SandboxState(), rate_limits=False)
    await sandbox.start("127.0.0.1", 0)
    try:
        app = make_application(sandbox)
        app.add_handler(MessageHandler(filters.TEXT & ~filters.COMMAND, echo))
        phones = [
            sandbox.phone(user_id=900_000 + n, name=f"用户{n}", language="zh")
            for n in range(n_phones)
        ]
        latencies: list[float] = []
        async with polling(app):
            started = time.perf_counter()
            await asyncio.gather(*(converse(phone, per_phone, latencies) for phone in phones))
            elapsed = time.perf_counter() - started
        calls = sandbox.state.calls
    finally:
        await sandbox.stop()
    ordered = sorted(latencies)
    return {
        "benchmark": "echo_baseline",
        "phones": n_phones,
        "per_phone": per_phone,
        "messages": len(latencies),
        "seconds": round(elapsed, 3),
        "messages_per_s": round(len(latencies) / elapsed, 1),
        "p50_ms": round(statistics.median(ordered) * 1000, 1),
        "p95_ms": round(ordered[int(len(ordered) * 0.95) - 1] * 1000, 1),
        "max_ms": round(ordered[-1] * 1000, 1),
        "bot_api_calls": len(calls),
        "send_message_calls": sum(1 for c in calls if c["method"] == "sendMessage"),
        # PTB's last getUpdates at shutdown ends the pending long poll with 409; not an error.
        "send_errors": sum(1 for c in calls if c["method"] == "sendMessage" and c["status"] != 200),
    }


def main() -> None:
    """Print the baseline as one JSON line."""
    logging.getLogger("httpx").setLevel(logging.WARNING)
    print(json.dumps(asyncio.run(run_echo_baseline())))


if __name__ == "__main__":
    main()
