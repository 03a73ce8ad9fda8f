"""Flood control, injected faults, and restarts behave as a bot must expect in production."""

from __future__ import annotations

import asyncio
import json

import httpx
import pytest
from telegram.error import NetworkError, RetryAfter, TimedOut
from telegram.request import HTTPXRequest

from sandbox.server import Sandbox
from sandbox.state import SandboxState
from sandbox.testing import application_builder, make_application, raw_call

USER = 6001


async def test_private_chat_flood_control_and_switch(sandbox: Sandbox) -> None:
    """A burst beyond 3 messages to one chat gets 429 with retry_after; off means no limit."""
    await sandbox.phone(user_id=USER, name="甲").send("/start")
    statuses = []
    for _ in range(4):
        status, body = await raw_call(sandbox, "sendMessage", {"chat_id": USER, "text": "x"})
        statuses.append(status)
    assert statuses == [200, 200, 200, 429]
    assert body["parameters"]["retry_after"] >= 1
    assert body["description"].startswith("Too Many Requests: retry after ")
    status, _ = await raw_call(sandbox, "getUpdates")
    assert status == 200  # getUpdates is never flood-limited
    sandbox.rate_limiter.enabled = False
    for _ in range(10):
        status, _ = await raw_call(sandbox, "sendMessage", {"chat_id": USER, "text": "x"})
        assert status == 200


async def test_flood_control_reaches_ptb_as_retry_after(
    sandbox: Sandbox, monkeypatch: pytest.MonkeyPatch
) -> None:
    """PTB sees Telegram's 429 as RetryAfter with the server's retry_after."""
    # PTB 22 warns on every RetryAfter unless timedelta retry_after is opted into.
    monkeypatch.setenv("PTB_TIMEDELTA", "1")
    await sandbox.phone(user_id=USER, name="甲").send("/start")
    async with make_application(sandbox) as app:
        for _ in range(3):
            await app.bot.send_message(USER, "x")
        with pytest.raises(RetryAfter) as caught:
            await app.bot.send_message(USER, "x")
    assert caught.value.retry_after.total_seconds() >= 1


async def test_group_limit_is_20_per_minute(sandbox: Sandbox) -> None:
    """A group chat accepts a burst of 20 messages, then asks to wait about 3 seconds."""
    bot = sandbox.state.bot_for_token(sandbox.token)
    sandbox.state.add_group(bot, -100123, "督办组")
    statuses = []
    for _ in range(21):
        status, body = await raw_call(sandbox, "sendMessage", {"chat_id": -100123, "text": "x"})
        statuses.append(status)
    assert statuses.count(200) == 20 and statuses[-1] == 429
    assert 1 <= body["parameters"]["retry_after"] <= 3


@pytest.mark.parametrize("delivered", [True, False])
async def test_injected_502_delivered_or_not(sandbox: Sandbox, delivered: bool) -> None:
    """A 502 may hide a delivered message; the fault says which, the phone shows the truth."""
    phone = sandbox.phone(user_id=USER, name="甲")
    await phone.send("/start")
    fault = sandbox.faults.inject("sendMessage", status=502, delivered=delivered)
    async with make_application(sandbox) as app:
        with pytest.raises(NetworkError, match="Bad Gateway"):
            await app.bot.send_message(USER, "报告")
        await app.bot.send_message(USER, "之后")
    assert [m.text for m in phone.bot_messages] == (["报告", "之后"] if delivered else ["之后"])
    assert [c["status"] for c in sandbox.state.calls_to("sendMessage")] == [502, 200]
    assert fault.fired == 1


async def test_injected_429_and_500(sandbox: Sandbox) -> None:
    """Injected 429 carries retry_after; injected 500 is a JSON Internal Server Error."""
    await sandbox.phone(user_id=USER, name="甲").send("/start")
    limited = sandbox.faults.inject("sendMessage", status=429, retry_after=7)
    failed = sandbox.faults.inject("sendMessage", status=500)
    _, first = await raw_call(sandbox, "sendMessage", {"chat_id": USER, "text": "x"})
    status, second = await raw_call(sandbox, "sendMessage", {"chat_id": USER, "text": "x"})
    assert first["parameters"] == {"retry_after": 7}
    assert (status, second["description"]) == (500, "Internal Server Error")
    assert (limited.fired, failed.fired) == (1, 1)


async def test_injected_refusals_400_403_413(sandbox: Sandbox) -> None:
    """Refusals for good answer Telegram's status and JSON description (or the one given),
    and deliver nothing."""
    phone = sandbox.phone(user_id=USER, name="甲")
    await phone.send("/start")
    refusals = [
        sandbox.faults.inject("sendMessage", status=400, description="Bad Request: chat not found"),
        sandbox.faults.inject("sendMessage", status=403),
        sandbox.faults.inject("sendMessage", status=413),
    ]
    answers = [
        await raw_call(sandbox, "sendMessage", {"chat_id": USER, "text": "x"}) for _ in range(3)
    ]
    assert [(status, body["description"]) for status, body in answers] == [
        (400, "Bad Request: chat not found"),
        (403, "Forbidden: bot was blocked by the user"),
        (413, "Request Entity Too Large"),
    ]
    assert [fault.fired for fault in refusals] == [1, 1, 1]
    assert not phone.bot_messages
    with pytest.raises(ValueError, match="fault status"):
        sandbox.faults.inject("sendMessage", status=404)


async def test_hang_past_client_timeout_then_delivered(sandbox: Sandbox) -> None:
    """A request that hangs past the client's timeout can still have been delivered."""
    phone = sandbox.phone(user_id=USER, name="甲")
    await phone.send("/start")
    hang = sandbox.faults.inject("sendMessage", hang=True, hang_seconds=0.5, delivered=True)
    request = HTTPXRequest(read_timeout=0.2)
    async with application_builder(sandbox).request(request).build() as app:
        with pytest.raises(TimedOut):
            await app.bot.send_message(USER, "超时了吗")
    assert hang.fired == 1
    assert (await phone.expect("超时了吗")).from_bot


async def test_restart_on_same_port_keeps_state(sandbox: Sandbox) -> None:
    """Stopping and starting again keeps pending updates and message ids."""
    phone = sandbox.phone(user_id=USER, name="甲")
    await phone.send("待处理")
    port = sandbox.port
    await sandbox.stop()
    await sandbox.start("127.0.0.1", port)
    assert sandbox.port == port
    _, body = await raw_call(sandbox, "getUpdates")
    assert [u["message"]["text"] for u in body["result"]] == ["待处理"]
    _, sent = await raw_call(sandbox, "sendMessage", {"chat_id": USER, "text": "回来了"})
    assert sent["result"]["message_id"] == 2


async def test_state_saved_to_a_directory_loads_in_a_new_sandbox(tmp_path: object) -> None:
    """A saved state (JSON + files) loads elsewhere with updates, ids and files intact."""
    directory = tmp_path / "state"  # type: ignore[operator]
    first = Sandbox(
        SandboxState(directory=directory, call_log_path=directory.parent / "calls.jsonl")
    )
    await first.start("127.0.0.1", 0)
    phone = first.phone(user_id=USER, name="甲")
    photo = await phone.send_photo(caption="现场")
    await raw_call(first, "getMe")
    await first.stop()  # saves, because the state has a directory

    second = Sandbox(SandboxState.load(directory))
    await second.start("127.0.0.1", 0)
    try:
        _, body = await raw_call(second, "getUpdates")
        (update,) = body["result"]
        assert update["message"]["caption"] == "现场"
        file_id = photo["photo"][-1]["file_id"]
        _, got = await raw_call(second, "getFile", {"file_id": file_id})
        async with httpx.AsyncClient() as client:
            url = f"{second.url}/file/bot{second.token}/{got['result']['file_path']}"
            downloaded = (await client.get(url)).content
        assert downloaded == first.state.files.read(first.state.files.files[file_id])
        _, sent = await raw_call(second, "sendMessage", {"chat_id": USER, "text": "x"})
        assert sent["result"]["message_id"] == 2
    finally:
        await second.stop()
    lines = (directory.parent / "calls.jsonl").read_text(encoding="utf-8").splitlines()
    assert json.loads(lines[0])["method"] == "getMe"


async def test_stop_releases_waiting_long_polls(sandbox: Sandbox) -> None:
    """Stopping the server does not wait for long polls to time out."""
    poll = asyncio.create_task(raw_call(sandbox, "getUpdates", {"timeout": 30}))
    await asyncio.sleep(0.1)
    await asyncio.wait_for(sandbox.stop(), 3)
    status, body = await asyncio.wait_for(poll, 3)
    assert (status, body["result"]) == (200, [])
