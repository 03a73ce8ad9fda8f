"""How many updates a plain python-telegram-bot bot loses when it is killed mid-stream.

    python -m bench.bare_storm [--messages 1000] [--kills 20]

Scripted phones send texts to ``bench/bare_bot.py`` (a bot written the way PTB's examples
teach, with ``run_polling``) while it is killed with SIGKILL at random instants and
restarted; afterwards the texts it recorded are counted. Prints one JSON line.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import sqlite3
import sys
import tempfile
from pathlib import Path

from sandbox.server import Sandbox
from sandbox.state import SandboxState
from tests.processes import BotProcess, kill_at_random

TOKEN = "515151:" + "B" * 35


async def storm(messages: int, kills: int, phones: int = 10) -> dict[str, int]:
    sandbox = Sandbox(SandboxState(), rate_limits=False)
    sandbox.latency = 0.05  # a network round trip, as in the Duban storm test
    await sandbox.start("127.0.0.1", 0)
    workdir = Path(tempfile.mkdtemp(prefix="bare-storm-"))
    db_path = workdir / "bare.sqlite"
    bot = BotProcess(
        {"TELEGRAM_BOT_TOKEN": TOKEN, "TELEGRAM_API_URL": sandbox.url},
        workdir / "bot.log",
        [sys.executable, "-m", "bench.bare_bot", str(db_path)],
    )
    bot.start()
    try:
        senders = [
            sandbox.phone(user_id=7000 + i, name=f"phone {i}", token=TOKEN) for i in range(phones)
        ]
        per_phone = messages // phones
        between = (1.0, 3.0)  # a bot needs about a second to start polling again
        pace = kills * sum(between) / 2 / per_phone  # spread the texts over the storm

        async def send_all(index: int) -> None:
            for n in range(per_phone):
                if n % 4 == 3:  # every fourth a captioned photo, as in the Duban storm
                    await senders[index].send_photo(caption=f"storm {index}-{n}")
                else:
                    await senders[index].send(f"storm {index}-{n}")
                await asyncio.sleep(pace)

        killer = asyncio.create_task(kill_at_random(bot, kills, between=between))
        await asyncio.gather(*(send_all(i) for i in range(phones)))
        await killer
        texts = await _drained(db_path)
        sent = per_phone * phones
        distinct = len(set(texts))
        return {
            "sent": sent,
            "recorded": distinct,
            "lost": sent - distinct,
            "duplicates": len(texts) - distinct,
            "kills": bot.kills,
        }
    finally:
        bot.stop()
        await sandbox.stop()


async def _drained(db_path: Path, quiet_seconds: float = 3.0) -> list[str]:
    """The texts recorded once the last run has stopped recording new ones."""
    last: list[str] = []
    while True:
        await asyncio.sleep(quiet_seconds)
        db = sqlite3.connect(db_path)
        texts = [row[0] for row in db.execute("SELECT text FROM received")]
        db.close()
        if len(texts) == len(last):
            return texts
        last = texts


def main() -> None:
    # A killed bot's half-open connections are expected here, not news.
    logging.getLogger("aiohttp.server").setLevel(logging.CRITICAL)
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--messages", type=int, default=1000)
    parser.add_argument("--kills", type=int, default=20)
    args = parser.parse_args()
    print(json.dumps({"bare_ptb_storm": asyncio.run(storm(args.messages, args.kills))}))


if __name__ == "__main__":
    main()
