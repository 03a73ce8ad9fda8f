"""The DingTalk stand-in's side of the phone page: JSON under ``/sandbox/dingtalk/``.

The page (``sandbox/web``) is served by the Telegram sandbox and speaks only to it, through
its control door (same Host and Origin, JSON bodies: ``sandbox.control_api``). So these
routes are mounted on the sandbox's application beside its own (``Sandbox.extra_routes``)
and act on the stand-in object, whose own server stays DingTalk's OpenAPI and Stream only:
a phone's message is pushed to the bot over the Stream as ``DingTalkPhone.send`` pushes it,
a tap is the card callback ``phone.tap`` pushes, and what the robot sent is read from what
the stand-in recorded. ``{staff}`` is a DingTalk staff id.

* ``GET  /sandbox/dingtalk/chats/{staff}`` → ``{staff_id, nick, messages, read}``: the chat as
  the phone shows it now, oldest first. A message is ``{from: "bot"|"user", kind, …}``:
  ``text``/``markdown`` (``text``, ``title``), ``card`` (``out_track_id``, ``title``,
  ``markdown`` and ``buttons`` ``[{text, index}]`` as the card shows *now*: an updated card
  is one card, changed in place), ``picture`` (``url``), ``file`` (``name``, ``url``).
* ``POST …/text`` JSON ``{text}`` → ``{message_id}``
* ``POST …/picture`` JSON ``{data: base64}`` → ``{message_id}``
* ``POST …/file``, ``…/audio``, ``…/video`` JSON ``{data: base64, file_name, seconds?}`` →
  ``{message_id}``: a file, voice or video message, as DingTalk's phone app sends a file
  chosen, a voice note recorded, a video from the album (``seconds``: its length, for voice
  and video; 1 when the page could not tell).
* ``POST …/tap`` JSON ``{out_track_id, index}`` → ``{message_id}`` (the callback frame's)
* ``POST …/read`` JSON ``{count}`` → ``{read}``: the page has shown the person ``count`` of
  the robot's messages; the chat's ``read`` says how many, so the page's unread badge
  counts only what came after, across reloads (as the sandbox's ``…/read`` does).
* ``GET  /sandbox/dingtalk/media/{id}`` → a file the robot uploaded (its media id), or a
  file a phone sent (its downloadCode), served as a download like the sandbox's files.

The page polls the chat (DingTalk's phone app shows no Bot API events to stream).
"""

from __future__ import annotations

import base64
import binascii
import re
import threading
from collections.abc import Awaitable
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web

from sandbox.dingtalk.incoming import (
    audio_message,
    file_message,
    keep_file,
    push_card_callback,
    video_message,
)
from sandbox.dingtalk.server import DingTalkStandIn, NoStreamClient
from sandbox.dingtalk.state import Received

ROOT = "/sandbox/dingtalk"
TEXT_LIMIT = 4000  # what one typed DingTalk message may hold, near enough for a demo
NAME_LIMIT = 100  # a file name as the chat shows it
LONGEST_SECONDS = 3600  # a voice note or video longer than an hour is told as an hour
DEFAULT_NAMES = {"file": "file", "audio": "voice.amr", "video": "video.mp4"}


@dataclass
class _Typed:
    """A message a person sent from the page, and how many robot messages came before it
    (so the chat shows both in the order they happened)."""

    after: int
    entry: dict[str, Any]


@dataclass
class DingTalkDesk:
    """What the page did as each DingTalk person, beside what the stand-in recorded."""

    standin: DingTalkStandIn
    typed: dict[str, list[_Typed]] = field(default_factory=dict)
    read: dict[str, int] = field(default_factory=dict)  # robot messages shown, per person
    lock: threading.Lock = field(default_factory=threading.Lock)

    def chat(self, staff_id: str) -> list[dict[str, Any]]:
        """The person's chat now: robot messages and theirs, interleaved as they happened."""
        received = self.standin.state.received_by(staff_id)
        with self.lock:
            typed = list(self.typed.get(staff_id, []))
        shown: list[dict[str, Any]] = []
        for index, item in enumerate(received):
            shown += [t.entry for t in typed if t.after == index]
            entry = self._from_robot(item)
            if entry is not None:
                shown.append(entry)
        shown += [t.entry for t in typed if t.after >= len(received)]
        return shown

    def mark_read(self, staff_id: str, count: int) -> int:
        """The page showed ``count`` robot messages: never more than there are (a page that
        saw another demo's chat), never backwards (two tabs marking at once)."""
        shown = sum(1 for entry in self.chat(staff_id) if entry["from"] == "bot")
        with self.lock:
            read = max(self.read.get(staff_id, 0), min(count, shown))
            self.read[staff_id] = read
        return read

    def read_mark(self, staff_id: str) -> int:
        with self.lock:
            return self.read.get(staff_id, 0)

    def note(self, staff_id: str, entry: dict[str, Any]) -> None:
        after = len(self.standin.state.received_by(staff_id))
        with self.lock:
            self.typed.setdefault(staff_id, []).append(_Typed(after, {"from": "user", **entry}))

    def _from_robot(self, item: Received) -> dict[str, Any] | None:
        """One robot message as the page draws it; a card's update is no message of its
        own (the card is drawn as it is now)."""
        body = item.body
        if item.via == "cardUpdate":
            return None
        if item.via == "card":
            card = self.standin.cards.get(str(body.get("outTrackId", "")))
            if card is None:
                return None
            buttons = [
                {"text": str(button.get("text", "")), "index": index}
                for index, button in enumerate(card.buttons())
            ]
            return {
                "from": "bot",
                "kind": "card",
                "out_track_id": card.out_track_id,
                "title": card.params.get("title", ""),
                "markdown": card.markdown,
                "buttons": buttons,
            }
        if item.kind == "sampleImageMsg":
            photo = str(body.get("photoURL", ""))
            url = photo if photo.startswith("http") else f"{ROOT}/media/{photo}"
            return {"from": "bot", "kind": "picture", "url": url}
        if item.kind == "sampleFile":
            media = str(body.get("mediaId", ""))
            name = str(body.get("fileName", ""))
            return {"from": "bot", "kind": "file", "name": name, "url": f"{ROOT}/media/{media}"}
        kind = "markdown" if item.kind in ("markdown", "sampleMarkdown") else "text"
        title = str(body.get("title", "")) if isinstance(body, dict) else ""
        return {"from": "bot", "kind": kind, "text": item.text, "title": title}


def add_routes(app: web.Application, standin: DingTalkStandIn) -> None:
    """Mount the page's DingTalk routes on the sandbox's application (behind its door)."""
    desk = DingTalkDesk(standin)
    chat = ROOT + "/chats/{staff}"

    async def history(request: web.Request) -> web.Response:
        staff_id = _known(standin, request)
        nick = standin.state.staff[staff_id]
        return web.json_response(
            {
                "staff_id": staff_id,
                "nick": nick,
                "messages": desk.chat(staff_id),
                "read": desk.read_mark(staff_id),
            }
        )

    async def text(request: web.Request) -> web.Response:
        staff_id = _known(standin, request)
        typed = (await _body(request)).get("text")
        if not isinstance(typed, str) or not typed.strip() or len(typed) > TEXT_LIMIT:
            return _error(400, "text must be 1 to 4000 characters")
        desk.note(staff_id, {"kind": "text", "text": typed})
        content = {"msgtype": "text", "text": {"content": typed}}
        return await _pushed(standin.push_robot_message(staff_id, content))

    async def picture(request: web.Request) -> web.Response:
        staff_id = _known(standin, request)
        data = _decoded((await _body(request)).get("data", ""))
        if not data:
            return _error(400, "data must be base64")
        code = keep_file(standin, "picture.jpg", data)
        desk.note(staff_id, {"kind": "picture", "url": f"{ROOT}/media/{code}"})
        content = {"msgtype": "picture", "content": {"downloadCode": code}}
        return await _pushed(standin.push_robot_message(staff_id, content))

    async def media_sent(request: web.Request, kind: str) -> web.Response:
        """A file, voice note or video from the phone, kept for the robot to download."""
        staff_id = _known(standin, request)
        body = await _body(request)
        data = _decoded(body.get("data"))
        if not data:
            return _error(400, "data must be base64")
        name = _file_name(body.get("file_name"), DEFAULT_NAMES[kind])
        seconds = _seconds(body.get("seconds"))
        code = keep_file(standin, name, data)
        desk.note(staff_id, {"kind": kind, "name": name, "url": f"{ROOT}/media/{code}"})
        if kind == "audio":
            content = audio_message(code, seconds)
        elif kind == "video":
            content = video_message(code, seconds, _suffix(name).lstrip(".") or "mp4")
        else:
            content = file_message(code, name)
        return await _pushed(standin.push_robot_message(staff_id, content))

    async def file(request: web.Request) -> web.Response:
        return await media_sent(request, "file")

    async def audio(request: web.Request) -> web.Response:
        return await media_sent(request, "audio")

    async def video(request: web.Request) -> web.Response:
        return await media_sent(request, "video")

    async def read(request: web.Request) -> web.Response:
        staff_id = _known(standin, request)
        count = (await _body(request)).get("count")
        if isinstance(count, bool) or not isinstance(count, int) or count < 0:
            return _error(400, "count must be a whole number of at least 0")
        return web.json_response({"read": desk.mark_read(staff_id, count)})

    async def tap(request: web.Request) -> web.Response:
        staff_id = _known(standin, request)
        body = await _body(request)
        card = standin.cards.get(str(body.get("out_track_id", "")))
        index = body.get("index")
        if card is None or card.staff_id != staff_id:
            return _error(404, "no such card in this chat")
        buttons = card.buttons()
        if not isinstance(index, int) or isinstance(index, bool) or not 0 <= index < len(buttons):
            return _error(400, "no such button on this card")
        button = buttons[index]
        if "url" in button:
            return _error(400, "this button opens a link")
        params = {key: value for key, value in button.items() if key in ("token", "reply")}
        return await _pushed(
            standin.call(push_card_callback(standin, staff_id, card.out_track_id, params))
        )

    async def media(request: web.Request) -> web.Response:
        name = request.match_info["id"]
        uploaded = standin.media.get(name)
        if uploaded is not None:
            return _download(uploaded.file_name, uploaded.data)
        sent = standin.state.files.get(name)
        if sent is not None:
            return _download(*sent)
        return _error(404, "no such file")

    app.router.add_get(chat, history)
    app.router.add_post(chat + "/text", text)
    app.router.add_post(chat + "/picture", picture)
    app.router.add_post(chat + "/file", file)
    app.router.add_post(chat + "/audio", audio)
    app.router.add_post(chat + "/video", video)
    app.router.add_post(chat + "/tap", tap)
    app.router.add_post(chat + "/read", read)
    app.router.add_get(ROOT + "/media/{id}", media)


async def _pushed(push: Awaitable[str]) -> web.Response:
    """The pushed frame's messageId; 503 while no bot is connected to the stream (it
    connects on its own thread a moment after the demo starts), said as such."""
    try:
        return web.json_response({"message_id": await push})
    except NoStreamClient:
        return _error(503, "the bot is not connected to DingTalk yet; try again")


def _known(standin: DingTalkStandIn, request: web.Request) -> str:
    """The chat's staff id, if the stand-in knows that person (404 otherwise)."""
    staff_id = request.match_info["staff"]
    if staff_id not in standin.state.staff:
        raise web.HTTPNotFound(
            text='{"error": "no such DingTalk person"}', content_type="application/json"
        )
    return staff_id


def _decoded(value: object) -> bytes | None:
    """A file's base64 as bytes; None when it is not base64."""
    if not isinstance(value, str):
        return None
    try:
        return base64.b64decode(value, validate=True)
    except (binascii.Error, ValueError):
        return None


def _file_name(value: object, default: str) -> str:
    """The name a file was chosen under, without any folder, as the chat shows it."""
    name = str(value).replace("\\", "/").rsplit("/", 1)[-1].strip() if value else ""
    return name[:NAME_LIMIT] or default


def _seconds(value: object) -> int:
    """A voice note's or video's length in whole seconds (1 when not told)."""
    if isinstance(value, bool) or not isinstance(value, int | float) or value != value:
        return 1
    return round(max(1, min(LONGEST_SECONDS, value)))


def _suffix(name: str) -> str:
    """A file name's extension if it is a plain one (.jpg, .m4a), else nothing: it goes
    into a header."""
    found = re.search(r"\.[A-Za-z0-9]{1,8}$", name)
    return found.group(0).lower() if found else ""


async def _body(request: web.Request) -> dict[str, Any]:
    try:
        body = await request.json()
    except ValueError:
        return {}
    return body if isinstance(body, dict) else {}


def _error(status: int, message: str) -> web.Response:
    return web.json_response({"error": message}, status=status)


# What the chat shows in place: pictures in an <img>, voice and video in <audio>/<video>.
_INLINE_TYPES = {
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".png": "image/png",
    ".amr": "audio/amr",
    ".m4a": "audio/mp4",
    ".mp3": "audio/mpeg",
    ".ogg": "audio/ogg",
    ".wav": "audio/wav",
    ".mp4": "video/mp4",
    ".webm": "video/webm",
}


def _download(name: str, data: bytes) -> web.Response:
    """A file as the sandbox serves its own: a download that never runs as a page, except
    that a picture, voice note or video may be played in place (never HTML or SVG)."""
    suffix = _suffix(name)
    inline = _INLINE_TYPES.get(suffix)
    disposition = "inline" if inline else "attachment"
    return web.Response(
        body=data,
        content_type=inline or "application/octet-stream",
        headers={
            "Content-Disposition": f'{disposition}; filename="file{suffix}"',
            "X-Content-Type-Options": "nosniff",
        },
    )
