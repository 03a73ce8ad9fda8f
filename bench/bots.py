"""The bots of the visit benchmark, each run as its own process, as a bot is deployed.

    python -m bench.bots echo          # bare python-telegram-bot: run_polling and an echo
    python -m bench.bots echo-aiohttp  # the same echo on Duban's HTTP client
    python -m bench.bots duban         # Duban, as `duban run` starts it, flood limits off
    python -m bench.bots duban-office-hours  # Duban with flood limits, its clock moved into
                                             # office hours (the demo's clock), so its first
                                             # reminder pass runs whatever the hour

Each reads TELEGRAM_BOT_TOKEN and TELEGRAM_API_URL (Duban the rest of its settings too)
from the environment, and runs until SIGTERM.
"""

from __future__ import annotations

import asyncio
import logging
import os
import sys

from telegram.ext import Application, MessageHandler, filters
from telegram.request import BaseRequest

from bench.bench_echo import echo


def run_echo(request: BaseRequest | None = None) -> None:
    api = os.environ["TELEGRAM_API_URL"].rstrip("/")
    builder = (
        Application.builder()
        .token(os.environ["TELEGRAM_BOT_TOKEN"])
        .base_url(f"{api}/bot")
        .base_file_url(f"{api}/file/bot")
    )
    if request is not None:
        builder = builder.request(request)
    application = builder.build()
    application.add_handler(MessageHandler(filters.TEXT & ~filters.COMMAND, echo))
    application.run_polling(poll_interval=0.0, timeout=1)


def run_echo_aiohttp() -> None:
    from bot.platforms.telegram.transport import AiohttpRequest

    run_echo(AiohttpRequest())


def run_duban() -> None:
    # Imported here: the echo process holds python-telegram-bot and nothing of Duban's.
    from bot.config import load_settings
    from bot.logs import configure_logging
    from bot.runtime.startup import serve

    settings = load_settings()
    configure_logging(settings.token, logging.WARNING)
    asyncio.run(serve(settings, flood_limits=False))


def run_duban_office_hours() -> None:
    from datetime import UTC, datetime

    from bot.cli.demo import DemoClock, office_hours_offset
    from bot.config import load_settings
    from bot.logs import configure_logging
    from bot.runtime.startup import serve

    settings = load_settings()
    configure_logging(settings.token, logging.WARNING)
    clock = DemoClock(office_hours_offset(datetime.now(UTC)))
    asyncio.run(serve(settings, clock=clock))


if __name__ == "__main__":
    logging.basicConfig(level=logging.WARNING)
    {
        "echo": run_echo,
        "echo-aiohttp": run_echo_aiohttp,
        "duban": run_duban,
        "duban-office-hours": run_duban_office_hours,
    }[sys.argv[1]]()
