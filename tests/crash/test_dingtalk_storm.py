"""Killed at any instant on DingTalk, the bot stores nothing twice and loses only what was
in flight: every robot message whose frame it acknowledged is kept.

DingTalk pushes a robot message once and never again, acknowledged or not, so the bot
commits each frame to the inbox before its ACK (bot/platforms/dingtalk/stream.py). A
SIGKILL between a frame's arrival and that commit loses the message; nothing else may.
The stand-in (sandbox/dingtalk) runs on its own thread in the test process and knows
which frames it pushed and which were acknowledged; the bot is a real subprocess on
DingTalk alone (no Telegram token). Ten DingTalk inspectors on visits send findings as
text and as text with a picture while the bot is killed and started again.

Checked afterwards: no finding stored twice; every acknowledged frame stored; the
messages not stored are only frames pushed without an ACK (in flight at a kill), and
none of them was confirmed to its inspector; every stored finding was confirmed; every
picture of a stored finding is on disk; the database's integrity check passes. The
figures are printed, to be reported beside the Telegram storm's (test_crash_storm.py).
``make test`` runs a small storm; ``DUBAN_STRESS=full make stress`` the full one.
"""

from __future__ import annotations

import asyncio
import logging
import os
import re
import time
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from pathlib import Path

import aiohttp
import pytest

from bench import dingtalk_world
from bot.platforms.media_files import media_path
from sandbox.dingtalk.incoming import keep_file
from sandbox.dingtalk.server import DingTalkStandIn, NoStreamClient
from sandbox.dingtalk.state import RobotFrame
from tests.processes import BotProcess, kill_at_random, pending_work, read_database

FULL = os.environ.get("DUBAN_STRESS") == "full"
PHONES = 10
STEPS, KILLS = (60, 20) if FULL else (8, 4)
PLAN = ("text", "text", "picture", "text", "picture")  # what each inspector sends, in turn
CONFIRMED = re.compile(r"已记录：(钉风暴 \d+-\d+)")
CONNECT_WITHIN = 30.0  # seconds a phone waits for the restarted bot to be connected


@dataclass
class Attempt:
    """One message an inspector typed: its words, and whether it had a picture."""

    text: str
    picture: bool
    pushed: bool  # False when DingTalk had no connected robot to push it to


class TimedBot(BotProcess):
    """The bot's process, remembering when each SIGKILL was sent (epoch seconds)."""

    def __init__(self, env: dict[str, str], log_path: Path) -> None:
        super().__init__(env, log_path)
        self.killed_at: list[float] = []

    def kill(self) -> None:
        if self.alive():
            self.killed_at.append(time.time())
        super().kill()


@pytest.fixture
def standin() -> Iterator[DingTalkStandIn]:
    """The stand-in on a port of its own (the bot, a subprocess, is aimed at its URL)."""
    logging.getLogger("aiohttp.server").setLevel(logging.CRITICAL)  # killed clients
    server = DingTalkStandIn()
    server.start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
async def world(
    standin: DingTalkStandIn, tmp_path: Path
) -> AsyncIterator[tuple[DingTalkStandIn, TimedBot, Path]]:
    database = tmp_path / "duban.sqlite"
    dingtalk_world.seed(database, PHONES)
    for n in range(PHONES):
        standin.phone(dingtalk_world.staff(n), f"督查{n}")  # people DingTalk knows, to deliver to
    bot = _dingtalk_process(standin, database)
    bot.start()
    try:
        yield standin, bot, database
    finally:
        bot.stop()


def _dingtalk_process(standin: DingTalkStandIn, database: Path) -> TimedBot:
    """``python -m bot run`` on DingTalk alone, both its OpenAPI hosts the stand-in."""
    state = standin.state
    return TimedBot(
        {
            "TELEGRAM_BOT_TOKEN": "",
            "DINGTALK_CLIENT_ID": state.client_id,
            "DINGTALK_CLIENT_SECRET": state.client_secret,
            "DINGTALK_ROBOT_CODE": state.robot_code,
            "DINGTALK_CARD_TEMPLATE_ID": "duban-card-template",
            "DINGTALK_OPENAPI_ENDPOINT": standin.url,
            "DINGTALK_OAPI_ENDPOINT": standin.url,
            "DATABASE_PATH": str(database),
            "MEDIA_DIR": str(database.parent / "media"),
            "ADMIN_IDS": "",
        },
        database.parent / "bot.log",
    )


async def _connected(standin: DingTalkStandIn) -> None:
    """Wait until the (restarted) bot holds a Stream connection, as a person waits for
    the robot to answer again before typing on."""
    deadline = asyncio.get_running_loop().time() + CONNECT_WITHIN
    while standin.connections() == 0:
        assert asyncio.get_running_loop().time() < deadline, "the bot never reconnected"
        await asyncio.sleep(0.05)


async def _say(standin: DingTalkStandIn, staff_id: str, text: str, picture: bool) -> bool:
    """Push one robot message; False when DingTalk could not (no connected robot, or its
    socket died under the write). The stand-in keeps the frame's fate either way."""
    if picture:
        code = keep_file(standin, "picture.jpg", b"\xff\xd8\xff\xe0" + text.encode())
        lines = [
            {"text": text},
            {"downloadCode": code, "pictureDownloadCode": code, "type": "picture"},
        ]
        content = {"msgtype": "richText", "content": {"richText": lines}}
    else:
        content = {"msgtype": "text", "text": {"content": text}}
    try:
        await standin.push_robot_message(staff_id, content)
    except (NoStreamClient, ConnectionError, aiohttp.ClientError):
        return False
    return True


async def _storm(standin: DingTalkStandIn, index: int, pace: float) -> list[Attempt]:
    attempts = []
    for n in range(STEPS):
        text, picture = f"钉风暴 {index}-{n}", PLAN[n % len(PLAN)] == "picture"
        await _connected(standin)
        attempts.append(
            Attempt(text, picture, await _say(standin, dingtalk_world.staff(index), text, picture))
        )
        await asyncio.sleep(pace)
    return attempts


async def _settled(database: Path, seconds: float = 300) -> None:
    """Every frame processed, every reply sent, every picture downloaded (DingTalk's
    downloader fetches a picture once its message is committed: bot/platforms/dingtalk/
    media.py)."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + seconds
    while loop.time() < deadline:
        if pending_work(database) == 0:
            return
        await asyncio.sleep(0.5)
    raise AssertionError("the bot did not settle after the storm")


def _confirmed(standin: DingTalkStandIn) -> dict[str, int]:
    """How often each storm finding was confirmed to its inspector (a kill between a
    reply's delivery and its outbox row's mark sends it again: at most once per kill)."""
    seen: dict[str, int] = {}
    for n in range(PHONES):
        for item in standin.state.received_by(dingtalk_world.staff(n)):
            for text in CONFIRMED.findall(item.text):
                seen[text] = seen.get(text, 0) + 1
    return seen


@pytest.mark.slow
async def test_dingtalk_sigkill_storm_keeps_every_acknowledged_message_once(world) -> None:
    standin, bot, database = world
    await _connected(standin)

    pace = KILLS * 3.0 / STEPS  # spread the messages over the whole storm
    killer = asyncio.create_task(kill_at_random(bot, KILLS, between=(1.5, 4.5)))
    attempts = [
        one
        for many in await asyncio.gather(*(_storm(standin, i, pace) for i in range(PHONES)))
        for one in many
    ]
    await killer
    assert bot.alive()
    await _connected(standin)
    await _settled(database)

    frames: dict[str, RobotFrame] = {}
    for frame in await standin.robot_frames():
        assert frame.text not in frames, "the stand-in pushed a message twice"
        frames[frame.text] = frame
    stored = dict(
        read_database(
            database,
            "SELECT text, count(*) FROM findings WHERE text LIKE '钉风暴 %' GROUP BY text",
        )
    )
    assert set(stored.values()) <= {1}, "a finding was stored twice"
    acked = {text for text, frame in frames.items() if frame.acked}
    assert acked <= set(stored), "an acknowledged message was lost"
    pushed = {text for text, frame in frames.items() if frame.pushed}
    assert pushed == {one.text for one in attempts if one.pushed}
    assert set(stored) <= pushed, "a finding was stored that DingTalk never pushed"
    lost = pushed - set(stored)
    assert all(not frames[text].acked for text in lost)
    assert all(frames[text].stream_closed for text in lost), (
        "a message was lost on a connection that stayed open: not in flight at a kill"
    )
    assert "could not be stored" not in bot.log()

    confirmed = _confirmed(standin)
    assert not lost & set(confirmed), "a message that was not stored was confirmed"
    assert set(confirmed) == set(stored), "a stored finding was not confirmed"
    assert max(confirmed.values()) <= 1 + bot.kills

    pictured = [one.text for one in attempts if one.picture and one.text in stored]
    photos = read_database(
        database,
        "SELECT f.text, e.sha256, e.stored FROM evidence e JOIN findings f ON f.id = e.finding_id"
        " WHERE e.kind = 'photo' AND f.text LIKE '钉风暴 %'",
    )
    assert sorted(text for text, _, _ in photos) == sorted(pictured), "a picture was lost"
    for _, sha256, state in photos:
        assert state == "stored"
        assert media_path(database.parent / "media", sha256).is_file()
    assert read_database(database, "SELECT count(*) FROM inbox WHERE status != 'done'") == [(0,)]
    assert read_database(database, "SELECT count(*) FROM outbox WHERE status != 'sent'") == [(0,)]
    assert read_database(database, "PRAGMA integrity_check") == [("ok",)]

    unacked_kept = len(set(stored) - acked)
    nearest = [min(abs(frames[text].at - kill) for kill in bot.killed_at) for text in lost]
    print(
        f"dingtalk crash storm: {PHONES} phones, {len(attempts)} messages "
        f"({sum(one.picture for one in attempts)} with a picture), {bot.kills} kills; "
        f"{len(pushed)} pushed ({len(attempts) - len(pushed)} found no connected robot), "
        f"{len(acked)} acknowledged, {len(stored)} stored "
        f"({unacked_kept} of them unacknowledged at a kill), 0 stored twice, "
        f"{len(lost)} lost in flight (pushed at most {max(nearest, default=0) * 1000:.0f} ms "
        "from a kill) and none of them confirmed"
    )
