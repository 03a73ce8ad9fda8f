"""When a failed update is tried again, and what a set-aside update was, for the office.

A handler that fails may have met something passing (Telegram refusing a file download for
a moment, a bug that a fix and a restart cure): trying again at once, three times in a
second, only repeats the failure. So the pause grows with each failed attempt, and after
the last one the update is set aside for an administrator to look at and replay.

The pauses are counted from the failed attempt's time as stored in the inbox row, so a
restart keeps them: nothing about a retry is held only in memory.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from bot.chat import Address

# Seconds to wait after the 1st, 2nd and 3rd failed attempt; the 4th failure sets it aside.
PAUSES: tuple[int, ...] = (1, 5, 30)
MAX_ATTEMPTS = len(PAUSES) + 1


def pause_after(attempts: int) -> timedelta:
    """The pause before the next attempt, once ``attempts`` attempts have failed."""
    if attempts < 1:
        return timedelta(0)
    return timedelta(seconds=PAUSES[min(attempts, len(PAUSES)) - 1])


def retry_at(failed_at: datetime, attempts: int) -> datetime:
    """The moment an update that failed ``attempts`` times (the last at ``failed_at``) is due."""
    return failed_at + pause_after(attempts)


# What an update was, as an administrator would name it (a catalogue key's last part).
KINDS = ("command", "text", "photo", "document", "media", "location", "button", "edit", "other")


@dataclass(frozen=True)
class RawSummary:
    """Who sent a raw update and what it was: enough to recognise it in a list."""

    user_id: int | None
    name: str
    username: str | None
    kind: str
    preview: str
    staff_id: str | None = None  # the sender of a DingTalk frame (then user_id is None)

    @property
    def address(self) -> Address | None:
        """The sender's private chat, to apologise in (a Telegram user's or a DingTalk
        person's one-to-one chat with the robot)."""
        if self.staff_id is not None:
            return Address("dingtalk", self.staff_id)
        return None if self.user_id is None else Address("telegram", str(self.user_id))


PREVIEW_CHARS = 40


def summarise(raw: dict[str, Any]) -> RawSummary:
    """Read a raw update as its platform sent it, without trusting its shape."""
    if isinstance(raw.get("data"), dict) and "topic" in raw:
        return _dingtalk_summary(raw["topic"], raw["data"])
    kind = "other"
    body: dict[str, Any] = {}
    if isinstance(raw.get("callback_query"), dict):
        kind, body = "button", raw["callback_query"]
    elif isinstance(raw.get("edited_message"), dict):
        kind, body = "edit", raw["edited_message"]
    elif isinstance(raw.get("message"), dict):
        body = raw["message"]
        kind = _message_kind(body)
    else:
        for value in raw.values():
            if isinstance(value, dict):
                body = value
                break
    sent_by = body.get("from")
    sender: dict[str, Any] = sent_by if isinstance(sent_by, dict) else {}
    user_id = sender.get("id") if isinstance(sender.get("id"), int) else None
    name = " ".join(
        part
        for part in (sender.get("first_name"), sender.get("last_name"))
        if isinstance(part, str)
    )
    username = sender.get("username") if isinstance(sender.get("username"), str) else None
    text = body.get("text") or body.get("caption") or ""
    preview = text if isinstance(text, str) else ""
    if len(preview) > PREVIEW_CHARS:
        preview = preview[: PREVIEW_CHARS - 1] + "…"
    return RawSummary(user_id, name.strip(), username, kind, preview)


def _message_kind(message: dict[str, Any]) -> str:
    text = message.get("text")
    if isinstance(text, str):
        return "command" if text.startswith("/") else "text"
    if "photo" in message:
        return "photo"
    if "document" in message:
        return "document"
    if any(key in message for key in ("video", "voice", "audio", "video_note")):
        return "media"
    if "location" in message:
        return "location"
    return "other"


# A DingTalk robot message's msgtype as the office names its kind (KINDS).
_DINGTALK_KINDS = {
    "picture": "photo",
    "file": "document",
    "audio": "media",
    "video": "media",
    "richText": "text",
}


def _dingtalk_summary(topic: object, data: dict[str, Any]) -> RawSummary:
    """A stored DingTalk frame (a robot message, or a card tap) summarised the same way."""
    staff_id = data.get("senderStaffId") or data.get("userId")
    nick = data.get("senderNick")
    text = data.get("text")
    typed = text.get("content") if isinstance(text, dict) else None
    preview = typed if isinstance(typed, str) else ""
    if topic == "/v1.0/card/instances/callback":
        kind = "button"
    elif isinstance(typed, str):
        kind = "command" if typed.startswith("/") else "text"
    else:
        kind = _DINGTALK_KINDS.get(str(data.get("msgtype")), "other")
    if len(preview) > PREVIEW_CHARS:
        preview = preview[: PREVIEW_CHARS - 1] + "…"
    return RawSummary(
        None,
        nick if isinstance(nick, str) else "",
        None,
        kind,
        preview,
        staff_id=staff_id if isinstance(staff_id, str) and staff_id else None,
    )


def sender_label(summary: RawSummary, registered_name: str | None) -> str | None:
    """How the office recognises the sender: the registered name first, then the
    platform's name, @username and id (ids tell apart two people of one name); None if
    unknown."""
    if summary.staff_id is not None:
        return f"{registered_name or summary.name} ({summary.staff_id})".strip()
    if summary.user_id is None:
        return None
    parts = [registered_name or summary.name]
    if summary.username:
        parts.append(f"@{summary.username}")
    parts.append(f"({summary.user_id})")
    return " ".join(part for part in parts if part)
