"""The user-side control API that the phone web page is built on."""

from __future__ import annotations

import asyncio
import base64
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
        upload = {"data": base64.b64encode(make_jpeg(400, 300)).decode(), "file_name": "a.jpg"}
        async with http.post(f"{chat}/photo", json={"photo": upload, "caption": "现场照片"}) as r:
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


async def test_files_albums_and_documents_travel_as_json(sandbox: Sandbox) -> None:
    """An album and a document sent as base64 JSON arrive as Telegram messages; a file is
    served as a download that a browser will not run or sniff."""
    chat = f"{sandbox.url}/sandbox/chats/default/{USER}"
    jpeg = base64.b64encode(make_jpeg(400, 300)).decode()
    page = base64.b64encode(b"<script>alert(1)</script>").decode()
    document = {"data": page, "file_name": "报告.html", "mime_type": "text/html"}
    async with aiohttp.ClientSession() as http:
        await http.post(f"{sandbox.url}/sandbox/users", json={"id": USER, "first_name": "甲"})
        async with http.post(f"{chat}/album", json={"photos": [{"data": jpeg}] * 2}) as r:
            album = await r.json()
        async with http.post(f"{chat}/document", json={"document": document}) as r:
            sent = await r.json()
        async with http.post(f"{chat}/photo", json={"photo": {"data": "不是base64"}}) as r:
            assert r.status == 400 and "base64" in (await r.json())["error"]
        async with http.get(f"{sandbox.url}/sandbox/files/{sent['document']['file_id']}") as r:
            assert await r.read() == b"<script>alert(1)</script>"
            assert r.headers["Content-Disposition"].startswith("attachment;")
            assert "%E6%8A%A5%E5%91%8A.html" in r.headers["Content-Disposition"]
            assert r.headers["X-Content-Type-Options"] == "nosniff"
    assert len(album) == 2 and album[0]["media_group_id"] == album[1]["media_group_id"]
    assert sent["document"]["file_name"] == "报告.html"


async def test_the_door_refuses_other_sites_and_other_content_types(sandbox: Sandbox) -> None:
    """A cross-site form post, a page on another origin, or a DNS-rebound host name cannot
    act as a user: 415 for anything but JSON, 403 for a foreign Host or Origin; the
    sandbox's own page (same origin, JSON) still works, and may not be framed elsewhere."""
    base = f"{sandbox.url}/sandbox"
    text = f"{base}/chats/default/{USER}/text"
    own = f"http://localhost:{sandbox.port}"
    async with aiohttp.ClientSession() as http:
        await http.post(f"{base}/users", json={"id": USER, "first_name": "甲"})
        async with http.post(text, data={"text": "/start"}) as r:  # a plain HTML form
            assert r.status == 415
        async with http.post(
            text, data='{"text": "hi"}', headers={"Content-Type": "text/plain"}
        ) as r:
            assert r.status == 415
        evil = {"Origin": "http://evil.example"}
        async with http.post(text, json={"text": "hi"}, headers=evil) as r:
            assert r.status == 403 and "evil.example" in (await r.json())["error"]
        async with http.get(f"{base}/users", headers={"Origin": "null"}) as r:
            assert r.status == 403
        rebound = {"Host": f"evil.example:{sandbox.port}"}
        async with http.get(f"{base}/users", headers=rebound) as r:
            assert r.status == 403
        async with http.post(text, json={"text": "hi"}, headers={"Host": "localhost:1"}) as r:
            assert r.status == 403
        async with http.post(text, json={"text": "同源"}, headers={"Origin": own}) as r:
            assert r.status == 200
        async with http.get(f"{base}/users", headers={"Host": f"localhost:{sandbox.port}"}) as r:
            assert r.status == 200
        async with http.get(f"{sandbox.url}/phone/") as r:  # no framing by another site
            assert r.status == 200 and r.headers["X-Frame-Options"] == "DENY"
    events = sandbox.state.bot_for_token(sandbox.token).chats[USER].events
    texts = [e["message"]["text"] for e in events if "message" in e]
    assert texts == ["同源"]
