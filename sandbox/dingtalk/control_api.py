"""The DingTalk stand-in's side of the phone page: JSON under ``/sandbox/dingtalk/``.

The page (``sandbox/web``) is served by the Telegram sandbox and speaks only to it, through
its control door (same Host and Origin, JSON bodies: ``sandbox.control_api``). So these
routes are mounted on the sandbox's application beside its own (``Sandbox.extra_routes``)
and act on the stand-in object, whose own server stays DingTalk's OpenAPI and Stream only:
a phone's message is pushed to the bot over the Stream as ``DingTalkPhone.send`` pushes it,
a tap is the card callback ``phone.tap`` pushes, and what the robot sent is read from what
the stand-in recorded. ``{staff}`` is a DingTalk staff id.

* ``GET  /sandbox/dingtalk/chats/{staff}`` → ``{staff_id, nick, messages}``: the chat as
  the phone shows it now, oldest first. A message is ``{from: "bot"|"user", kind, …}``:
  ``text``/``markdown`` (``text``, ``title``), ``card`` (``out_track_id``, ``title``,
  ``markdown`` and ``buttons`` ``[{text, index}]`` as the card shows *now*: an updated card
  is one card, changed in place), ``picture`` (``url``), ``file`` (``name``, ``url``).
* ``POST …/text`` JSON ``{text}`` → ``{message_id}``
* ``POST …/picture`` JSON ``{data: base64}`` → ``{message_id}``
* ``POST …/tap`` JSON ``{out_track_id, index}`` → ``{message_id}`` (the callback frame's)
* ``GET  /sandbox/dingtalk/media/{id}`` → a file the robot uploaded (its media id), or a
  file a phone sent (its downloadCode), served as a download like the sandbox's files.

The page polls the chat (DingTalk's phone app shows no Bot API events to stream).
"""

from __future__ import annotations

import base64
import binascii
import threading
from collections.abc import Awaitable
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web

from sandbox.dingtalk.incoming import keep_file, push_card_callback
from sandbox.dingtalk.server import DingTalkStandIn, NoStreamClient
from sandbox.dingtalk.state import Received

ROOT = "/sandbox/dingtalk"
TEXT_LIMIT = 4000  # what one typed DingTalk message may hold, near enough for a demo


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
            {"staff_id": staff_id, "nick": nick, "messages": desk.chat(staff_id)}
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
        try:
            data = base64.b64decode(str((await _body(request)).get("data", "")), validate=True)
        except (binascii.Error, ValueError):
            return _error(400, "data must be base64")
        if not data:
            return _error(400, "data must be base64")
        code = keep_file(standin, "picture.jpg", data)
        desk.note(staff_id, {"kind": "picture", "url": f"{ROOT}/media/{code}"})
        content = {"msgtype": "picture", "content": {"downloadCode": code}}
        return await _pushed(standin.push_robot_message(staff_id, content))

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
    app.router.add_post(chat + "/tap", tap)
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


async def _body(request: web.Request) -> dict[str, Any]:
    try:
        body = await request.json()
    except ValueError:
        return {}
    return body if isinstance(body, dict) else {}


def _error(status: int, message: str) -> web.Response:
    return web.json_response({"error": message}, status=status)


_IMAGE_TYPES = {".jpg": "image/jpeg", ".jpeg": "image/jpeg", ".png": "image/png"}


def _download(name: str, data: bytes) -> web.Response:
    """A file as the sandbox serves its own: a download that never runs as a page, except
    that a picture may be shown inline by an <img> (it is never HTML or SVG here)."""
    suffix = name[name.rfind(".") :].lower() if "." in name else ""
    image = _IMAGE_TYPES.get(suffix)
    disposition = "inline" if image else "attachment"
    return web.Response(
        body=data,
        content_type=image or "application/octet-stream",
        headers={
            "Content-Disposition": f'{disposition}; filename="file{suffix}"',
            "X-Content-Type-Options": "nosniff",
        },
    )
