"""What users do on their phones: the update-producing side of the sandbox.

Scripted phones (``sandbox.phones``) and the control API (``sandbox.control_api``) both go
through these functions, so a test and the browser page produce identical updates, shaped
as Telegram shapes them (PhotoSize ladders, ``media_group_id`` albums, ``bot_command``
entities, ``my_chat_member`` when a user blocks the bot).
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from typing import Any

from sandbox.bot_api import file_json
from sandbox.files import photo_sizes_json
from sandbox.formatting import command_entities, utf16_len
from sandbox.images import image_size
from sandbox.limits import CAPTION_MAX
from sandbox.state import BotRecord, CallbackQueryRecord, ChatRecord, SandboxState, UserRecord

Message = dict[str, Any]


@dataclass(frozen=True)
class MediaItem:
    """One photo or video of an album a user sends."""

    kind: str  # "photo" or "video"
    data: bytes


class UserActions:
    """A user's actions in their private chat with one bot."""

    def __init__(self, state: SandboxState, bot: BotRecord, user: UserRecord) -> None:
        self.state = state
        self.bot = bot
        self.user = user

    @property
    def chat(self) -> ChatRecord:
        return self.state.private_chat(self.bot, self.user.id)

    def _post(self, content: dict[str, Any]) -> Message:
        """Store the user's message, queue the ``message`` update, tell the chat watchers."""
        chat = self.chat
        message = self.state.add_message(self.bot, chat, self.user.as_user(), content)
        self.state.emit(self.bot, chat, "message", sender="user", message=message)
        self.state.enqueue_update(self.bot, "message", message)
        return message

    def send_text(self, text: str, *, reply_to: int | None = None) -> Message:
        if not text:
            raise ValueError("Telegram clients do not send empty messages")
        content: dict[str, Any] = {"text": text}
        entities = command_entities(text)
        if entities:
            content["entities"] = entities
        if reply_to is not None and reply_to in self.chat.messages:
            quoted = self.chat.messages[reply_to]
            content["reply_to_message"] = {
                k: v for k, v in quoted.items() if k != "reply_to_message"
            }
        return self._post(content)

    def _caption(self, caption: str | None) -> dict[str, Any]:
        if not caption:
            return {}
        if utf16_len(caption) > CAPTION_MAX:
            raise ValueError(f"caption longer than {CAPTION_MAX} characters")
        content: dict[str, Any] = {"caption": caption}
        entities = command_entities(caption)
        if entities:
            content["caption_entities"] = entities
        return content

    def _photo(self, data: bytes) -> dict[str, Any]:
        size = image_size(data)
        if size is None:
            raise ValueError("photo bytes are not a JPEG, PNG, GIF or WebP image")
        return {"photo": photo_sizes_json(self.state.files.add_photo(data, *size))}

    def _video(self, data: bytes, width: int, height: int, duration: int) -> dict[str, Any]:
        record = self.state.files.add("video", data, file_name="video.mp4", mime_type="video/mp4")
        return {
            "video": file_json(record, {"width": width, "height": height, "duration": duration})
        }

    def send_photo(self, data: bytes, caption: str | None = None) -> Message:
        return self._post({**self._photo(data), **self._caption(caption)})

    def send_album(self, items: list[MediaItem], caption: str | None = None) -> list[Message]:
        """Separate messages sharing a ``media_group_id``; the caption rides on the first."""
        if not 2 <= len(items) <= 10:
            raise ValueError("an album holds 2 to 10 photos or videos")
        group_id = str(13_000_000_000_000_000 + secrets.randbelow(10**15))
        messages = []
        for index, item in enumerate(items):
            media = (
                self._photo(item.data)
                if item.kind == "photo"
                else self._video(item.data, 640, 360, 1)
            )
            extra = self._caption(caption) if index == 0 else {}
            messages.append(self._post({**media, **extra, "media_group_id": group_id}))
        return messages

    def send_document(
        self, data: bytes, file_name: str, mime_type: str, caption: str | None = None
    ) -> Message:
        record = self.state.files.add("document", data, file_name=file_name, mime_type=mime_type)
        return self._post({"document": file_json(record), **self._caption(caption)})

    def send_voice(self, data: bytes, duration: int = 1) -> Message:
        record = self.state.files.add("voice", data, mime_type="audio/ogg")
        return self._post({"voice": file_json(record, {"duration": duration})})

    def send_video(
        self,
        data: bytes,
        *,
        width: int = 640,
        height: int = 360,
        duration: int = 1,
        caption: str | None = None,
    ) -> Message:
        return self._post({**self._video(data, width, height, duration), **self._caption(caption)})

    def send_location(self, latitude: float, longitude: float) -> Message:
        return self._post({"location": {"latitude": latitude, "longitude": longitude}})

    def tap(self, message_id: int, callback_data: str) -> str:
        """Press an inline button: queue a ``callback_query`` update; returns the query id."""
        message = self.chat.messages.get(message_id)
        if message is None:
            raise ValueError(f"message {message_id} is not in the chat (deleted?)")
        buttons = [
            button
            for row in message.get("reply_markup", {}).get("inline_keyboard", [])
            for button in row
        ]
        if not any(button.get("callback_data") == callback_data for button in buttons):
            raise ValueError(f"message {message_id} has no button with data {callback_data!r}")
        query_id = str(self.bot.id * 1000 + self.bot.next_query_id) + str(secrets.randbelow(10**6))
        self.bot.next_query_id += 1

        self.bot.callback_queries[query_id] = CallbackQueryRecord(
            id=query_id,
            user_id=self.user.id,
            chat_id=self.chat.id,
            message_id=message_id,
            data=callback_data,
            created=self.state.now(),
        )
        payload = {
            "id": query_id,
            "from": self.user.as_user(),
            "message": message,
            "chat_instance": str(self.bot.id ^ self.user.id),
            "data": callback_data,
        }
        self.state.emit(self.bot, self.chat, "tap", sender="user", callback_query_id=query_id,
                        message_id=message_id, data=callback_data)  # fmt: skip
        self.state.enqueue_update(self.bot, "callback_query", payload)
        return query_id

    def set_blocked(self, blocked: bool) -> None:
        """Block or unblock the bot; Telegram tells the bot with a ``my_chat_member`` update."""
        chat = self.chat
        if chat.blocked == blocked:
            return
        chat.blocked = blocked
        member = {"status": "member", "user": self.bot.as_user()}
        kicked = {"status": "kicked", "user": self.bot.as_user(), "until_date": 0}
        old, new = (member, kicked) if blocked else (kicked, member)
        self.state.emit(self.bot, chat, "blocked" if blocked else "unblocked", sender="user")
        self.state.enqueue_update(
            self.bot,
            "my_chat_member",
            {
                "chat": self.state.chat_json(chat),
                "from": self.user.as_user(),
                "date": int(self.state.now()),
                "old_chat_member": old,
                "new_chat_member": new,
            },
        )
