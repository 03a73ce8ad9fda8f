"""Killed at any instant, the bot loses no finding and no photo, and stores none twice.

The bot runs as a real subprocess (``python -m bot run``) against the sandbox, which adds
a realistic network round trip. Inspectors on visits send texts, photos, albums and
locations and tap the buttons that tie findings to the list item, while the process is
killed with SIGKILL at random moments and started again. ``make test`` runs a scaled-down
storm; ``DUBAN_STRESS=full make stress`` runs 20 inspectors, about 1 000 updates and 20
kills. Both ways of receiving updates are stormed: polling, and webhook mode (the
sandbox posts each update to the bot until it answers 200).
"""

from __future__ import annotations

import asyncio
import logging
import os
import re
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.domain.audit import Origin
from bot.domain.items import ItemFields
from bot.domain.lifecycle import Role
from sandbox.phones import ExpectationFailed, Phone
from sandbox.server import Sandbox
from sandbox.state import SandboxState
from storage import ledger, people
from storage.db import open_database
from tests.harness import TOKEN, start_visit
from tests.processes import BotProcess, duban_process, kill_at_random, pending_work, read_database
from tests.webhooks import free_port, webhook_env

FULL = os.environ.get("DUBAN_STRESS") == "full"
PHONES, STEPS, KILLS = (20, 46, 20) if FULL else (4, 15, 5)
# What each inspector does, step by step (10 steps are 11 updates: an album is two).
PLAN = ("text", "text", "text", "photo", "text", "text", "album", "text", "location", "tap")
TIE_BUTTON = "研发投入不足"  # the item's label on a confirmation's tie button
FIRST_TAP_WAIT = 60.0  # seconds an inspector's first tap waits for a confirmation
SAVED = re.compile(r"发现 \d+ 已记录")


@pytest.fixture(params=["polling", "webhook"])
async def world(
    tmp_path: Path, request: pytest.FixtureRequest
) -> AsyncIterator[tuple[Sandbox, BotProcess, Path]]:
    logging.getLogger("aiohttp.server").setLevel(logging.CRITICAL)  # killed clients
    logging.getLogger("sandbox.webhooks").setLevel(logging.WARNING)  # refused while down
    sandbox = Sandbox(SandboxState(), rate_limits=False)
    sandbox.latency = 0.05
    # A killed bot is back within a second or two: retried sooner than Telegram would.
    sandbox.api.webhooks.first_retry = 0.2
    await sandbox.start("127.0.0.1", 0)
    database = tmp_path / "duban.sqlite"
    _seed(database)
    extra = webhook_env(free_port()) if request.param == "webhook" else None
    bot = duban_process(sandbox.url, database, TOKEN, extra)
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


@dataclass
class Sent:
    """What one inspector sent: finding texts, photos, and the buttons tapped."""

    texts: list[str] = field(default_factory=list)
    photos: int = 0
    updates: int = 0
    taps: list[str] = field(default_factory=list)  # callback_data tokens


async def _storm(phone: Phone, index: int, pace: float) -> Sent:
    sent = Sent()
    for n in range(STEPS):
        text, step = f"风暴 {index}-{n}", PLAN[n % len(PLAN)]
        if step == "tap":
            # An inspector's first tap waits for a confirmation to tap (a loaded machine may
            # not have answered yet); later ones type instead when none has arrived.
            token = await _tie_button(phone, within=FIRST_TAP_WAIT if not sent.taps else 0)
            if token is None:
                step = "text"
            else:
                await phone.tap(TIE_BUTTON, wait_answer=False)
                sent.taps.append(token)
        if step == "text":
            await phone.send(text)
        elif step == "photo":
            await phone.send_photo(caption=text)
        elif step == "album":
            await phone.send_album([None, None], caption=text)
        elif step == "location":
            await phone.send_location(32.1, 119.6)
        if step in ("text", "photo", "album"):
            sent.texts.append(text)
        sent.photos += {"photo": 1, "album": 2}.get(step, 0)
        sent.updates += 2 if step == "album" else 1
        await asyncio.sleep(pace)
    return sent


async def _tie_button(phone: Phone, within: float) -> str | None:
    """The newest tie button's token, waiting up to ``within`` seconds for one."""
    deadline = asyncio.get_running_loop().time() + within
    while True:
        try:
            return phone.find_button(TIE_BUTTON)[1]
        except ExpectationFailed:
            if asyncio.get_running_loop().time() >= deadline:
                return None
            await asyncio.sleep(0.2)


async def _settled(sandbox: Sandbox, database: Path, seconds: float = 180) -> None:
    """Every update taken from the sandbox (a webhook's retry may still wait) and
    processed, every reply sent, every photo downloaded."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + seconds
    while loop.time() < deadline:
        if sandbox.state.bot_for_token(TOKEN).updates:
            await asyncio.sleep(0.5)
            continue
        if pending_work(database) == 0:
            return
        await asyncio.sleep(0.5)
    raise AssertionError("the bot did not settle after the storm")


@pytest.mark.slow
async def test_sigkill_storm_loses_nothing_and_stores_nothing_twice(world) -> None:
    """Every text, photo, album, location and tap sent during a storm of SIGKILLs is
    applied exactly once, every photo file is on disk, and every finding was confirmed."""
    sandbox, bot, database = world
    phones = [sandbox.phone(user_id=8000 + n, name=f"督查{n}", token=TOKEN) for n in range(PHONES)]
    await asyncio.gather(*(start_visit(phone) for phone in phones))

    pace = KILLS * 2.0 / STEPS  # spread the messages over the whole storm
    killer = asyncio.create_task(kill_at_random(bot, KILLS, between=(1.0, 3.0)))
    sent = await asyncio.gather(*(_storm(p, i, pace) for i, p in enumerate(phones)))
    await killer
    assert bot.alive()
    await _settled(sandbox, database)

    texts = [text for one in sent for text in one.texts]
    stored = dict(
        read_database(
            database, "SELECT text, count(*) FROM findings WHERE text LIKE '风暴 %' GROUP BY text"
        )
    )
    assert sorted(stored) == sorted(texts), "a finding was lost"
    assert set(stored.values()) == {1}, "a finding was stored twice"

    photos = read_database(database, "SELECT sha256, stored FROM evidence WHERE kind = 'photo'")
    assert len(photos) == sum(one.photos for one in sent), "a photo was lost or kept twice"
    media = database.parent / "media"
    for sha256, stored_state in photos:
        assert stored_state == "stored"
        assert (media / sha256[:2] / sha256[2:4] / sha256).is_file()

    tapped = [token for one in sent for token in one.taps]
    ties = read_database(
        database,
        "SELECT json_extract(b.payload, '$.finding'), f.item_id FROM buttons b "
        "JOIN findings f ON f.id = json_extract(b.payload, '$.finding') "
        f"WHERE b.action = 'finding.tie' AND b.token IN ({', '.join('?' * len(tapped))})",
        tapped,
    )
    assert tapped and ties, "the storm tapped no tie button"
    assert all(item_id is not None for _, item_id in ties), "a tap was lost"
    located = read_database(database, "SELECT count(*) FROM visits WHERE located_at IS NOT NULL")
    assert located == [(PHONES,)], "a location was lost"
    assert read_database(database, "SELECT count(*) FROM inbox WHERE status != 'done'") == [(0,)]

    assert read_database(database, "PRAGMA integrity_check") == [("ok",)]
    print(
        f"crash storm: {sum(one.updates for one in sent)} updates ({len(texts)} findings, "
        f"{len(photos)} photos, {len(tapped)} taps), {bot.kills} kills, 0 lost"
    )
    for phone, one in zip(phones, sent, strict=True):
        confirmations = [m for m in phone.bot_messages if SAVED.search(m.text)]
        assert len(one.texts) <= len(confirmations) <= len(one.texts) + bot.kills, phone.user_id
