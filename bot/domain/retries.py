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

    @property
    def address(self) -> Address | None:
        """The sender's private chat, to apologise in (raw updates here are Telegram's)."""
        return None if self.user_id is None else Address("telegram", str(self.user_id))


PREVIEW_CHARS = 40


def summarise(raw: dict[str, Any]) -> RawSummary:
    """Read a raw update as Telegram sent it, without trusting its shape."""
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


def sender_label(summary: RawSummary, registered_name: str | None) -> str | None:
    """How the office recognises the sender: the registered name first, then Telegram's
    name, @username and id (ids tell apart two people of one name); None if unknown."""
    if summary.user_id is None:
        return None
    parts = [registered_name or summary.name]
    if summary.username:
        parts.append(f"@{summary.username}")
    parts.append(f"({summary.user_id})")
    return " ".join(part for part in parts if part)
