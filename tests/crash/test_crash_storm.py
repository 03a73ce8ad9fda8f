"""Killed at any instant, the bot loses no finding and no photo, and stores none twice.

The bot runs as a real subprocess (``python -m bot run``) against the sandbox, which adds
a realistic network round trip. Inspectors on visits send texts and photos while the
process is killed with SIGKILL at random moments and started again. ``make test`` runs a
scaled-down storm; ``DUBAN_STRESS=full make stress`` runs 500 updates and 20 kills.
"""

from __future__ import annotations

import asyncio
import logging
import os
import sqlite3
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.domain.audit import Origin
from bot.domain.items import ItemFields
from bot.domain.lifecycle import Role
from sandbox.phones import Phone
from sandbox.server import Sandbox
from sandbox.state import SandboxState
from storage import ledger, people
from storage.db import open_database
from tests.harness import TOKEN, start_visit
from tests.processes import BotProcess, duban_process, kill_at_random

FULL = os.environ.get("DUBAN_STRESS") == "full"
PHONES, PER_PHONE, KILLS = (20, 25, 20) if FULL else (4, 15, 5)
PHOTO_EVERY = 4  # every fourth message is a captioned photo


@pytest.fixture
async def world(tmp_path: Path) -> AsyncIterator[tuple[Sandbox, BotProcess, Path]]:
    logging.getLogger("aiohttp.server").setLevel(logging.CRITICAL)  # killed clients
    sandbox = Sandbox(SandboxState(), rate_limits=False)
    sandbox.latency = 0.05
    await sandbox.start("127.0.0.1", 0)
    database = tmp_path / "duban.sqlite"
    _seed(database)
    bot = duban_process(sandbox.url, database, TOKEN)
    bot.start()
    try:
        yield sandbox, bot, database
    finally:
        bot.stop()
        await sandbox.stop()


def _seed(path: Path) -> None:
    """One company with one open item, and the inspectors, registered."""
    db = open_database(path)
    origin = Origin.cli(datetime.now(UTC))
    year = datetime.now(UTC).year
    ledger.ensure_period(db, str(year), year, origin)
    ledger.create_item(
        db,
        ItemFields(
            "研发投入不足",
            unit="科技局",
            company="卓远半导体",
            town="高新区",
            deadline=(datetime.now(UTC) + timedelta(days=30)).date(),
        ),
        str(year),
        origin,
    )
    for n in range(PHONES):
        invitation = people.create_invitation(
            db, role=Role.INSPECTOR, name=f"督查{n}", unit=None, days=7, origin=origin
        )
        people.redeem_invitation(db, invitation, 8000 + n, "zh", origin)
    db.close()


async def _storm(phone: Phone, index: int, pace: float) -> list[str]:
    sent = []
    for n in range(PER_PHONE):
        text = f"风暴 {index}-{n}"
        if n % PHOTO_EVERY == PHOTO_EVERY - 1:
            await phone.send_photo(caption=text)
        else:
            await phone.send(text)
        sent.append(text)
        await asyncio.sleep(pace)
    return sent


def _read(database: Path, sql: str) -> list[tuple]:
    db = sqlite3.connect(f"file:{database}?mode=ro", uri=True)
    try:
        return db.execute(sql).fetchall()
    finally:
        db.close()


async def _settled(database: Path, seconds: float = 180) -> None:
    """Every update processed, every reply sent, every photo downloaded."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + seconds
    while loop.time() < deadline:
        busy = _read(
            database,
            "SELECT (SELECT count(*) FROM inbox WHERE status = 'pending')"
            " + (SELECT count(*) FROM outbox WHERE status = 'pending')"
            " + (SELECT count(*) FROM evidence WHERE stored = 'pending')",
        )[0][0]
        if busy == 0:
            return
        await asyncio.sleep(0.5)
    raise AssertionError("the bot did not settle after the storm")


@pytest.mark.slow
async def test_sigkill_storm_loses_nothing_and_stores_nothing_twice(world) -> None:
    """Every text and photo sent during a storm of SIGKILLs is stored exactly once, every
    photo file is on disk, and every inspector got a confirmation for each message."""
    sandbox, bot, database = world
    phones = [sandbox.phone(user_id=8000 + n, name=f"督查{n}", token=TOKEN) for n in range(PHONES)]
    await asyncio.gather(*(start_visit(phone) for phone in phones))

    pace = KILLS * 2.0 / PER_PHONE  # spread the messages over the whole storm
    killer = asyncio.create_task(kill_at_random(bot, KILLS, between=(1.0, 3.0)))
    sent_lists = await asyncio.gather(*(_storm(p, i, pace) for i, p in enumerate(phones)))
    await killer
    assert bot.alive()
    await _settled(database)

    sent = [text for texts in sent_lists for text in texts]
    stored = dict(
        _read(
            database, "SELECT text, count(*) FROM findings WHERE text LIKE '风暴 %' GROUP BY text"
        )
    )
    assert sorted(stored) == sorted(sent), "a finding was lost"
    assert set(stored.values()) == {1}, "a finding was stored twice"

    photos_sent = sum(1 for text in sent if int(text.split("-")[1]) % PHOTO_EVERY == 3)
    photos = _read(database, "SELECT sha256, stored FROM evidence WHERE kind = 'photo'")
    assert len(photos) == photos_sent
    media = database.parent / "media"
    for sha256, stored_state in photos:
        assert stored_state == "stored"
        assert (media / sha256[:2] / sha256[2:4] / sha256).is_file()

    assert _read(database, "PRAGMA integrity_check") == [("ok",)]
    print(f"crash storm: {len(sent)} updates, {photos_sent} photos, {bot.kills} kills, 0 lost")
    for phone in phones:
        confirmations = [m for m in phone.bot_messages if "已记录" in m.text]
        assert PER_PHONE <= len(confirmations) <= PER_PHONE + bot.kills, phone.user_id
