"""What the phone page keeps in the sandbox between reloads (issue 14): the user's read mark
in each chat, and a roster the embedder answers afresh on every request."""

from __future__ import annotations

import aiohttp

from sandbox.server import Sandbox
from sandbox.testing import raw_call

USER = 7001


async def test_read_mark_moves_forward_and_survives_a_reload(sandbox: Sandbox) -> None:
    """The page marks the chat read up to an event; the history (what a reloaded page reads)
    says so, a stale mark never moves it back, and a mark past the end stops at the end."""
    base = f"{sandbox.url}/sandbox"
    chat = f"{base}/chats/default/{USER}"
    async with aiohttp.ClientSession() as http:
        await http.post(f"{base}/users", json={"id": USER, "first_name": "甲"})
        async with http.get(chat) as r:
            assert (await r.json())["read_seq"] == 0
        for text in ("一", "二", "三"):
            await raw_call(sandbox, "sendMessage", {"chat_id": USER, "text": text})
        async with http.post(f"{chat}/read", json={"seq": 2}) as r:
            assert await r.json() == {"read_seq": 2}
        async with http.post(f"{chat}/read", json={"seq": 1}) as r:
            assert await r.json() == {"read_seq": 2}
        async with http.get(chat) as r:
            history = await r.json()
        unread = [e for e in history["events"] if e["seq"] > history["read_seq"]]
        assert [e["message"]["text"] for e in unread] == ["三"]
        async with http.post(f"{chat}/read", json={"seq": 99}) as r:
            assert await r.json() == {"read_seq": 3}
        for bad in ({"seq": "2"}, {"seq": -1}, {"seq": True}, {}):
            async with http.post(f"{chat}/read", json=bad) as r:
                assert r.status == 400, bad
                assert "error" in await r.json()


async def test_roster_is_asked_for_on_every_request(sandbox: Sandbox) -> None:
    """With a roster source set, each GET answers who everyone is now."""
    roles = ["新用户", "督查人员"]
    sandbox.roster = [{"user_id": USER, "name": "甲", "role_zh": "固定"}]
    sandbox.roster_source = lambda: [{"user_id": USER, "name": "甲", "role_zh": roles[0]}]
    async with aiohttp.ClientSession() as http:
        async with http.get(f"{sandbox.url}/sandbox/roster") as r:
            assert (await r.json())["people"][0]["role_zh"] == "新用户"
        roles.pop(0)
        async with http.get(f"{sandbox.url}/sandbox/roster") as r:
            assert (await r.json())["people"][0]["role_zh"] == "督查人员"
