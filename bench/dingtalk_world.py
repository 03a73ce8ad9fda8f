"""What the DingTalk benchmarks share: the stand-in, DingTalk inspectors on visits, Duban
on DingTalk alone, and the echo robot they are compared with.

Everything runs in the benchmark's process: the stand-in on its own thread and loop (as in
the tests), Duban's runtime on the main loop with its Stream connection on the thread it
always has, the echo robot's SDK client on a thread and loop of its own. The phones are
scripted on the main loop. Both robots therefore share one interpreter with the stand-in
and the phones, under the same conditions.

``limits=False`` turns DingTalk's 20 calls a second per API off, in the stand-in and in
Duban's own client (which keeps to it so DingTalk never refuses a call): Duban confirms
each finding with a card (createAndDeliver, held to 20 a second), the echo robot answers
through the session webhook (not held to it), so with the limits on the comparison would
measure DingTalk's limit, not Duban's work. Only the benchmarks turn them off.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import shutil
import tempfile
import threading
from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from bot.config import load_settings
from bot.domain.audit import Origin
from bot.domain.lifecycle import Role
from bot.domain.people import DINGTALK, dingtalk_address
from bot.runtime.startup import BotRuntime
from sandbox.dingtalk.phones import DingTalkPhone
from sandbox.dingtalk.server import DingTalkStandIn
from storage import ledger, people, visits
from storage.db import open_database

UNLIMITED = 1_000_000  # calls a second: DingTalk's per-API limit, off
CARD_TEMPLATE = "duban-card-template"


def staff(n: int) -> str:
    return f"inspector{n:03d}"


@contextlib.contextmanager
def standin(*, limits: bool) -> Iterator[DingTalkStandIn]:
    """A running stand-in; with ``limits=False`` it refuses no call for its rate."""
    logging.getLogger("aiohttp.server").setLevel(logging.CRITICAL)
    server = DingTalkStandIn()
    if not limits:
        server.rate.per_second = UNLIMITED
    server.start()
    try:
        yield server
    finally:
        server.stop()


def phones(server: DingTalkStandIn, count: int) -> list[DingTalkPhone]:
    return [server.phone(staff(n), f"督查{n}") for n in range(count)]


def seed(path: Path, count: int) -> None:
    """``count`` inspectors registered from DingTalk, each on a visit to one company."""
    db = open_database(path)
    now = datetime.now(UTC)
    origin = Origin.cli(now)
    with db.atomic():
        town = ledger.ensure_named(db, "towns", "高新区", origin)
        company = ledger.ensure_company(db, "卓远半导体", town, origin)
    assert company is not None
    for n in range(count):
        invitation = people.create_invitation(
            db, role=Role.INSPECTOR, name=f"督查{n}", unit=None, days=7, origin=origin
        )
        person = people.redeem_invitation(db, invitation, dingtalk_address(staff(n)), "zh", origin)
        visits.start_visit(db, company, person.id, now, platform=DINGTALK)
    db.close()


@contextlib.asynccontextmanager
async def duban(server: DingTalkStandIn, count: int, *, limits: bool) -> AsyncIterator[BotRuntime]:
    """Duban on DingTalk alone (no Telegram token), connected to ``server``, with ``count``
    inspectors on visits; its folder is removed afterwards."""
    folder = Path(tempfile.mkdtemp(prefix="bench-dingtalk-"))
    state = server.state
    settings = load_settings(
        {
            "TELEGRAM_BOT_TOKEN": "",
            "DINGTALK_CLIENT_ID": state.client_id,
            "DINGTALK_CLIENT_SECRET": state.client_secret,
            "DINGTALK_ROBOT_CODE": state.robot_code,
            "DINGTALK_CARD_TEMPLATE_ID": CARD_TEMPLATE,
            "DINGTALK_OPENAPI_ENDPOINT": server.url,
            "DINGTALK_OAPI_ENDPOINT": server.url,
            "DATABASE_PATH": str(folder / "duban.sqlite"),
            "MEDIA_DIR": str(folder / "media"),
            "ADMIN_IDS": "",
            "TIMEZONE": "Asia/Shanghai",
        },
        dotenv=folder / "no.env",
    )
    seed(settings.database_path, count)
    runtime = BotRuntime(settings, flood_limits=False)
    await runtime.start()
    try:
        if not limits:
            assert runtime.dingtalk_sender is not None
            runtime.dingtalk_sender.api.rate.per_second = UNLIMITED
        await connected(server)
        yield runtime
    finally:
        await runtime.stop()
        shutil.rmtree(folder, ignore_errors=True)


async def connected(server: DingTalkStandIn, within: float = 30.0) -> None:
    deadline = asyncio.get_running_loop().time() + within
    while server.connections() == 0:
        assert asyncio.get_running_loop().time() < deadline, "the robot never connected"
        await asyncio.sleep(0.02)


@contextlib.asynccontextmanager
async def echo_robot(server: DingTalkStandIn) -> AsyncIterator[None]:
    """The SDK's own echo robot, connected to ``server`` for the block."""
    import dingtalk_stream  # after the caller's stand-in exists: aimed at it below

    from bot.platforms.dingtalk.stream import aim_sdk, stop_client

    class Echo(dingtalk_stream.ChatbotHandler):  # type: ignore[misc]
        """Answers each text with itself through the message's session webhook."""

        async def process(self, callback: Any) -> tuple[int, str]:
            incoming = dingtalk_stream.ChatbotMessage.from_dict(callback.data)
            self.reply_text(incoming.text.content, incoming)
            return dingtalk_stream.AckMessage.STATUS_OK, "OK"

    aim_sdk(server.url)
    state = server.state
    client = dingtalk_stream.DingTalkStreamClient(
        dingtalk_stream.Credential(state.client_id, state.client_secret),
        logger=logging.getLogger("dingtalk_stream.client"),
    )
    client.register_callback_handler(dingtalk_stream.ChatbotMessage.TOPIC, Echo())
    for name in ("dingtalk_stream", "dingtalk_stream.client", "dingtalk_stream.handler"):
        logging.getLogger(name).setLevel(logging.CRITICAL)  # its cancel is logged as an error
    loop = asyncio.new_event_loop()
    task = loop.create_task(client.start())
    thread = threading.Thread(target=loop.run_forever, name="echo-robot", daemon=True)
    thread.start()
    try:
        await connected(server)
        yield
    finally:
        stopping = asyncio.run_coroutine_threadsafe(stop_client(client, task), loop)
        await asyncio.wrap_future(stopping)
        loop.call_soon_threadsafe(loop.stop)
        thread.join(10)
