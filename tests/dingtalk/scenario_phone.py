"""A DingTalk person's phone with the Telegram phone's calls, so a scenario runs on both.

The scenario tests (tests/scenarios/) drive sandbox/phones.py ``Phone``: ``send``, ``tap``,
``expect``, ``send_photo``, ``bot_messages``… A module marked ``both_platforms``
(tests/conftest.py) runs each test twice; on DingTalk, ``duban.register`` hands out this
phone instead, and the same test body drives the DingTalk stand-in through the real SDK.

What DingTalk does differently shows through, on purpose:

- a message with buttons is an interactive card, and a decision updates the card in place:
  ``expect`` finds an update as Telegram's phone finds an edit;
- a reply keyboard's choices are card buttons that type their answer back (``press``);
- a photo with a caption is a rich-text message (text and picture, one finding), an album is
  one rich-text message with its pictures;
- a tap has no toast: what Telegram shows there comes as a message, so ``tap`` returns None
  and a test reads the answer with ``tests.harness.answered``;
- a robot receives no location: ``send_location`` fails the test, which is Telegram-only.
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sandbox.dingtalk.cards import Card
from sandbox.dingtalk.phones import DingTalkPhone
from sandbox.dingtalk.server import DingTalkStandIn
from sandbox.dingtalk.state import Received
from sandbox.images import make_jpeg
from sandbox.phones import ExpectationFailed, Pattern, matches

PhotoBytes = bytes | str | Path | None


def as_read(markdown: str) -> str:
    """DingTalk's markdown as the person reads it: no ** or ` marks, links as their words,
    the two spaces that break a line dropped; what Telegram's phone shows as plain text."""
    words = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", markdown)
    words = words.replace("**", "").replace("`", "")
    return re.sub(r" +\n", "\n", words)


@dataclass
class Shown:
    """One message as the phone shows it, with the fields scenarios read of a Telegram
    ``ChatMessage``: its words, its buttons' labels, a picture or a file."""

    text: str
    buttons: list[str] = field(default_factory=list)
    photo: list[dict[str, Any]] | None = None
    document: dict[str, Any] | None = None
    message_id: str = ""  # the card's outTrackId, or the message's place in the chat

    def describe(self) -> str:
        what = "picture" if self.photo else self.document or self.text[:80]
        return f"{what!r} buttons={self.buttons}" if self.buttons else repr(what)


def _picture(received: Received) -> list[dict[str, Any]] | None:
    if received.kind != "sampleImageMsg":
        return None
    return [{"file_id": str(received.body.get("photoURL") or received.body.get("mediaId"))}]


def _document(received: Received) -> dict[str, Any] | None:
    if received.kind != "sampleFile":
        return None
    return {
        "file_name": str(received.body.get("fileName", "")),
        "file_id": str(received.body.get("mediaId", "")),
    }


class DingTalkScenarioPhone:
    """One registered DingTalk user (``staff_id``) in the one-to-one chat with the robot."""

    def __init__(
        self,
        standin: DingTalkStandIn,
        user_id: int,
        name: str,
        *,
        staff_id: str | None = None,
        timeout: float = 10.0,
    ) -> None:
        self.standin = standin
        self.user_id = user_id  # the number the test calls this person by
        self.staff_id = staff_id or f"staff{user_id}"
        self.name = name
        self.timeout = timeout
        self.phone: DingTalkPhone = standin.phone(self.staff_id, name)
        # As the Telegram phone: a second phone of one person (``duban.admin()`` again)
        # expects only what comes after it was taken up; ``bot_messages`` shows the chat.
        self._cursor = len(self.received())
        self._matched: set[int] = set()

    # ----- what the phone shows --------------------------------------------------------

    def received(self) -> list[Received]:
        """Everything the robot sent this person, card updates included, oldest first."""
        return self.phone.received()

    @property
    def bot_messages(self) -> list[Shown]:
        """The chat as it shows now: each card as last updated, in the order it came."""
        shown = []
        for index, item in enumerate(self.received()):
            if item.via == "cardUpdate":
                continue
            shown.append(self._show(index, item))
        return shown

    @property
    def latest(self) -> Shown | None:
        messages = self.bot_messages
        return messages[-1] if messages else None

    @property
    def reply_keyboard(self) -> None:
        """DingTalk has no keyboard under the input field: its choices are card buttons."""
        return None

    # ----- user actions ---------------------------------------------------------------

    async def send(self, text: str, *, reply_to: int | None = None) -> None:
        assert reply_to is None, "a DingTalk robot chat has no replies to a message"
        await self.phone.send(text)

    async def press(self, text: str) -> None:
        """A reply keyboard's choice: on DingTalk, a card button that types it back."""
        await self.tap(text)

    async def tap(
        self, button: str, *, wait_answer: bool = True, within: float | None = None
    ) -> None:
        """Tap a card's button by its text (exact first, else a part of it) on the newest
        card that shows it, and wait until the bot has taken the tap into its inbox (as
        Telegram's phone waits for the tap's answer). DingTalk has no toast: what Telegram
        shows there comes as a message (``tests.harness.answered``)."""
        card, choice = self._card_button(button, lambda choice: True)
        if "url" in choice:
            raise ExpectationFailed(f"{button!r} opens a page, no callback")
        message_id = await self.phone.tap_card(card.out_track_id, choice)
        if wait_answer:
            await self.taken(message_id, within)

    def find_button(self, label: str) -> tuple[Shown, str]:
        """The newest card showing a button ``label`` (exact, else a part of its text), and
        that button's token: kept by a test to tap again once the card no longer shows it
        (``forge_tap``), as Telegram's phone gives a button's callback_data."""
        card, choice = self._card_button(label, lambda choice: bool(choice.get("token")))
        labels = [str(b.get("text", "")) for b in card.buttons()]
        return Shown(as_read(card.markdown), labels, message_id=card.out_track_id), choice["token"]

    def _card_button(
        self, label: str, wanted: Callable[[dict[str, str]], bool]
    ) -> tuple[Card, dict[str, str]]:
        """The newest card with a ``wanted`` button ``label`` (exact first, else a part of
        its text), and that button."""
        for exact in (True, False):
            for card in reversed(self.standin.cards.of(self.staff_id)):
                for choice in card.buttons():
                    text = str(choice.get("text", ""))
                    if ((text == label) if exact else (label in text)) and wanted(choice):
                        return card, choice
        shown = [m.describe() for m in self.bot_messages if m.buttons]
        raise ExpectationFailed(f"{self.name}: no button {label!r}; cards: {shown}")

    async def forge_tap(self, token: str) -> str:
        """A card callback with any token on the newest card, as a modified client could
        send it (``tap`` only presses buttons that are shown); the frame's messageId."""
        cards = self.standin.cards.of(self.staff_id)
        out_track_id = cards[-1].out_track_id if cards else "no-such-card"
        return await self.phone.tap_card(out_track_id, {"text": "?", "token": token})

    async def send_photo(self, photo: PhotoBytes = None, caption: str | None = None) -> None:
        """A picture, or with a caption a rich-text message (the caption, then the picture)."""
        data = _bytes(photo)
        if caption:
            await self.phone.send_rich_text(caption, data)
        else:
            await self.phone.send_picture(data)

    async def send_album(self, photos: Iterable[PhotoBytes], caption: str | None = None) -> None:
        """Several pictures at once: one rich-text message, as DingTalk sends them."""
        pictures = [_bytes(photo, shade) for shade, photo in enumerate(photos)]
        await self.phone.send_rich_text(*([caption] if caption else []), *pictures)

    async def send_document(
        self, data: bytes, file_name: str, mime_type: str = "", caption: str | None = None
    ) -> None:
        assert caption is None, "a DingTalk file message has no caption"
        await self.phone.send_file(file_name, data)

    async def send_voice(self, data: bytes = b"#!AMR\nvoice", duration: int = 1) -> None:
        await self.phone.send_audio(data, seconds=duration)

    async def send_video(
        self, data: bytes = b"\x00\x00\x00\x18ftypmp42", caption: str | None = None
    ) -> None:
        assert caption is None, "a DingTalk video message has no caption"
        await self.phone.send_video(data)

    async def send_location(self, latitude: float, longitude: float) -> None:
        raise ExpectationFailed("a DingTalk robot receives no location: a Telegram-only test")

    def download(self, file_id: str) -> bytes:
        """The bytes of a picture or file the robot sent (its media id)."""
        media = self.standin.media.get(file_id)
        if media is None:
            raise ExpectationFailed(f"no media {file_id!r} in the stand-in")
        return media.data

    # ----- expectations ---------------------------------------------------------------

    async def expect(self, pattern: Pattern, *, within: float | None = None) -> Shown:
        """The next message or card update whose words match (as the person reads them),
        each matched once. Unlike Telegram's phone, earlier ones stay to be matched later:
        replies, pushes and cards travel by different DingTalk APIs, so their order can
        differ from Telegram's. A card is returned as it shows now."""
        index = await self._wait(
            lambda item: matches(pattern, as_read(item.text)), within, f"{pattern!r}"
        )
        return self._show(index, self.received()[index])

    async def expect_message(self, *, within: float | None = None) -> Shown:
        """The next message, whatever it is (a picture, a file, a card)."""
        index = await self._wait(lambda item: item.via != "cardUpdate", within, "a message")
        return self._show(index, self.received()[index])

    async def expect_silence(self, seconds: float = 0.3) -> None:
        """Fail if the robot sends or updates anything in the next ``seconds``."""
        start = len(self.received())
        await asyncio.sleep(seconds)
        said = [as_read(item.text) for item in self.received()[start:]]
        if said:
            raise ExpectationFailed(f"expected silence, but {self.name} got: {said}")

    def skip_to_end(self) -> None:
        """Treat everything the robot sent so far as seen."""
        self._cursor = len(self.received())

    def close(self) -> None:
        """Nothing to stop: the stand-in keeps what it delivered."""

    async def _wait(self, wanted: Any, within: float | None, what: str) -> int:
        loop = asyncio.get_running_loop()
        deadline = loop.time() + (self.timeout if within is None else within)
        while True:
            items = self.received()
            for index in range(self._cursor, len(items)):
                if index not in self._matched and wanted(items[index]):
                    self._matched.add(index)
                    while self._cursor in self._matched:
                        self._cursor += 1
                    return index
            if loop.time() > deadline:
                seen = [as_read(item.text) for item in items[self._cursor :]]
                raise ExpectationFailed(f"{self.name} waited for {what}; got {seen!r}")
            await asyncio.sleep(0.02)

    def _show(self, index: int, item: Received) -> Shown:
        out_track_id = str(item.body.get("outTrackId", "")) if item.kind == "card" else ""
        card = self.standin.cards.get(out_track_id) if out_track_id else None
        if card is not None:
            labels = [str(button.get("text", "")) for button in card.buttons()]
            return Shown(as_read(card.markdown), labels, message_id=out_track_id)
        return Shown(
            as_read(item.text),
            photo=_picture(item),
            document=_document(item),
            message_id=str(index),
        )

    # ----- one particular card's buttons (a chat scrolled back) -----------------------

    def button_token(self, message: Shown, label: str) -> str:
        """The token of the button ``label`` on the card ``message``, as the card shows now."""
        card = self.standin.cards.get(message.message_id)
        if card is None:
            raise ExpectationFailed(f"{self.name}: {message.describe()} is not a card")
        for choice in card.buttons():
            if label in str(choice.get("text", "")) and "token" in choice:
                return str(choice["token"])
        raise ExpectationFailed(f"{self.name}: no button {label!r} on {message.describe()}")

    async def tap_token(self, message: Shown, token: str) -> str:
        """A tap carrying ``token`` on the card ``message`` (one scrolled back to, perhaps
        not redrawn yet on this phone); the callback frame's messageId."""
        return await self.phone.tap_card(message.message_id, {"text": "?", "token": token})

    async def taken(self, message_id: str, within: float | None = None) -> None:
        """Until the bot has acknowledged a frame, which it does once the frame is in its
        inbox: as the Telegram phone's tap waits for its answer, so that ``settle`` after
        a tap waits for the tap's work too."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + (self.timeout if within is None else within)
        while (push := self.standin.state.pushes.get(message_id)) is None or push.ack is None:
            if loop.time() > deadline:
                raise ExpectationFailed(f"{self.name}: the bot never took frame {message_id}")
            await asyncio.sleep(0.02)

    def block_bot(self) -> None:
        """DingTalk's nearest to blocking the robot: the person leaves the organisation, and
        DingTalk refuses their staff id (a card's unknown user, batchSend's
        invalidStaffIdList)."""
        with self.standin.state.lock:
            self.standin.state.staff.pop(self.staff_id, None)

    def unblock(self) -> None:
        """Back in the organisation: DingTalk delivers to them again."""
        with self.standin.state.lock:
            self.standin.state.staff[self.staff_id] = self.name


def _bytes(photo: PhotoBytes, shade: int = 0) -> bytes:
    """As the Telegram phone: JPEG bytes, a path, or a generated 1000×750 picture."""
    if photo is None:
        return make_jpeg(1000, 750, shade)
    if isinstance(photo, bytes):
        return photo
    return Path(photo).read_bytes()
