"""The "outbox has rows" signal, heard by every sender.

Each sender clears its wake-up before reading due rows and waits on it afterwards, so a row
committed in between is never missed. With one sender per platform (Telegram, DingTalk), one
shared ``asyncio.Event`` would not do: one sender's clear could swallow the set meant for
the other, which would then sleep until its next timeout. ``Wakeup`` is that shared event
for whoever sets it (Work's commit, tests) and hands each sender an event of its own.
"""

from __future__ import annotations

import asyncio


class Wakeup(asyncio.Event):
    """An event whose ``set`` also sets every subscriber's own event."""

    def __init__(self) -> None:
        super().__init__()
        self._subscribers: list[asyncio.Event] = []

    def subscribe(self) -> asyncio.Event:
        """A sender's own event: set now (look at once), and on every ``set`` after."""
        event = asyncio.Event()
        event.set()
        self._subscribers.append(event)
        return event

    def set(self) -> None:
        super().set()
        for event in self._subscribers:
            event.set()
