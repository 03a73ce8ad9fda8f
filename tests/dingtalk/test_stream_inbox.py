"""The bot's DingTalk Stream connection (bot/platforms/dingtalk/stream.py) with the real SDK:
each frame is committed to the inbox before it is acknowledged, a callback DingTalk pushes
again is stored once, and stopping the connection really stops it."""

from __future__ import annotations

import asyncio
import json
import logging
import sqlite3
import threading
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
import sqlite_utils

from bot.config import DingTalkSettings
from bot.platforms.dingtalk.stream import CARD_CALLBACK_TOPIC, DingTalkStream
from sandbox.dingtalk.incoming import push_card_callback
from sandbox.dingtalk.server import DingTalkStandIn, NoStreamClient
from storage.db import open_database
from tests.dingtalk.test_stream_standin import wait_until

REFUSE_WRITES = (
    "CREATE TRIGGER refuse BEFORE INSERT ON inbox "
    "BEGIN SELECT RAISE(ABORT, 'database or disk is full'); END"
)


@pytest.fixture
def path(tmp_path: Path) -> Path:
    """The bot's database file, where the stream opens its own connection."""
    return tmp_path / "duban.sqlite"


@pytest.fixture
def database(path: Path) -> Iterator[sqlite_utils.Database]:
    db = open_database(path)
    try:
        yield db
    finally:
        db.close()


class Wakes:
    """The processor's wake-up, as the stream calls it: counted, with what the stand-in had
    acknowledged at that moment."""

    def __init__(self, standin: DingTalkStandIn) -> None:
        self.standin = standin
        self.acks_seen: list[list[object]] = []

    def __call__(self) -> None:
        self.acks_seen.append([push.ack for push in self.standin.state.pushes.values()])


def stream_for(standin: DingTalkStandIn, path: Path, wake: Wakes) -> DingTalkStream:
    state = standin.state
    settings = DingTalkSettings(
        client_id=state.client_id,
        client_secret=state.client_secret,
        robot_code=state.robot_code,
        openapi_endpoint=standin.url,
    )
    return DingTalkStream(settings, path, lambda: datetime.now(UTC), wake)


async def connected(standin: DingTalkStandIn, stream: DingTalkStream) -> None:
    stream.start()
    await wait_until(lambda: standin.connections() == 1)


def rows(database: sqlite_utils.Database) -> list[tuple[int, str, dict]]:
    found = database.execute("SELECT update_id, event, raw FROM inbox ORDER BY received_at")
    return [(update_id, event, json.loads(raw)) for update_id, event, raw in found.fetchall()]


async def test_a_robot_message_is_in_the_inbox_before_it_is_acknowledged(
    standin: DingTalkStandIn, database: sqlite_utils.Database, path: Path
) -> None:
    wakes = Wakes(standin)
    stream = stream_for(standin, path, wakes)
    phone = standin.phone("manager4521", "李联络")
    await connected(standin, stream)
    try:
        message_id = await phone.send("企业已整改完毕")
        await wait_until(lambda: standin.push(message_id).ack is not None)
    finally:
        stream.stop()
    [(update_id, _, raw)] = rows(database)
    assert update_id == -1
    assert raw["data"]["text"]["content"] == "企业已整改完毕"
    assert raw["data"]["senderStaffId"] == "manager4521"
    assert wakes.acks_seen == [[None]]  # committed and woken while still unacknowledged
    assert standin.push(message_id).ack["code"] == 200  # type: ignore[index]


async def test_a_robot_message_whose_commit_fails_is_not_acknowledged(
    standin: DingTalkStandIn,
    database: sqlite_utils.Database,
    path: Path,
    caplog: pytest.LogCaptureFixture,
) -> None:
    database.execute(REFUSE_WRITES)
    wakes = Wakes(standin)
    stream = stream_for(standin, path, wakes)
    phone = standin.phone("manager4521", "李联络")
    await connected(standin, stream)
    try:
        with caplog.at_level(logging.ERROR):
            message_id = await phone.send("现场照片稍后补")
            await wait_until(lambda: "could not be stored and is lost" in caplog.text)
            await asyncio.sleep(0.2)
    finally:
        stream.stop()
    assert standin.push(message_id).ack is None
    assert standin.push(message_id).pushes == 1  # DingTalk does not push it again
    assert rows(database) == [] and wakes.acks_seen == []


async def test_a_card_tap_refused_by_the_database_comes_again_and_is_stored_once(
    standin: DingTalkStandIn, database: sqlite_utils.Database, path: Path
) -> None:
    database.execute(REFUSE_WRITES)
    wakes = Wakes(standin)
    stream = stream_for(standin, path, wakes)
    await connected(standin, stream)
    try:
        message_id = await standin.call(
            push_card_callback(standin, "manager4521", "duban-7", {"token": "tok-1"})
        )
        await wait_until(lambda: standin.push(message_id).pushes >= 2)
        assert standin.push(message_id).ack is None
        database.execute("DROP TRIGGER refuse")
        await wait_until(lambda: standin.push(message_id).ack is not None, within=5)
        # DingTalk may push it once more (an ACK lost on the way): stored once all the same.
        frame = standin.push(message_id).frame
        await standin.call(standin._send("CALLBACK", CARD_CALLBACK_TOPIC, frame))
        await asyncio.sleep(0.3)
    finally:
        stream.stop()
    [(_, event, raw)] = rows(database)
    assert event == f"{CARD_CALLBACK_TOPIC}:{message_id}"
    assert raw["data"]["outTrackId"] == "duban-7" and raw["data"]["userId"] == "manager4521"
    assert json.loads(raw["data"]["content"])["cardPrivateData"]["params"] == {"token": "tok-1"}
    assert len(wakes.acks_seen) == 1


async def test_stopping_closes_the_connection_and_nothing_reconnects(
    standin: DingTalkStandIn, database: sqlite_utils.Database, path: Path
) -> None:
    stream = stream_for(standin, path, Wakes(standin))
    before = {t.name for t in threading.enumerate()}
    await connected(standin, stream)
    assert "dingtalk-stream" in {t.name for t in threading.enumerate()}
    stream.stop()
    assert not stream.running
    assert "dingtalk-stream" not in {t.name for t in threading.enumerate()} - before
    await wait_until(lambda: standin.connections() == 0)
    await asyncio.sleep(0.5)  # the SDK reconnects at once after a closed socket, if alive
    assert standin.connections() == 0
    with pytest.raises(NoStreamClient):
        await standin.phone("manager4521", "李联络").send("还在吗")


async def test_a_database_the_stream_cannot_open_fails_its_start(
    standin: DingTalkStandIn, tmp_path: Path
) -> None:
    folder = tmp_path / "a-folder"
    folder.mkdir()
    stream = stream_for(standin, folder, Wakes(standin))
    with pytest.raises(sqlite3.OperationalError):
        stream.start()
    assert not stream.running and standin.connections() == 0
