"""Scripted DingTalk phones: a person in a one-to-one chat with the robot, for tests.

::

    phone = standin.phone("manager4521", "李联络")
    message_id = await phone.send("你好")     # a robot message frame to the Stream client
    item = await phone.expect("收到")          # a webhook reply or batchSend push; within=5 s

``expect`` consumes what the robot sent this person from a cursor, like the Telegram
phones (sandbox/phones.py): a reply that came before ``expect`` is still found, and each
is matched at most once.
"""

from __future__ import annotations

import asyncio
import re
from typing import TYPE_CHECKING, Any

from sandbox.dingtalk.card_phone import CardPhone
from sandbox.dingtalk.incoming import PhoneFiles
from sandbox.dingtalk.state import Received

if TYPE_CHECKING:
    from sandbox.dingtalk.server import DingTalkStandIn

Pattern = str | re.Pattern[str]


class DingTalkPhone(CardPhone, PhoneFiles):
    """One DingTalk user (staff id and nickname) talking to the robot: cards and their
    buttons from CardPhone, pictures and files sent from PhoneFiles."""

    def __init__(self, standin: DingTalkStandIn, staff_id: str, nick: str) -> None:
        self.standin = standin
        self.staff_id = staff_id
        self.nick = nick
        self._cursor = 0
        self._matched: set[int] = set()

    async def send(self, text: str) -> str:
        """Type ``text`` to the robot; returns the pushed frame's messageId."""
        # learn__stream__protocol.md, robot message data: msgtype "text", text.content.
        content: dict[str, Any] = {"msgtype": "text", "text": {"content": text}}
        return await self.standin.push_robot_message(self.staff_id, content)

    def received(self) -> list[Received]:
        """Everything the robot sent this person, oldest first."""
        return self.standin.state.received_by(self.staff_id)

    async def expect(self, pattern: Pattern, *, within: float = 5.0) -> Received:
        """The next unmatched message from the robot whose text matches ``pattern``.

        A string is a substring; a compiled pattern is searched. Fails after ``within``
        seconds with what the phone did receive.
        """
        deadline = asyncio.get_running_loop().time() + within
        while True:
            items = self.received()
            for index in range(self._cursor, len(items)):
                if index not in self._matched and _matches(pattern, items[index].text):
                    self._matched.add(index)
                    while self._cursor in self._matched:
                        self._cursor += 1
                    return items[index]
            if asyncio.get_running_loop().time() > deadline:
                seen = [item.text for item in items[self._cursor :]]
                raise AssertionError(f"{self.nick} never got {pattern!r}; got {seen!r}")
            await asyncio.sleep(0.02)


def _matches(pattern: Pattern, text: str) -> bool:
    """Substring for a string, search for a compiled pattern."""
    if isinstance(pattern, str):
        return pattern in text
    return pattern.search(text) is not None
