"""The demo on both front-ends (issue 16): 周联络 is on DingTalk, the bot is configured for
both, and the phone page reaches DingTalk's stand-in through the sandbox's door
(sandbox/dingtalk/control_api.py): a message typed, a card's button tapped, a picture sent,
each answered by the bot as DingTalk shows it."""

from __future__ import annotations

import asyncio
import base64
import json
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Any

import aiohttp
import pytest

from bot.cli.demo import Demo, start_demo
from sandbox.images import make_jpeg
from storage.db import connect

STAFF = "zhou2003"
CHAT = f"/sandbox/dingtalk/chats/{STAFF}"


@pytest.fixture
async def demo(tmp_path: Path) -> AsyncIterator[Demo]:
    running = await start_demo(tmp_path / "demo")
    try:
        yield running
    finally:
        await running.stop()


async def _chat(session: aiohttp.ClientSession) -> list[dict[str, Any]]:
    async with session.get(CHAT) as response:
        assert response.status == 200
        return (await response.json())["messages"]


async def _until(
    session: aiohttp.ClientSession, found: Callable[[list[dict[str, Any]]], Any]
) -> Any:
    """What ``found`` picks from the chat once it is there (within ten seconds)."""
    for _ in range(200):
        picked = found(await _chat(session))
        if picked:
            return picked
        await asyncio.sleep(0.05)
    raise AssertionError(f"never shown; the chat holds {await _chat(session)}")


def _from_bot(words: str) -> Callable[[list[dict[str, Any]]], Any]:
    def pick(messages: list[dict[str, Any]]) -> Any:
        return next(
            (
                m
                for m in messages
                if m["from"] == "bot" and words in m.get("text", "") + m.get("markdown", "")
            ),
            None,
        )

    return pick


async def test_a_demo_contact_is_on_dingtalk_in_the_roster_and_the_ledger(demo: Demo) -> None:
    async with (
        aiohttp.ClientSession(demo.sandbox.url) as session,
        session.get("/sandbox/roster") as response,
    ):
        people = (await response.json())["people"]
    zhou = next(p for p in people if p["name"] == "周联络")
    assert (zhou["platform"], zhou["staff_id"], zhou["role_zh"]) == ("dingtalk", STAFF, "联络员")
    assert {p["platform"] for p in people if p["name"] != "周联络"} == {"telegram"}
    db = connect(demo.directory / "duban.sqlite")
    try:
        row = db.execute("SELECT platform, account FROM people WHERE name = '周联络'").fetchone()
    finally:
        db.close()
    assert tuple(row) == ("dingtalk", STAFF)
    assert demo.dingtalk is not None and demo.dingtalk.connections() == 1  # the bot's stream


async def test_the_page_talks_taps_and_sends_a_picture_as_a_dingtalk_person(demo: Demo) -> None:
    async with aiohttp.ClientSession(demo.sandbox.url) as session:
        async with session.post(CHAT + "/text", json={"text": "/help"}) as response:
            assert response.status == 200
        await _until(session, _from_bot("可用命令"))
        messages = await _chat(session)
        assert messages[0] == {"from": "user", "kind": "text", "text": "/help"}

        await session.post(CHAT + "/text", json={"text": "/lang"})
        card = await _until(
            session,
            lambda ms: next((m for m in ms if m["kind"] == "card" and m["buttons"]), None),
        )
        english = next(b for b in card["buttons"] if b["text"] == "English")
        tap = {"out_track_id": card["out_track_id"], "index": english["index"]}
        async with session.post(CHAT + "/tap", json=tap) as response:
            assert response.status == 200
        await _until(session, _from_bot("English"))

        photo = base64.b64encode(make_jpeg(64, 48)).decode()
        async with session.post(CHAT + "/picture", json={"data": photo}) as response:
            assert response.status == 200
        sent = await _until(
            session, lambda ms: next((m for m in ms if m["kind"] == "picture"), None)
        )
        async with session.get(sent["url"]) as response:
            assert response.status == 200
            assert (await response.read()).startswith(b"\xff\xd8")  # the JPEG sent


async def test_the_dingtalk_routes_keep_the_sandbox_door(demo: Demo) -> None:
    async with aiohttp.ClientSession(demo.sandbox.url) as session:
        async with session.get("/sandbox/dingtalk/chats/nobody") as response:
            assert response.status == 404
        evil = {"Origin": "http://evil.example"}
        async with session.post(CHAT + "/text", json={"text": "hi"}, headers=evil) as response:
            assert response.status == 403
        async with session.post(CHAT + "/tap", json={"out_track_id": "x", "index": 0}) as response:
            assert response.status == 404
    assert await asyncio.to_thread(lambda: demo.dingtalk and demo.dingtalk.connections()) == 1


async def _inbox_messages(demo: Demo) -> list[dict[str, Any]]:
    """The robot messages the bot took in from DingTalk, as their frames' data."""
    db = connect(demo.directory / "duban.sqlite")
    try:
        rows = db.execute("SELECT raw FROM inbox WHERE platform = 'dingtalk'").fetchall()
        return [json.loads(raw)["data"] for (raw,) in rows]
    finally:
        db.close()


async def test_a_dingtalk_person_sends_a_file_a_voice_note_and_a_video(demo: Demo) -> None:
    """What a Telegram person sends from the page's 文件 choice, a DingTalk person sends
    too: each reaches the bot as DingTalk's own file, audio or video message (the bot
    answers each), shows in the chat under its name, and plays or downloads back."""
    sent = (
        ("file", "整改报告.pdf", b"%PDF-1.4 report"),
        ("audio", "录音.m4a", b"\x00\x00\x00 ftypM4A voice"),
        ("video", "现场.mp4", b"\x00\x00\x00 ftypmp42 video"),
    )
    async with aiohttp.ClientSession(demo.sandbox.url) as session:
        for kind, name, data in sent:
            body = {"data": base64.b64encode(data).decode(), "file_name": name, "seconds": 4.4}
            async with session.post(CHAT + f"/{kind}", json=body) as response:
                assert response.status == 200
        shown = await _until(
            session,
            lambda ms: (
                ms
                if sum(1 for m in ms if m["from"] == "bot" and "材料" in m.get("text", "")) == 3
                else None
            ),
        )
        mine = [m for m in shown if m["from"] == "user"]
        assert [(m["kind"], m["name"]) for m in mine] == [(k, n) for k, n, _ in sent]
        for message, (_, _, data) in zip(mine, sent, strict=True):
            async with session.get(message["url"]) as response:
                assert await response.read() == data
        async with session.get(mine[1]["url"]) as response:
            assert response.content_type == "audio/mp4"  # played in place by the page
        bad = {"data": "not base64!", "file_name": "x.pdf"}
        async with session.post(CHAT + "/file", json=bad) as response:
            assert response.status == 400
    received = {
        m["msgtype"]: m["content"]
        for m in await _inbox_messages(demo)
        if m.get("senderStaffId") == STAFF and m["msgtype"] != "text"
    }
    assert sorted(received) == ["audio", "file", "video"]
    assert received["file"]["fileName"] == "整改报告.pdf"
    assert received["audio"]["duration"] == 4000  # milliseconds, as DingTalk counts
    assert received["video"]["duration"] == 4 and received["video"]["videoType"] == "mp4"


async def test_the_read_mark_counts_only_what_came_after(demo: Demo) -> None:
    """The page marks the robot's messages it showed; the chat says how many, so an unread
    count survives a reload. A mark past the end or backwards changes nothing."""
    async with aiohttp.ClientSession(demo.sandbox.url) as session:
        await session.post(CHAT + "/text", json={"text": "/help"})
        messages = await _until(session, lambda ms: ms if _from_bot("可用命令")(ms) else None)
        robot = sum(1 for m in messages if m["from"] == "bot")
        async with session.post(CHAT + "/read", json={"count": robot + 50}) as response:
            assert (await response.json())["read"] == robot
        async with session.post(CHAT + "/read", json={"count": 0}) as response:
            assert (await response.json())["read"] == robot
        async with session.get(CHAT) as response:
            assert (await response.json())["read"] == robot
        async with session.post(CHAT + "/read", json={"count": -1}) as response:
            assert response.status == 400
