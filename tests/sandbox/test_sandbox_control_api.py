"""The user-side control API that the phone web page is built on."""

from __future__ import annotations

import asyncio
import io
import json
from typing import Any

import aiohttp

from sandbox.images import make_jpeg
from sandbox.server import Sandbox
from sandbox.testing import raw_call

USER = 7001


async def read_events(response: aiohttp.ClientResponse, count: int) -> list[dict[str, Any]]:
    """The next ``count`` SSE events' data from an open stream."""
    events: list[dict[str, Any]] = []
    while len(events) < count:
        line = (await response.content.readline()).decode().rstrip("\n")
        if line.startswith("data: "):
            events.append(json.loads(line.removeprefix("data: ")))
    return events


async def test_user_chats_with_the_bot_through_the_control_api(sandbox: Sandbox) -> None:
    """A page can create a user, send text and photos, tap buttons and follow the chat."""
    base = f"{sandbox.url}/sandbox"
    chat = f"{base}/chats/default/{USER}"
    async with aiohttp.ClientSession() as http:
        async with http.post(
            f"{base}/users", json={"id": USER, "first_name": "页面用户", "language_code": "zh"}
        ) as r:
            assert (await r.json())["id"] == USER
        async with http.post(f"{chat}/text", json={"text": "/start"}) as r:
            assert (await r.json())["entities"][0]["type"] == "bot_command"
        form = aiohttp.FormData()
        form.add_field(
            "photo", io.BytesIO(make_jpeg(400, 300)), filename="a.jpg", content_type="image/jpeg"
        )
        form.add_field("caption", "现场照片")
        async with http.post(f"{chat}/photo", data=form) as r:
            photo = await r.json()
        assert photo["caption"] == "现场照片" and len(photo["photo"]) == 3

        async with http.get(f"{chat}/events", params={"since": 2}) as stream:
            keyboard = {"inline_keyboard": [[{"text": "确认", "callback_data": "ok"}]]}
            _, sent = await raw_call(
                sandbox, "sendMessage", {"chat_id": USER, "text": "确认?", "reply_markup": keyboard}
            )
            await raw_call(
                sandbox, "sendPhoto", {"chat_id": USER, "photo": photo["photo"][-1]["file_id"]}
            )
            message_event, photo_event = await asyncio.wait_for(read_events(stream, 2), 3)
        assert message_event["kind"] == "message" and message_event["message"]["text"] == "确认?"
        file_url = photo_event["file_urls"][photo["photo"][-1]["file_id"]]
        async with http.get(f"{sandbox.url}{file_url}") as r:
            assert await r.read() == make_jpeg(400, 300)

        tap = {"message_id": sent["result"]["message_id"], "callback_data": "ok"}
        async with http.post(f"{chat}/tap", json=tap) as r:
            query_id = (await r.json())["callback_query_id"]
        async with http.post(f"{chat}/tap", json={**tap, "callback_data": "nope"}) as r:
            assert r.status == 400
        async with http.get(chat) as r:
            history = await r.json()
    assert [m["message_id"] for m in history["messages"]] == [1, 2, 3, 4]
    assert [e["kind"] for e in history["events"]] == [
        "message",
        "message",
        "message",
        "message",
        "tap",
    ]
    _, updates = await raw_call(sandbox, "getUpdates")
    assert updates["result"][-1]["callback_query"]["id"] == query_id


async def test_control_api_operations(sandbox: Sandbox) -> None:
    """Faults, rate limits, blocking and the call log can be driven over HTTP."""
    base = f"{sandbox.url}/sandbox"
    async with aiohttp.ClientSession() as http:
        await http.post(f"{base}/users", json={"id": USER, "first_name": "甲"})
        await http.post(f"{base}/chats/default/{USER}/text", json={"text": "hi"})
        async with http.post(f"{base}/faults", json={"method": "sendMessage", "status": 500}) as r:
            assert (await r.json())["remaining"] == 1
        status, _ = await raw_call(sandbox, "sendMessage", {"chat_id": USER, "text": "x"})
        assert status == 500
        async with http.post(f"{base}/chats/default/{USER}/block", json={"blocked": True}) as r:
            assert (await r.json()) == {"blocked": True}
        status, _ = await raw_call(sandbox, "sendMessage", {"chat_id": USER, "text": "x"})
        assert status == 403
        async with http.post(f"{base}/rate_limits", json={"enabled": False}) as r:
            assert (await r.json()) == {"enabled": False}
        async with http.get(f"{base}/calls") as r:
            calls = await r.json()
        async with http.get(f"{base}/chats/default/999") as r:
            assert r.status == 404
        async with http.get(f"{base}/bots") as r:
            assert (await r.json())[0]["default"] is True
    assert [c["status"] for c in calls] == [500, 403]
