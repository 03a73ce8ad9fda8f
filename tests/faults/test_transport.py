"""The bot's HTTP client (bot/platforms/telegram/transport.py) against a server that
misbehaves on purpose."""

from __future__ import annotations

import asyncio
import json
import socket
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from aiohttp import web
from telegram import InputFile
from telegram.error import NetworkError, TimedOut
from telegram.request import HTTPXRequest, RequestData
from telegram.request._requestparameter import RequestParameter

from bot.clock import SystemClock
from bot.config import load_settings
from bot.platforms.telegram.application import build_application
from bot.platforms.telegram.transport import AiohttpRequest
from bot.runtime.context import Resources
from storage.db import Store
from tests.harness import TOKEN


async def _slow(request: web.Request) -> web.Response:
    await asyncio.sleep(2)
    return web.json_response({"ok": True, "result": True})


async def _echo_form(request: web.Request) -> web.Response:
    """What arrived: the form's fields, and each file's name and size."""
    form = await request.post()
    fields = {
        name: {"file_name": value.filename, "size": len(value.file.read())}
        if isinstance(value, web.FileField)
        else value
        for name, value in form.items()
    }
    return web.json_response({"ok": True, "result": fields})


@pytest.fixture
async def server() -> AsyncIterator[str]:
    app = web.Application()
    app.router.add_post(f"/bot{TOKEN}/slow", _slow)
    app.router.add_post(f"/bot{TOKEN}/form", _echo_form)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = runner.addresses[0][1]
    yield f"http://127.0.0.1:{port}/bot{TOKEN}"
    await runner.cleanup()


@pytest.fixture
async def request_() -> AsyncIterator[AiohttpRequest]:
    request = AiohttpRequest(read_timeout=0.3, connect_timeout=0.5)
    await request.initialize()
    yield request
    await request.shutdown()


async def test_a_slow_answer_times_out(server: str, request_: AiohttpRequest) -> None:
    with pytest.raises(TimedOut):
        await request_.post(f"{server}/slow")


async def test_a_refused_connection_is_a_network_error_without_the_token(
    request_: AiohttpRequest,
) -> None:
    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    with pytest.raises(NetworkError) as raised:
        await request_.post(f"http://127.0.0.1:{port}/bot{TOKEN}/getMe")
    assert TOKEN not in str(raised.value)
    assert TOKEN.split(":")[1] not in repr(raised.value)


async def test_fields_and_a_chinese_file_name_arrive_as_sent(
    server: str, request_: AiohttpRequest
) -> None:
    workbook = InputFile(b"x" * 1000, filename="督办周报_2024-06-03至2024-06-09.xlsx")
    data = RequestData(
        [
            RequestParameter("chat_id", 42, []),
            RequestParameter("caption", "本周 <b>通报</b> & 排名", []),
            RequestParameter("document", workbook.attach_uri, [workbook]),
        ]
    )
    status, body = await request_.do_request(f"{server}/form", "POST", data)

    assert status == 200
    fields = json.loads(body)["result"]
    assert fields["chat_id"] == "42"
    assert fields["caption"] == "本周 <b>通报</b> & 排名"
    (upload,) = (value for value in fields.values() if isinstance(value, dict))
    assert upload == {"file_name": "督办周报_2024-06-03至2024-06-09.xlsx", "size": 1000}


async def test_a_plain_call_is_a_url_encoded_form(server: str, request_: AiohttpRequest) -> None:
    data = RequestData([RequestParameter("text", "企业反映 研发投入不足 100%", [])])
    status, body = await request_.do_request(f"{server}/form", "POST", data)

    assert status == 200
    assert json.loads(body)["result"] == {"text": "企业反映 研发投入不足 100%"}


@pytest.mark.parametrize(
    ("proxy", "client"), [("", AiohttpRequest), ("socks5://127.0.0.1:1080", HTTPXRequest)]
)
def test_the_bot_uses_aiohttp_unless_a_proxy_is_set(
    tmp_path: Path, proxy: str, client: type
) -> None:
    settings = load_settings(
        {
            "TELEGRAM_BOT_TOKEN": TOKEN,
            "TELEGRAM_PROXY": proxy,
            "DATABASE_PATH": str(tmp_path / "duban.sqlite"),
        },
        dotenv=tmp_path / "none",
    )
    services = Resources(settings, Store(tmp_path / "duban.sqlite"), SystemClock())

    application = build_application(settings, services)

    assert isinstance(application.bot.request, client)
