"""getUpdates behaves as Telegram's: offsets, limits, long polling, filters, expiry."""

from __future__ import annotations

import asyncio
import time

from sandbox.server import Sandbox
from sandbox.state import SandboxState
from sandbox.testing import raw_call


async def updates(sandbox: Sandbox, **params: object) -> list[dict[str, object]]:
    status, body = await raw_call(sandbox, "getUpdates", dict(params))
    assert status == 200, body
    return body["result"]


async def test_offset_confirms_and_forgets_earlier_updates(sandbox: Sandbox) -> None:
    """Updates stay until an offset above them is sent, then never come back."""
    phone = sandbox.phone(user_id=4001, name="甲")
    for text in ("一", "二", "三"):
        await phone.send(text)
    first = await updates(sandbox)
    assert [u["message"]["text"] for u in first] == ["一", "二", "三"]
    assert [u["update_id"] for u in await updates(sandbox)] == [u["update_id"] for u in first]
    rest = await updates(sandbox, offset=first[1]["update_id"])
    assert [u["message"]["text"] for u in rest] == ["二", "三"]
    assert [u["message"]["text"] for u in await updates(sandbox)] == ["二", "三"]


async def test_negative_offset_and_limit(sandbox: Sandbox) -> None:
    """offset=-1 keeps only the newest update; limit caps how many come at once."""
    phone = sandbox.phone(user_id=4002, name="乙")
    for text in ("a", "b", "c", "d"):
        await phone.send(text)
    assert [u["message"]["text"] for u in await updates(sandbox, limit=2)] == ["a", "b"]
    assert [u["message"]["text"] for u in await updates(sandbox, offset=-1)] == ["d"]
    assert [u["message"]["text"] for u in await updates(sandbox)] == ["d"]


async def test_long_poll_returns_when_an_update_arrives(sandbox: Sandbox) -> None:
    """A long poll waits for the next update instead of returning empty at once."""
    phone = sandbox.phone(user_id=4003, name="丙")
    started = time.monotonic()
    empty = await updates(sandbox, timeout=1)
    assert empty == [] and time.monotonic() - started >= 0.9
    poll = asyncio.create_task(updates(sandbox, timeout=5))
    await asyncio.sleep(0.1)
    await phone.send("到了")
    got = await asyncio.wait_for(poll, 2)
    assert got[0]["message"]["text"] == "到了"


async def test_allowed_updates_filters_and_is_remembered(sandbox: Sandbox) -> None:
    """allowed_updates=["message"] keeps callback queries out, also on later polls."""
    phone = sandbox.phone(user_id=4004, name="丁")
    await updates(sandbox, allowed_updates=["message"])
    await phone.send("/start")
    await raw_call(
        sandbox,
        "sendMessage",
        {
            "chat_id": 4004,
            "text": "menu",
            "reply_markup": {"inline_keyboard": [[{"text": "go", "callback_data": "go"}]]},
        },
    )
    await phone.tap("go", wait_answer=False)
    kinds = [next(k for k in u if k != "update_id") for u in await updates(sandbox)]
    assert kinds == ["message"]


async def test_user_messages_look_like_telegram(sandbox: Sandbox) -> None:
    """from, chat (id == user id), date, message_id and bot_command entities are set."""
    phone = sandbox.phone(user_id=4005, name="王督查", language="zh", username="wang")
    await phone.send("/visit 卓远")
    (update,) = await updates(sandbox)
    message = update["message"]
    assert message["from"] == {
        "id": 4005,
        "is_bot": False,
        "first_name": "王督查",
        "username": "wang",
        "language_code": "zh",
    }
    assert message["chat"] == {
        "id": 4005,
        "type": "private",
        "first_name": "王督查",
        "username": "wang",
    }
    assert message["entities"] == [{"type": "bot_command", "offset": 0, "length": 6}]
    assert abs(message["date"] - time.time()) < 5


async def test_albums_arrive_as_separate_updates(sandbox: Sandbox) -> None:
    """An album is one update per photo sharing a media_group_id; caption on the first."""
    phone = sandbox.phone(user_id=4006, name="戊")
    await phone.send_album([None, None, None], caption="三张照片")
    got = await updates(sandbox)
    assert len(got) == 3
    group_ids = {u["message"]["media_group_id"] for u in got}
    assert len(group_ids) == 1
    assert [u["message"].get("caption") for u in got] == ["三张照片", None, None]
    sizes = got[0]["message"]["photo"]
    assert len(sizes) == 4 and all(
        {"file_id", "file_unique_id", "file_size"} <= set(s) for s in sizes
    )


async def test_updates_older_than_a_day_are_dropped() -> None:
    """Pending updates are kept 24 hours by the server's clock, then forgotten."""
    now = [1_700_000_000.0]
    server = Sandbox(SandboxState(clock=lambda: now[0]), strict=True)
    await server.start("127.0.0.1", 0)
    try:
        phone = server.phone(user_id=4007, name="己")
        await phone.send("旧消息")
        now[0] += 23 * 3600
        await phone.send("新消息")
        now[0] += 2 * 3600
        assert [u["message"]["text"] for u in await updates(server)] == ["新消息"]
    finally:
        await server.stop()


async def test_second_poller_ends_the_first_with_conflict(sandbox: Sandbox) -> None:
    """Two getUpdates at once: the older one ends with 409 Conflict, as on Telegram."""
    first = asyncio.create_task(raw_call(sandbox, "getUpdates", {"timeout": 5}))
    await asyncio.sleep(0.1)
    await updates(sandbox)
    status, body = await asyncio.wait_for(first, 2)
    assert status == 409 and body["description"].startswith(
        "Conflict: terminated by other getUpdates"
    )
