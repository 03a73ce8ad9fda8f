"""Scripted phones: users that talk to the bot so tests read like scenarios.

::

    phone = sandbox.phone(user_id=1001, name="王督查", language="zh")
    await phone.send("/visit")
    msg = await phone.expect("选择企业")       # substring or regex; within=5 s by default
    await phone.tap("卓远半导体")              # inline button → callback_query, awaits answer
    await phone.press("取消")                  # reply-keyboard button (sends its text)
    await phone.send_photo(caption="门口")     # a real JPEG with Telegram's PhotoSize ladder

A phone sees its own private chat with the bot, in order. ``expect`` consumes what the bot
sent (new messages and edits) from a cursor, so a reply that arrived before ``expect`` was
called is still found, and each bot message is matched at most once.
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sandbox.images import make_jpeg
from sandbox.state import BotRecord, ChatRecord, UserRecord
from sandbox.users import MediaItem, UserActions

if TYPE_CHECKING:
    from sandbox.server import Sandbox

Pattern = str | re.Pattern[str]


@dataclass(frozen=True)
class ChatMessage:
    """A message as the phone shows it (``data`` is the Bot API Message object)."""

    data: dict[str, Any]

    @property
    def message_id(self) -> int:
        return self.data["message_id"]

    @property
    def from_bot(self) -> bool:
        return bool(self.data["from"].get("is_bot"))

    @property
    def text(self) -> str:
        """The text, or the caption of a media message ("" if neither)."""
        return self.data.get("text") or self.data.get("caption") or ""

    @property
    def inline_keyboard(self) -> list[list[dict[str, Any]]]:
        return self.data.get("reply_markup", {}).get("inline_keyboard", [])

    @property
    def buttons(self) -> list[str]:
        """Texts of the inline buttons, row by row."""
        return [button["text"] for row in self.inline_keyboard for button in row]

    @property
    def photo(self) -> list[dict[str, Any]] | None:
        return self.data.get("photo")

    @property
    def document(self) -> dict[str, Any] | None:
        return self.data.get("document")

    def __getitem__(self, key: str) -> Any:
        return self.data[key]

    def get(self, key: str, default: Any = None) -> Any:
        return self.data.get(key, default)

    def describe(self) -> str:
        """One line for failure messages: id, kind, text and buttons."""
        kind = next(
            (
                k
                for k in ("text", "photo", "document", "video", "voice", "location")
                if k in self.data
            ),
            "message",
        )
        parts = [f"#{self.message_id} {kind}"]
        if self.text:
            parts.append(repr(self.text[:200]))
        if self.buttons:
            parts.append(f"buttons={self.buttons}")
        return " ".join(parts)


@dataclass(frozen=True)
class CallbackAnswer:
    """What the bot answered to a tap (``answerCallbackQuery``)."""

    text: str
    show_alert: bool
    url: str | None


class ExpectationFailed(AssertionError):
    """The bot did not do what the scenario expected; the message says what it did."""


@dataclass
class Phone:
    """One user's phone in a private chat with one bot."""

    sandbox: Sandbox
    bot: BotRecord
    user: UserRecord
    timeout: float = 5.0
    _cursor: int = field(default=0, init=False)
    _changed: asyncio.Event = field(default_factory=asyncio.Event, init=False)

    def __post_init__(self) -> None:
        self.actions = UserActions(self.sandbox.state, self.bot, self.user)
        self._unsubscribe = self.sandbox.state.listen(self.bot.id, self.user.id, self._on_event)
        self._cursor = len(self.chat.events)

    def _on_event(self, event: dict[str, Any]) -> None:
        self._changed.set()

    @property
    def user_id(self) -> int:
        return self.user.id

    @property
    def chat_id(self) -> int:
        """Private chat id == user id, as on Telegram."""
        return self.user.id

    @property
    def chat(self) -> ChatRecord:
        """The private chat; an empty one until the user first writes (as on Telegram)."""
        return self.bot.chats.get(self.user.id) or ChatRecord(id=self.user.id, type="private")

    # ----- what the phone shows --------------------------------------------------------

    @property
    def messages(self) -> list[ChatMessage]:
        """The chat history as now shown (both sides, edits applied, deletions gone)."""
        chat = self.chat
        return [ChatMessage(chat.messages[key]) for key in sorted(chat.messages)]

    @property
    def bot_messages(self) -> list[ChatMessage]:
        return [message for message in self.messages if message.from_bot]

    @property
    def latest(self) -> ChatMessage | None:
        """The bot's most recent message still shown, or None."""
        messages = self.bot_messages
        return messages[-1] if messages else None

    @property
    def reply_keyboard(self) -> list[list[str]] | None:
        """Texts of the reply keyboard currently shown under the input field, or None."""
        keyboard = self.chat.reply_keyboard
        if not keyboard:
            return None
        return [[_button_text(button) for button in row] for row in keyboard["keyboard"]]

    @property
    def events(self) -> list[dict[str, Any]]:
        """Everything that happened in the chat (messages, edits, deletions, answers…)."""
        return list(self.chat.events)

    # ----- user actions ---------------------------------------------------------------

    async def send(self, text: str, *, reply_to: int | None = None) -> ChatMessage:
        """Type and send a text (``/commands`` get ``bot_command`` entities)."""
        return ChatMessage(self.actions.send_text(text, reply_to=reply_to))

    async def press(self, text: str) -> ChatMessage:
        """Press a button of the reply keyboard shown now (sends its text)."""
        keyboard = self.reply_keyboard
        if keyboard is None:
            raise ExpectationFailed(f"no reply keyboard is shown, cannot press {text!r}")
        if not any(text == button for row in keyboard for button in row):
            raise ExpectationFailed(f"reply keyboard has no {text!r} button; it shows {keyboard}")
        return await self.send(text)

    async def tap(
        self, button: str, *, wait_answer: bool = True, within: float | None = None
    ) -> CallbackAnswer | None:
        """Tap an inline button by its text on the latest bot message that shows it.

        Exact text wins over a substring match. Waits for ``answerCallbackQuery`` (the
        spinner a user sees until the bot answers) unless ``wait_answer`` is False.
        """
        message, data = self.find_button(button)
        query_id = self.actions.tap(message.message_id, data)
        if not wait_answer:
            return None
        return await self.answer_to(query_id, within=within, what=repr(button))

    async def answer_to(
        self, query_id: str, *, within: float | None = None, what: str = ""
    ) -> CallbackAnswer:
        """Wait for the bot's answerCallbackQuery to the tap ``query_id`` (a tap made by
        ``tap``, ``actions.tap`` or forged by a test)."""
        event = await self._wait_for(
            lambda e: e["kind"] == "answer" and e["callback_query_id"] == query_id,
            0,
            within,
            f"an answer to the tap on {what or query_id} (answerCallbackQuery)",
        )
        return CallbackAnswer(event["text"], event["show_alert"], event.get("url"))

    def find_button(self, label: str) -> tuple[ChatMessage, str]:
        """The latest bot message with an inline button ``label`` (exact, else a part of
        its text), and that button's callback_data."""
        for exact in (True, False):
            for message in reversed(self.bot_messages):
                for row in message.inline_keyboard:
                    for button in row:
                        text = button["text"]
                        if (
                            text == label if exact else label in text
                        ) and "callback_data" in button:
                            return message, button["callback_data"]
        shown = [m.describe() for m in self.bot_messages if m.buttons]
        raise ExpectationFailed(f"no inline button {label!r}; messages with buttons: {shown}")

    async def send_photo(
        self, photo: bytes | str | Path | None = None, caption: str | None = None
    ) -> ChatMessage:
        """Send a photo (JPEG/PNG bytes or a path; default: a generated 1000×750 JPEG)."""
        return ChatMessage(self.actions.send_photo(_bytes(photo), caption))

    async def send_album(
        self, photos: Iterable[bytes | str | Path | None], caption: str | None = None
    ) -> list[ChatMessage]:
        """Send 2–10 photos as one album: separate updates sharing a ``media_group_id``."""
        items = [MediaItem("photo", _bytes(photo, shade)) for shade, photo in enumerate(photos)]
        return [ChatMessage(m) for m in self.actions.send_album(items, caption)]

    async def send_document(
        self, data: bytes, file_name: str, mime_type: str = "application/octet-stream",
        caption: str | None = None,
    ) -> ChatMessage:  # fmt: skip
        return ChatMessage(self.actions.send_document(data, file_name, mime_type, caption))

    async def send_voice(self, data: bytes = b"OggS\x00voice", duration: int = 1) -> ChatMessage:
        return ChatMessage(self.actions.send_voice(data, duration))

    async def send_video(
        self, data: bytes = b"\x00\x00\x00\x18ftypmp42", caption: str | None = None
    ) -> ChatMessage:
        return ChatMessage(self.actions.send_video(data, caption=caption))

    async def send_location(self, latitude: float, longitude: float) -> ChatMessage:
        return ChatMessage(self.actions.send_location(latitude, longitude))

    def block_bot(self) -> None:
        """Block the bot: its sends to this user now fail with 403."""
        self.actions.set_blocked(True)

    def unblock(self) -> None:
        self.actions.set_blocked(False)

    def download(self, file_id: str) -> bytes:
        """The bytes of a file the bot sent (as the phone would show it)."""
        record = self.sandbox.state.files.get(file_id)
        if record is None:
            raise ExpectationFailed(f"no file {file_id!r} in the sandbox")
        return self.sandbox.state.files.read(record)

    # ----- expectations ---------------------------------------------------------------

    async def expect(self, pattern: Pattern, *, within: float | None = None) -> ChatMessage:
        """Wait for a bot message (new or edited) whose text or caption matches.

        A ``str`` matches as a substring or, failing that, as a regular expression; a
        compiled pattern is searched. Messages before the match are skipped.
        """

        def wanted(event: dict[str, Any]) -> bool:
            if event["kind"] not in ("message", "edit") or event.get("sender") != "bot":
                return False
            return matches(pattern, ChatMessage(event["message"]).text)

        event = await self._wait_for(
            wanted, self._cursor, within, f"a message matching {pattern!r}"
        )
        self._cursor = event["seq"]
        current = self.chat.messages.get(event["message"]["message_id"], event["message"])
        return ChatMessage(current)

    async def expect_message(self, *, within: float | None = None) -> ChatMessage:
        """The next bot message, whatever it says (photos, documents…)."""

        def is_new(event: dict[str, Any]) -> bool:
            return event["kind"] == "message" and event.get("sender") == "bot"

        event = await self._wait_for(is_new, self._cursor, within, "any message from the bot")
        self._cursor = event["seq"]
        return ChatMessage(event["message"])

    async def expect_silence(self, seconds: float = 0.3) -> None:
        """Fail if the bot sends or edits anything in the next ``seconds``."""
        start = len(self.chat.events)
        await asyncio.sleep(seconds)
        spoken = [
            e
            for e in self.chat.events[start:]
            if e.get("sender") == "bot" and e["kind"] in ("message", "edit")
        ]
        if spoken:
            said = [ChatMessage(e["message"]).describe() for e in spoken]
            raise ExpectationFailed(f"expected silence, but the bot sent: {said}")

    def skip_to_end(self) -> None:
        """Treat everything the bot sent so far as seen."""
        self._cursor = len(self.chat.events)

    async def _wait_for(
        self, predicate: Any, start: int, within: float | None, wanted: str
    ) -> dict[str, Any]:
        loop = asyncio.get_running_loop()
        deadline = loop.time() + (self.timeout if within is None else within)
        while True:
            self._changed.clear()
            for event in self.chat.events[start:]:
                if predicate(event):
                    return event
            remaining = deadline - loop.time()
            if remaining <= 0:
                raise ExpectationFailed(self._failure(wanted, start))
            try:
                await asyncio.wait_for(self._changed.wait(), remaining)
            except TimeoutError:
                continue

    def _failure(self, wanted: str, start: int) -> str:
        lines = [f"{self.user.first_name} ({self.user.id}) waited for {wanted}; the bot did:"]
        bot_events = [e for e in self.chat.events[start:] if e.get("sender") == "bot"]
        if not bot_events:
            lines.append("  nothing")
        for event in bot_events:
            if "message" in event:
                lines.append(f"  {event['kind']}: {ChatMessage(event['message']).describe()}")
            else:
                details = {k: v for k, v in event.items() if k not in ("seq", "time", "sender")}
                lines.append(f"  {details}")
        return "\n".join(lines)

    def close(self) -> None:
        """Stop listening to the chat."""
        self._unsubscribe()


def matches(pattern: Pattern, text: str) -> bool:
    """How a phone finds a message: a substring, else a regular expression; a compiled
    pattern searched (the DingTalk scenario phone matches the same way)."""
    if isinstance(pattern, re.Pattern):
        return pattern.search(text) is not None
    if pattern in text:
        return True
    try:
        return re.search(pattern, text) is not None
    except re.error:
        return False


def _button_text(button: Any) -> str:
    return button if isinstance(button, str) else button["text"]


def _bytes(photo: bytes | str | Path | None, shade: int = 0) -> bytes:
    if photo is None:
        return make_jpeg(1000, 750, shade)
    if isinstance(photo, bytes):
        return photo
    return Path(photo).read_bytes()
