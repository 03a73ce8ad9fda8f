"""Reminders reach every contact even when the bot is killed while sending them.

The bot runs as a subprocess against the sandbox (flood limits on, a network round trip of
50 ms). Every contact has one item due today; the morning pass queues one reminder each;
the process is killed with SIGKILL at random moments and restarted. Afterwards every
contact has their reminder, and a duplicate can only come from a send that a kill cut off
after Telegram had accepted it. ``make test`` runs 100 contacts and 5 kills,
``DUBAN_STRESS=full`` 500 contacts and 20 kills.
"""

from __future__ import annotations

import asyncio
import logging
import os
import sqlite3
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from bot.domain.audit import Origin
from bot.domain.items import ItemFields
from bot.domain.lifecycle import Role
from sandbox.server import Sandbox
from sandbox.state import SandboxState
from storage import ledger, people, reminders
from storage.db import open_database
from storage.policy import set_policy_value
from tests.harness import TOKEN
from tests.processes import BotProcess, duban_process, kill_at_random

FULL = os.environ.get("DUBAN_STRESS") == "full"
CONTACTS, KILLS = (500, 20) if FULL else (100, 5)
FIRST_USER = 600_000
TZ = ZoneInfo("Asia/Shanghai")


def _seed(path: Path) -> None:
    """Contacts with one item due today each, and a policy that pushes at any hour today."""
    db = open_database(path)
    origin = Origin.cli(datetime.now(UTC))
    today = origin.at.astimezone(TZ).date()
    ledger.ensure_period(db, str(today.year), today.year, origin)
    ledger.create_items(
        db,
        [ItemFields(f"事项 {n}", unit=f"单位{n}", deadline=today) for n in range(CONTACTS)],
        str(today.year),
        origin,
    )
    for n in range(CONTACTS):
        invitation = people.create_invitation(
            db, role=Role.CONTACT, name=f"联络员{n}", unit=f"单位{n}", days=7, origin=origin
        )
        people.redeem_invitation(db, invitation, FIRST_USER + n, "zh", origin)
    # The test must not depend on the hour or the weekday it runs on.
    for key, value in (("quiet_start", "00:00"), ("quiet_end", "00:00")):
        set_policy_value(db, key, value, origin)
    set_policy_value(db, "daily_push_time", "00:00", origin)
    reminders.set_override(db, today, True, origin)
    db.close()


@pytest.fixture
async def world(tmp_path: Path) -> AsyncIterator[tuple[Sandbox, BotProcess, Path]]:
    logging.getLogger("aiohttp.server").setLevel(logging.CRITICAL)  # killed clients
    sandbox = Sandbox(SandboxState(), rate_limits=True)
    sandbox.latency = 0.05
    await sandbox.start("127.0.0.1", 0)
    bot_record = sandbox.state.bot_for_token(TOKEN)
    for n in range(CONTACTS):  # each contact started the bot when registering
        sandbox.state.add_user(FIRST_USER + n, f"联络员{n}", language_code="zh")
        sandbox.state.private_chat(bot_record, FIRST_USER + n)
    database = tmp_path / "duban.sqlite"
    _seed(database)
    bot = duban_process(sandbox.url, database, TOKEN)
    bot.start()
    try:
        yield sandbox, bot, database
    finally:
        bot.stop()
        await sandbox.stop()


@pytest.mark.slow
async def test_every_reminder_arrives_through_a_storm_of_kills(world) -> None:
    """Each contact gets the morning reminder; duplicates only from sends a kill cut off."""
    sandbox, bot, database = world
    await kill_at_random(bot, KILLS, between=(0.5, 2.0), seed=11)
    assert bot.alive()
    loop = asyncio.get_running_loop()
    deadline = loop.time() + 120
    while loop.time() < deadline:
        db = sqlite3.connect(f"file:{database}?mode=ro", uri=True)
        queued, pending = db.execute(
            "SELECT count(*), sum(status = 'pending') FROM outbox WHERE dedup_key LIKE 'remind:%'"
        ).fetchone()
        db.close()
        if queued == CONTACTS and not pending:
            break
        await asyncio.sleep(0.5)
    else:
        raise AssertionError("reminders were still pending after the storm")

    bot_record = sandbox.state.bot_for_token(TOKEN)
    received = []
    for n in range(CONTACTS):
        chat = bot_record.chats[FIRST_USER + n]
        texts = [
            event["message"].get("text", "")
            for event in chat.events
            if event["kind"] == "message" and event.get("sender") == "bot"
        ]
        received.append(sum("今天到期" in text for text in texts))
    assert min(received) >= 1, "a contact got no reminder"
    duplicates = sum(count - 1 for count in received)
    print(f"reminder storm: {CONTACTS} contacts, {bot.kills} kills, {duplicates} duplicates")
    assert duplicates <= bot.kills, f"{duplicates} duplicates for {bot.kills} kills"
    assert not any(c["status"] == 429 for c in sandbox.state.calls)
