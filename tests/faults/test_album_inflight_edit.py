"""An album's one confirmation while Telegram is slow to answer: rewritten in flight, then
edited, never a second message.

The photos of an album arrive as separate updates; the bot confirms them with one message
that it rewrites while it waits (storage.outbox.coalesce). Here the rest of the album is
processed exactly while the confirmation is on its way: the sandbox has delivered it but
holds Telegram's answer until the test lets go, so the race happens on every run. (An
injected hang answers after a fixed time instead, which a slow run could outlast; the hold
here lasts well under PTB's 5 s read timeout, past which the send would count as failed.)
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Iterator
from typing import Any

import pytest

from sandbox.phones import Phone
from tests.harness import Duban, inspector_on_visit

ALBUM = "13000000000000042"


class HeldAnswer:
    """The first call of ``method`` to one chat is carried out, but its answer is held until
    ``release()``: a message Telegram delivered whose reply is still on the wire."""

    def __init__(self, duban: Duban, method: str, chat_id: int) -> None:
        self.entered = asyncio.Event()
        self.released = asyncio.Event()
        self.params: dict[str, Any] = {}
        api = duban.sandbox.api
        original: Callable[..., Any] = api.call

        async def call(bot: Any, name: str, params: dict, uploads: dict) -> Any:
            result = await original(bot, name, params, uploads)
            if name == method and params.get("chat_id") == chat_id and not self.entered.is_set():
                self.params = params
                self.entered.set()
                await self.released.wait()
            return result

        self.call = call

    async def wait_entered(self, seconds: float = 10.0) -> None:
        async with asyncio.timeout(seconds):
            await self.entered.wait()

    def release(self) -> None:
        self.released.set()


@pytest.fixture
def hold(
    duban: Duban, monkeypatch: pytest.MonkeyPatch
) -> Iterator[Callable[[str, Phone], HeldAnswer]]:
    """``hold(method, phone)`` arms a HeldAnswer; it is let go before the bot stops, so a
    failing test does not leave a request hanging into the teardown."""
    armed: list[HeldAnswer] = []

    def arm(method: str, phone: Phone) -> HeldAnswer:
        held = HeldAnswer(duban, method, phone.chat_id)
        monkeypatch.setattr(duban.sandbox.api, "call", held.call)
        armed.append(held)
        return held

    yield arm
    for held in armed:
        held.release()


def _confirmations(phone: Phone) -> list:
    return [m for m in phone.bot_messages if "发现 1" in m.text]


def _outbox_row(duban: Duban, key: str) -> tuple:
    db = duban.db()
    try:
        return db.execute(
            "SELECT method, status, attempts, payload FROM outbox WHERE dedup_key LIKE ? "
            "ORDER BY id DESC LIMIT 1",
            [key],
        ).fetchone()
    finally:
        db.close()


async def test_album_photos_during_the_confirmations_send_edit_it(
    duban: Duban, hold: Callable[[str, Phone], HeldAnswer]
) -> None:
    """Photos of an album processed while its confirmation is being sent end in that same
    message, edited to count them all; every photo is stored once."""
    inspector = await inspector_on_visit(duban, 7301)
    held = hold("sendMessage", inspector)
    edits_before = len(duban.sandbox.state.calls_to("editMessageText"))

    sent = [duban.send_album_photo(inspector, ALBUM, 0)]
    await held.wait_entered()  # after the album's settling delay: "1 photo" is on its way
    assert "照片 1 张" in held.params["text"]
    sent += [duban.send_album_photo(inspector, ALBUM, shade) for shade in (1, 2, 3)]
    await duban.all_processed()

    # The race happened: the row was rewritten while its send was still unanswered.
    method, status, attempts, payload = _outbox_row(duban, "finding:%:1")
    assert (method, status, attempts) == ("sendMessage", "pending", 0)
    assert "照片 4 张" in payload

    held.release()
    await inspector.expect("照片 4 张")
    await duban.settle()

    confirmations = _confirmations(inspector)
    assert len(confirmations) == 1, [m.text for m in confirmations]
    assert "照片 4 张" in confirmations[0].text
    assert confirmations[0].get("edit_date") is not None
    assert len(duban.sandbox.state.calls_to("editMessageText")) == edits_before + 1
    assert duban.album_evidence(ALBUM) == sent  # each photo once


async def test_album_photos_during_the_confirmations_edit_edit_it_again(
    duban: Duban, hold: Callable[[str, Phone], HeldAnswer]
) -> None:
    """Photos processed while an edit of the album's confirmation is being sent are counted
    by a further edit: the one message ends counting every photo."""
    inspector = await inspector_on_visit(duban, 7301)
    sent = [duban.send_album_photo(inspector, ALBUM, 0)]
    await inspector.expect("照片 1 张")
    await duban.settle()

    held = hold("editMessageText", inspector)
    sent.append(duban.send_album_photo(inspector, ALBUM, 1))
    await held.wait_entered()  # "2 photos" is on its way as an edit
    assert "照片 2 张" in held.params["text"]
    sent += [duban.send_album_photo(inspector, ALBUM, shade) for shade in (2, 3)]
    await duban.all_processed()

    method, status, attempts, payload = _outbox_row(duban, "finding:%")
    assert (method, status, attempts) == ("editMessageText", "pending", 0)
    assert "照片 4 张" in payload

    held.release()
    await duban.settle()

    confirmations = _confirmations(inspector)
    assert len(confirmations) == 1, [m.text for m in confirmations]
    assert "照片 4 张" in confirmations[0].text, confirmations[0].text
    assert duban.album_evidence(ALBUM) == sent  # each photo once
