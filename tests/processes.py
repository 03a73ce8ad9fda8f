"""Bots as real subprocesses, to be killed with SIGKILL at awkward moments."""

from __future__ import annotations

import asyncio
import os
import random
import signal
import sqlite3
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


class BotProcess:
    """``python -m bot run`` (or any command) against the sandbox, restartable."""

    def __init__(self, env: dict[str, str], log_path: Path, command: Sequence[str] = ()):
        self.env = {**os.environ, **env, "PYTHONUNBUFFERED": "1"}
        self.log_path = log_path
        self.command = list(command) or [sys.executable, "-m", "bot", "run"]
        self.process: subprocess.Popen | None = None
        self.kills = 0

    def start(self) -> None:
        log = self.log_path.open("ab")
        self.process = subprocess.Popen(
            self.command, cwd=ROOT, env=self.env, stdout=log, stderr=subprocess.STDOUT
        )
        log.close()

    def kill(self) -> None:
        """SIGKILL: no shutdown code runs, exactly like a power cut."""
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGKILL)
            self.process.wait()
            self.kills += 1

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()

    def alive(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def log(self) -> str:
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""


def duban_process(
    api_url: str, database: Path, token: str, extra: dict[str, str] | None = None
) -> BotProcess:
    """``python -m bot run`` against the sandbox, on this database, logging beside it;
    ``extra`` settings on top (webhook mode's, for one)."""
    folder = database.parent
    return BotProcess(
        {
            "TELEGRAM_BOT_TOKEN": token,
            "TELEGRAM_API_URL": api_url,
            "DATABASE_PATH": str(database),
            "MEDIA_DIR": str(folder / "media"),
            "ADMIN_IDS": "",
            **(extra or {}),
        },
        folder / "bot.log",
    )


async def kill_at_random(
    bot: BotProcess, times: int, *, between: tuple[float, float] = (0.3, 1.5), seed: int = 7
) -> None:
    """Kill and restart the bot ``times`` times at random instants."""
    rng = random.Random(seed)
    for _ in range(times):
        await asyncio.sleep(rng.uniform(*between))
        bot.kill()
        await asyncio.sleep(rng.uniform(0.0, 0.3))
        bot.start()


def read_database(database: Path, sql: str, params: Sequence = ()) -> list[tuple]:
    """A query on the bot's database, read-only, beside the running (or killed) process."""
    db = sqlite3.connect(f"file:{database}?mode=ro", uri=True)
    try:
        return db.execute(sql, params).fetchall()
    finally:
        db.close()


def pending_work(database: Path) -> int:
    """Updates not yet processed, messages not yet sent and files not yet downloaded: a
    storm has settled when none is left."""
    return read_database(
        database,
        "SELECT (SELECT count(*) FROM inbox WHERE status = 'pending')"
        " + (SELECT count(*) FROM outbox WHERE status = 'pending')"
        " + (SELECT count(*) FROM evidence WHERE stored = 'pending')",
    )[0][0]
