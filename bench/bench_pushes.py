"""The morning push: one reminder each to 1 000 contacts, within Telegram's flood limits.

    python -m bench.bench_pushes

1 000 contacts, each of their own unit with one item due today, on a working day at 09:00.
The reminder pass runs once and queues 1 000 messages; the time until the last is
delivered through the sandbox — its flood limits ON (30 messages a second per bot, as
Telegram) — is divided by the floor those limits set, 1000 / 30 s. Goal: at most 1.10, and
no 429 answers. Prints one JSON line.
"""

from __future__ import annotations

import asyncio
import json
import logging
import shutil
import tempfile
import time
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from bot.clock import FakeClock
from bot.domain.audit import Origin
from bot.domain.items import ItemFields
from bot.domain.lifecycle import Role
from bot.runtime.startup import BotRuntime
from sandbox.limits import BOT_RATE_PER_S
from sandbox.server import Sandbox
from sandbox.state import SandboxState
from storage import ledger, people
from storage.db import connect, open_database
from tests.harness import TOKEN, make_settings

CONTACTS = 1000
GOAL = 1.10
TZ = ZoneInfo("Asia/Shanghai")
MORNING = datetime(2024, 6, 4, 9, 0, tzinfo=TZ)  # a Tuesday, a working day


def _seed(path: Path) -> None:
    db = open_database(path)
    origin = Origin.cli(MORNING - timedelta(days=30))
    ledger.ensure_period(db, "2024年度", 2024, origin)
    with db.atomic():
        ledger.create_items(
            db,
            [
                ItemFields(f"事项 {n}", unit=f"单位{n}", deadline=MORNING.date())
                for n in range(CONTACTS)
            ],
            "2024年度",
            origin,
        )
        for n in range(CONTACTS):
            invitation = people.create_invitation(
                db, role=Role.CONTACT, name=f"联络员{n}", unit=f"单位{n}", days=60, origin=origin
            )
            people.redeem_invitation(db, invitation, 700_000 + n, "zh", origin)
    db.close()


def _pending(path: Path) -> int:
    db = connect(path)
    try:
        return db.execute("SELECT count(*) FROM outbox WHERE status = 'pending'").fetchone()[0]
    finally:
        db.close()


async def measure() -> dict[str, object]:
    sandbox = Sandbox(SandboxState(), rate_limits=True)
    await sandbox.start("127.0.0.1", 0)
    folder = Path(tempfile.mkdtemp(prefix="bench-pushes-"))
    settings = make_settings(sandbox, folder, ADMIN_IDS="")
    _seed(settings.database_path)
    bot = sandbox.state.bot_for_token(TOKEN)
    for n in range(CONTACTS):  # each contact has started a chat with the bot (invitation)
        sandbox.state.add_user(700_000 + n, f"联络员{n}", language_code="zh")
        sandbox.state.private_chat(bot, 700_000 + n)
    runtime = BotRuntime(settings, FakeClock(MORNING))
    await runtime.start()
    try:
        started = time.perf_counter()
        await runtime.run_job("reminders")
        while _pending(settings.database_path):  # noqa: ASYNC110 - another process's rows
            await asyncio.sleep(0.05)
        elapsed = time.perf_counter() - started
    finally:
        await runtime.stop()
        await sandbox.stop()
        shutil.rmtree(folder, ignore_errors=True)
    sends = [c for c in sandbox.state.calls if c["method"] == "sendMessage"]
    floor = CONTACTS / BOT_RATE_PER_S
    return {
        "bench": "pushes",
        "contacts": CONTACTS,
        "delivered": sum(1 for c in sends if c["status"] == 200),
        "seconds": round(elapsed, 2),
        "floor_seconds": round(floor, 2),
        "ratio": round(elapsed / floor, 3),
        "responses_429": sum(1 for c in sends if c["status"] == 429),
        "goal": f"ratio <= {GOAL}, no 429",
        "ok": elapsed / floor <= GOAL and not any(c["status"] == 429 for c in sends),
    }


def main() -> None:
    logging.getLogger("httpx").setLevel(logging.WARNING)
    print(json.dumps(asyncio.run(measure()), ensure_ascii=False))


if __name__ == "__main__":
    main()
