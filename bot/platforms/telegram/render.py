"""Neutral messages (bot/chat.py) as Bot API calls: the one place that writes Telegram's JSON.

``Work`` renders each message as it is queued and the outbox keeps the rendering, not the
neutral form. What was queued is then exactly what is sent and retried, byte for byte, and
the sender needs to know nothing of the services' types; a message is bound to its chat's
platform from the start, as its recipient is. Every text and caption is fitted to Telegram's
limits here (bot/i18n/limits.py), the one place every message passes.
"""

from __future__ import annotations

from typing import Any

from bot.chat import (
    Album,
    Attachment,
    ChatAction,
    CommandMenu,
    Delete,
    Edit,
    Outgoing,
    PlacedKeyboard,
    Text,
)
from bot.i18n.limits import fit_payload

Call = tuple[str, dict[str, Any]]

# Telegram shows at most ten pictures in one album.
ALBUM_SIZE = 10
_SEND_BY_KIND = {
    "photo": "sendPhoto",
    "video": "sendVideo",
    "voice": "sendVoice",
    "document": "sendDocument",
}
_ALBUM_KINDS = {"photo", "video"}
_NO_PREVIEW = {"is_disabled": True}


class TelegramRenderer:
    """Turns each neutral message for one chat into the Bot API calls that show it."""

    platform = "telegram"

    def render(self, message: Outgoing, chat: str, lang: str) -> list[Call]:
        chat_id = int(chat)
        calls = self._calls(message, chat_id)
        return [(method, fit_payload(method, payload, lang)) for method, payload in calls]

    def _calls(self, message: Outgoing, chat_id: int) -> list[Call]:
        if isinstance(message, Text):
            return [("sendMessage", _text(message, chat_id))]
        if isinstance(message, Edit):
            payload = _html(chat_id, message.text) | {"message_id": message.message_id}
            if message.buttons:
                payload["reply_markup"] = inline_markup(message.buttons)
            return [("editMessageText", payload)]
        if isinstance(message, Attachment):
            return [_attachment(message, chat_id)]
        if isinstance(message, Album):
            return _album(message, chat_id)
        if isinstance(message, Delete):
            return [("deleteMessage", {"chat_id": chat_id, "message_id": message.message_id})]
        if isinstance(message, ChatAction):
            return [("sendChatAction", {"chat_id": chat_id, "action": message.activity})]
        if isinstance(message, CommandMenu):
            commands = [{"command": n, "description": d} for n, d in message.commands]
            scope = {"type": "chat", "chat_id": chat_id}
            return [("setMyCommands", {"commands": commands, "scope": scope})]
        raise TypeError(f"no Telegram rendering for {type(message).__name__}")


def inline_markup(buttons: PlacedKeyboard) -> dict[str, Any]:
    """Our buttons carry only an opaque token as callback_data (bot/actions.py)."""
    rows = [
        [
            {"text": b.label, "url": b.url}
            if b.url
            else {"text": b.label, "callback_data": b.token}
            for b in row
        ]
        for row in buttons
    ]
    return {"inline_keyboard": rows}


def _html(chat_id: int, text: str) -> dict[str, Any]:
    return {
        "chat_id": chat_id,
        "text": text,
        "parse_mode": "HTML",
        "link_preview_options": _NO_PREVIEW,
    }


def _text(message: Text, chat_id: int) -> dict[str, Any]:
    payload = _html(chat_id, message.text)
    if message.buttons:
        payload["reply_markup"] = inline_markup(message.buttons)
    elif message.request_location:
        payload["reply_markup"] = {
            "keyboard": [[{"text": message.request_location, "request_location": True}]],
            "resize_keyboard": True,
            "one_time_keyboard": True,
        }
    elif message.reply_keyboard:
        payload["reply_markup"] = {
            "keyboard": [[{"text": label} for label in row] for row in message.reply_keyboard],
            "resize_keyboard": True,
        }
    elif message.remove_keyboard:
        payload["reply_markup"] = {"remove_keyboard": True}
    return payload


def _media(file: Attachment) -> str | dict[str, str]:
    """The file's own reference, or a file on disk as the sender uploads it
    (``{"path": …, "filename": …}``, read when the call is made)."""
    if not file.path:
        return file.ref
    spec = {"path": file.path}
    if file.file_name:
        spec["filename"] = file.file_name
    return spec


def _attachment(file: Attachment, chat_id: int) -> Call:
    payload: dict[str, Any] = {"chat_id": chat_id, file.kind: _media(file)}
    if file.caption:
        payload |= {"caption": file.caption, "parse_mode": "HTML"}
    if file.buttons:
        payload["reply_markup"] = inline_markup(file.buttons)
    return _SEND_BY_KIND[file.kind], payload


def _album(album: Album, chat_id: int) -> list[Call]:
    """Pictures and videos in groups of ten (one alone is sent as itself); other files
    one by one after them, since Telegram groups only like with like."""
    shown = [a for a in album.attachments if a.kind in _ALBUM_KINDS]
    others = [a for a in album.attachments if a.kind not in _ALBUM_KINDS]
    calls: list[Call] = []
    for start in range(0, len(shown), ALBUM_SIZE):
        group = shown[start : start + ALBUM_SIZE]
        if len(group) == 1:
            calls.append(_attachment(group[0], chat_id))
            continue
        media = []
        for file in group:
            entry: dict[str, Any] = {"type": file.kind, "media": _media(file)}
            if file.caption:
                entry |= {"caption": file.caption, "parse_mode": "HTML"}
            media.append(entry)
        calls.append(("sendMediaGroup", {"chat_id": chat_id, "media": media}))
    calls += [_attachment(file, chat_id) for file in others]
    return calls
