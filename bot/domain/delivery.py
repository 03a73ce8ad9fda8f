"""When a message the bot owes someone is given up, and what the administrators are told.

Delivery is at least once: a failure that may pass (a timeout, a 5xx, a 429) is retried.
Some failures never pass, and retrying them would only hold back everything after them:
Telegram refused the request itself (400), refused a file (403 that is not a block), or
found the upload over its 50 MB limit (413). Those rows are given up at once. A failure
that keeps passing for a day is given up too (GIVE_UP_AFTER): by then the message is
stale and the office must know. Either way the row is kept as ``dead`` and the
administrators are told once — nothing is lost in silence.

Order within a chat (see ``storage.outbox.due``): a row waiting for a retry holds back the
rows queued in the same transaction after it (an album and its "received" line, the
evidence and its verification card) for as long as it waits, and every later row of the
chat only during its first ``HOLD_ATTEMPTS`` attempts (a short blip keeps full order).
After that, later rows go ahead: one waiting row never holds a chat's reminders for long.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any, TypeGuard

from bot.chat import Address

GIVE_UP_AFTER = timedelta(hours=24)
HOLD_ATTEMPTS = 3  # backoff 2 s, 4 s, 8 s: about 14 s of strict order, then no more
UPLOAD_LIMIT = 50 * 1024 * 1024  # bytes Telegram takes in one upload from a bot


class Failure(StrEnum):
    """Why a row was given up; each has a sentence for the administrators."""

    REFUSED = "refused"  # 400: Telegram refused the request (too long, bad markup, …)
    FORBIDDEN = "forbidden"  # 403 on something other than a blocked chat
    TOO_BIG = "too_big"  # 413, or a file over UPLOAD_LIMIT found before sending
    NO_FILE = "no_file"  # the file the row names is gone from the disk
    TIMED_OUT = "timed_out"  # GIVE_UP_AFTER of failed attempts
    DINGTALK_REFUSED = "dingtalk_refused"  # DingTalk refused the request (bad parameter, …)
    DINGTALK_TOO_BIG = "dingtalk_too_big"  # a file over DingTalk's 20 MB upload limit
    DINGTALK_TIMED_OUT = "dingtalk_timed_out"  # GIVE_UP_AFTER of failures on DingTalk


class Kind(StrEnum):
    """What kind of message a row is, as the administrators are told."""

    TEXT = "text"
    EDIT = "edit"
    PHOTO = "photo"
    ALBUM = "album"
    DOCUMENT = "document"
    MEDIA = "media"  # video, voice, audio, animation
    OTHER = "other"


_KINDS = {
    "sendmessage": Kind.TEXT,
    "editmessagetext": Kind.EDIT,
    "editmessagecaption": Kind.EDIT,
    "editmessagereplymarkup": Kind.EDIT,
    "sendphoto": Kind.PHOTO,
    "sendmediagroup": Kind.ALBUM,
    "senddocument": Kind.DOCUMENT,
    "sendvideo": Kind.MEDIA,
    "sendvoice": Kind.MEDIA,
    "sendaudio": Kind.MEDIA,
    "sendanimation": Kind.MEDIA,
    # DingTalk's outbox methods (bot/platforms/dingtalk/courier.py)
    "markdown": Kind.TEXT,
    "card": Kind.TEXT,
    "updatecard": Kind.EDIT,
    "file": Kind.DOCUMENT,
}

# A neutral file's kind (bot/chat.py Attachment) as the administrators are told it.
FILE_KINDS = {"photo": Kind.PHOTO, "document": Kind.DOCUMENT, "video": Kind.MEDIA}


def kind_of(method: str) -> Kind:
    return _KINDS.get(method.lower(), Kind.OTHER)


def is_entity_too_large(description: str) -> bool:
    """A 413 as python-telegram-bot reports it: with Telegram's JSON description
    ("Request Entity Too Large") or, from a proxy's HTML page, the status phrase."""
    return "entity too large" in description.lower() or "(413)" in description


def is_blocked(description: str) -> bool:
    """A 403 that means the person cannot be reached at all (blocked, deleted, never
    started): the chat is marked unreachable, not just this one message given up."""
    text = description.lower()
    return any(
        words in text
        for words in ("blocked by the user", "user is deactivated", "can't initiate", "kicked")
    )


def gave_up_waiting(failing_since: datetime | None, now: datetime) -> bool:
    """True once a row has been failing for GIVE_UP_AFTER."""
    return failing_since is not None and now - failing_since >= GIVE_UP_AFTER


@dataclass(frozen=True)
class DeadLetter:
    """A message given up (or never queued), as the administrators' notice describes it."""

    to: Address
    kind: Kind
    failure: Failure
    detail: str  # Telegram's words or the last error, for whoever looks closer
    preview: str  # the start of the text or caption, or the file name; may be ""


def preview_of(payload: dict[str, Any], length: int = 60) -> str:
    """A line that lets an administrator recognise the message: the start of its plain
    text or caption, or the name of its file."""
    text = payload.get("text") or payload.get("caption") or ""
    media = payload.get("media")
    if not text and isinstance(media, list) and media and isinstance(media[0], dict):
        text = media[0].get("caption") or ""
    text = text or file_name_of(payload)
    plain = " ".join(_strip_tags(str(text)).split())
    return plain if len(plain) <= length else plain[: length - 1] + "…"


def is_file_spec(value: object) -> TypeGuard[dict[str, Any]]:
    """Whether a payload field names a file on disk (``{"path": …}``) rather than a
    Telegram file_id: such files are read at send time and count against the upload limit."""
    return isinstance(value, dict) and isinstance(value.get("path"), str)


def file_name_of(payload: dict[str, Any]) -> str:
    """The name of the file on disk a payload sends (``{"path": …}``), or ""."""
    for field in ("document", "photo", "video", "audio", "voice"):
        value = payload.get(field)
        if is_file_spec(value):
            return str(value.get("filename") or value["path"].rsplit("/", 1)[-1])
    return ""


def _strip_tags(html: str) -> str:
    out, inside = [], False
    for char in html:
        if char == "<":
            inside = True
        elif char == ">" and inside:
            inside = False
        elif not inside:
            out.append(char)
    return "".join(out).replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")
