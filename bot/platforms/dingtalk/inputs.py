"""DingTalk's stored frames read as plain values: a robot message or a card tap.

The stream (stream.py) stores each frame as ``{"topic", "messageId", "data"}`` with the
frame's data as DingTalk sent it. Reading it here, apart from running it, keeps DingTalk's
field names in one place: the robot message fields are the SDK's (chatbot.py
``ChatbotMessage.from_dict``) and the protocol page's example; a picture, file, voice note or
video becomes a ``MediaIn`` (bot/domain/visits.py) whose file_id is DingTalk's downloadCode,
the handle the robot downloads it by. A frame that is not what it claims raises
``Malformed``, and the processor sets it aside rather than guess.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from bot.domain.people import DINGTALK
from bot.domain.visits import MediaIn

ROBOT_MESSAGE_TOPIC = "/v1.0/im/bot/messages/get"
CARD_CALLBACK_TOPIC = "/v1.0/card/instances/callback"
ONE_TO_ONE = "1"  # conversationType of a one-to-one chat with the robot ("2": a group)
CARD_PREFIX = "duban-"  # outTrackId of the bot's cards: duban-<outbox row id> (contract, 2)

# msgtype → (MediaIn.kind, a MIME type when DingTalk names none, a file name to show).
_MEDIA = {
    "picture": ("photo", "image/jpeg"),
    "file": ("document", None),
    "audio": ("voice", None),
    "video": ("video", "video/mp4"),
}


class Malformed(ValueError):
    """A stored frame that is not a robot message or card tap the bot can read."""


Part = str | MediaIn  # a robot message's text, or one of its files, in the order sent


@dataclass(frozen=True)
class RobotMessage:
    """What a person sent the robot: its parts in order (a rich text has several)."""

    staff_id: str
    nick: str
    one_to_one: bool
    msg_id: str
    sent_at: datetime
    webhook: str | None
    webhook_expires_at: datetime | None
    parts: tuple[Part, ...]


@dataclass(frozen=True)
class CardTap:
    """A tap on a button of one of the bot's cards: our token, or an answer to type."""

    staff_id: str
    message_id: int | None  # the outbox row the card was sent from (outTrackId)
    token: str | None
    reply: str | None


def parse(raw: dict[str, Any]) -> RobotMessage | CardTap:
    """The stored frame as a robot message or a card tap; raises Malformed."""
    data = raw.get("data")
    if not isinstance(data, dict):
        raise Malformed("a frame without data")
    topic = raw.get("topic")
    if topic == ROBOT_MESSAGE_TOPIC:
        return _robot_message(data)
    if topic == CARD_CALLBACK_TOPIC:
        return _card_tap(data)
    raise Malformed(f"a frame of topic {topic!r}")


def staff_of(raw: dict[str, Any]) -> object:
    """Whose frame this is (their frames are run in order), without trusting its shape."""
    data = raw.get("data")
    if not isinstance(data, dict):
        return None
    return data.get("senderStaffId") or data.get("userId")


def _text(value: object, field: str) -> str:
    if not isinstance(value, str):
        raise Malformed(f"{field} is not text")
    return value


def _time(millis: object) -> datetime | None:
    """DingTalk's epoch milliseconds (a number, or digits) as an aware time."""
    if isinstance(millis, str) and millis.isdigit():
        millis = int(millis)
    if isinstance(millis, int) and not isinstance(millis, bool):
        return datetime.fromtimestamp(millis / 1000, UTC)
    return None


def _robot_message(data: dict[str, Any]) -> RobotMessage:
    staff_id = _text(data.get("senderStaffId"), "senderStaffId")
    msg_id = _text(data.get("msgId"), "msgId")
    sent_at = _time(data.get("createAt"))
    if not staff_id or sent_at is None:
        raise Malformed("a robot message without its sender or time")
    webhook = data.get("sessionWebhook")
    return RobotMessage(
        staff_id=staff_id,
        nick=data.get("senderNick") if isinstance(data.get("senderNick"), str) else staff_id,
        one_to_one=data.get("conversationType") == ONE_TO_ONE,
        msg_id=msg_id,
        sent_at=sent_at,
        webhook=webhook if isinstance(webhook, str) and webhook else None,
        webhook_expires_at=_time(data.get("sessionWebhookExpiredTime")),
        parts=_parts(data, msg_id, sent_at),
    )


def _parts(data: dict[str, Any], msg_id: str, sent_at: datetime) -> tuple[Part, ...]:
    kind = data.get("msgtype")
    content = data.get("content")
    if kind == "text":
        text = data.get("text")
        return (_text(text.get("content") if isinstance(text, dict) else None, "text"),)
    if kind not in _MEDIA and kind != "richText":
        return ()  # a kind the bot does not take (a chat record, a card…): said so politely
    if not isinstance(content, dict):
        raise Malformed(f"a {kind!r} message without content")
    if kind in _MEDIA:
        return (_media(kind, content, f"{msg_id}:0", sent_at),)
    items = content.get("richText")  # words and pictures, in the order written
    if not isinstance(items, list):
        raise Malformed("a rich text without its items")
    parts: list[Part] = []
    for index, item in enumerate(items):
        if isinstance(item, dict) and isinstance(item.get("text"), str):
            parts.append(item["text"])
        elif isinstance(item, dict) and "downloadCode" in item:
            parts.append(_media("picture", item, f"{msg_id}:{index}", sent_at))
    return tuple(parts)


def _media(kind: str, content: dict[str, Any], unique: str, sent_at: datetime) -> MediaIn:
    """A file as the services take it; DingTalk says no size before the download."""
    media_kind, mime = _MEDIA[kind]
    name = content.get("fileName")
    return MediaIn(
        kind=media_kind,
        file_id=_text(content.get("downloadCode"), "downloadCode"),
        file_unique_id=unique,
        size=None,
        mime_type=mime,
        file_name=name if isinstance(name, str) else None,
        caption="",
        media_group_id=None,
        taken_at=sent_at,
        platform=DINGTALK,
    )


def _card_tap(data: dict[str, Any]) -> CardTap:
    staff_id = _text(data.get("userId"), "userId")
    try:
        content = json.loads(_text(data.get("content"), "content"))
        params = content["cardPrivateData"]["params"]
    except (ValueError, KeyError, TypeError) as error:
        raise Malformed(f"a card tap without its parameters: {error!r}") from None
    if not isinstance(params, dict):
        raise Malformed("a card tap whose parameters are not an object")
    token, reply = params.get("token"), params.get("reply")
    return CardTap(
        staff_id=staff_id,
        message_id=_card_message(data.get("outTrackId")),
        token=token if isinstance(token, str) else None,
        reply=reply if isinstance(reply, str) else None,
    )


def _card_message(out_track_id: object) -> int | None:
    """The outbox row a card of ours came from (``duban-<n>``); None for anything else."""
    if isinstance(out_track_id, str) and out_track_id.startswith(CARD_PREFIX):
        number = out_track_id.removeprefix(CARD_PREFIX)
        if number.isdigit():
            return int(number)
    return None
