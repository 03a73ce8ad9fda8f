"""GET /healthz (HEALTH_LISTEN, issue 17): 200 with the figures while those a restart can
mend are within their thresholds, 503 once an update is stuck, 404 elsewhere; served
only while the bot runs."""

from __future__ import annotations

import json
import socket
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import aiohttp
import pytest

from bot.clock import FakeClock
from bot.config import ConfigError, load_settings
from sandbox.server import Sandbox
from storage import inbox
from tests.harness import Duban, make_settings, running


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
async def probed(bot_sandbox: Sandbox, tmp_path: Path) -> AsyncIterator[Duban]:
    settings = make_settings(bot_sandbox, tmp_path, HEALTH_LISTEN=f"127.0.0.1:{free_port()}")
    clock = FakeClock(datetime.now(UTC))
    async with running(Duban(bot_sandbox, settings, clock)) as bot:
        yield bot


def url(duban: Duban, path: str = "/healthz") -> str:
    assert duban.settings.health_listen is not None
    host, port = duban.settings.health_listen
    return f"http://{host}:{port}{path}"


async def get(duban: Duban, path: str = "/healthz") -> tuple[int, dict]:
    async with aiohttp.ClientSession() as session, session.get(url(duban, path)) as answer:
        return answer.status, json.loads(await answer.text())


async def test_healthz_is_200_then_503_when_an_update_is_stuck(probed: Duban) -> None:
    status, body = await get(probed)
    assert status == 200
    assert body["ok"] is True
    names = {figure["name"]: figure for figure in body["figures"]}
    assert names["inbox.telegram"]["ok"] is True
    assert names["outbox.telegram"]["restart_mends"] is True
    assert names["backup"]["restart_mends"] is False

    assert probed.clock is not None
    db = probed.db()
    inbox.save_dingtalk(db, "evt-1", {}, probed.clock.now() - timedelta(minutes=6))
    db.close()
    status, body = await get(probed)
    assert status == 503
    assert body["ok"] is False
    stuck = next(f for f in body["figures"] if f["name"] == "inbox.dingtalk")
    assert stuck == {
        "name": "inbox.dingtalk",
        "ok": False,
        "value": 360,
        "threshold": 300,
        "restart_mends": True,
    }


async def test_only_healthz_is_served_and_only_while_the_bot_runs(probed: Duban) -> None:
    status, body = await get(probed, "/other")
    assert (status, body) == (404, {"error": "not found"})
    await probed.stop()
    with pytest.raises(aiohttp.ClientConnectionError):
        await get(probed)
    await probed.start()
    assert (await get(probed))[0] == 200


async def test_a_bot_without_health_listen_serves_nothing(duban: Duban) -> None:
    assert duban.settings.health_listen is None
    assert duban.runtime is not None and duban.runtime.health is None


def test_a_wrong_health_listen_is_refused_in_both_languages(tmp_path: Path) -> None:
    with pytest.raises(ConfigError) as refused:
        load_settings({"HEALTH_LISTEN": "8089"}, dotenv=tmp_path / "no.env")
    (fault,) = refused.value.faults
    assert ConfigError.say("zh", fault) == (
        "HEALTH_LISTEN：应为地址和端口，形如 127.0.0.1:8089（当前为 8089）"
    )
    assert "must be host:port" in ConfigError.say("en", fault)
