"""The user-side control API: JSON over HTTP under ``/sandbox/``, for the phone web page.

Everything a Telegram user does goes through here (or through ``sandbox.phones`` in
tests); both use ``sandbox.users``, so the bot receives identical updates. ``{bot}`` is a
bot id, or ``default`` for the sandbox's default token; ``{user}`` is a user id (the
private chat id). Errors answer ``{"error": "..."}`` with 400 or 404.

The door (``control_door``): a web page on another site must not act as a demo user, so
every request under ``/sandbox/`` must name the sandbox itself as its ``Host`` and, when
the browser sends one, its ``Origin`` (403 otherwise: a cross-site form, or a DNS-rebound
name), and every POST must be ``application/json`` (415 otherwise), which a page elsewhere
cannot send without a CORS preflight the sandbox never grants. The sandbox's own names are
its address, ``localhost``, ``127.0.0.1`` and ``[::1]`` at its port, any IP address at its
port when it listens on all interfaces, and ``Sandbox.extra_hosts``. Files are served as
downloads (``Content-Disposition: attachment``, ``X-Content-Type-Options: nosniff``), so an
uploaded HTML or SVG file never runs as a page of the sandbox; the phone page itself may
not be framed by another site (``X-Frame-Options: DENY``).

Users and bots:

* ``GET /sandbox/bots`` → ``[{id, username, first_name, default}]``
* ``GET /sandbox/users`` → ``[User]``
* ``POST /sandbox/users`` JSON ``{id?, first_name, last_name?, username?, language_code?}``
  → User (an id is chosen when absent; posting an existing id updates the profile)
* ``GET /sandbox/roster`` → ``{people, places}``: who the phone page offers to be and
  where its location button may put you, as the embedder set them (``Sandbox.roster``,
  ``Sandbox.places``; both empty unless set, e.g. by ``duban demo``). With
  ``Sandbox.roster_source`` set, the people are asked for on every request, so each one's
  ``role`` is the current one (``duban demo`` reads them from the bot's database: someone
  who registered through an invitation is listed with the role they registered as)

One private chat, ``/sandbox/chats/{bot}/{user}``:

* ``GET  …`` → ``{chat, messages, events, reply_keyboard, blocked, read_seq}`` (history;
  ``read_seq`` is the user's read mark, see ``…/read``)
* ``GET  …/events?since=SEQ`` (or ``Last-Event-ID``) → Server-Sent Events, see below
* ``POST …/text`` JSON ``{text, reply_to?}`` → the user's Message
* ``GET  …/commands`` → the command menu this chat shows (setMyCommands: the chat's
  scope, else all private chats, else the default)
* ``POST …/photo`` JSON ``{photo: File, caption?}`` → Message
* ``POST …/album`` JSON ``{photos: [File × 2–10], caption?}`` → ``[Message]`` (one album)
* ``POST …/document`` JSON ``{document: File, caption?}`` (its name and type kept)

  where File is ``{data: base64, file_name?, mime_type?}``.
* ``POST …/location`` JSON ``{latitude, longitude}`` → Message
* ``POST …/tap`` JSON ``{message_id, callback_data}`` → ``{callback_query_id}``
* ``POST …/block`` JSON ``{blocked: true|false}`` → ``{blocked}``
* ``POST …/read`` JSON ``{seq}`` → ``{read_seq}``: the user has seen the chat up to event
  ``seq``. The mark only moves forward and lives as long as the sandbox, so a reloaded
  page counts as unread only the bot's messages after it.

The phone page (``sandbox/web/``) is served at ``/phone/``; ``/`` redirects there. A
DingTalk person of the roster (``platform`` "dingtalk", ``staff_id``) is reached under
``/sandbox/dingtalk/`` instead: routes an embedder mounts (``Sandbox.extra_routes``; see
``sandbox/dingtalk/control_api.py``), behind the same door.

Files and operations:

* ``GET /sandbox/files/{file_id}`` → the file's bytes with its MIME type
* ``GET /sandbox/calls?since=N`` → Bot API call log entries from index N
* ``GET /sandbox/faults`` → pending faults; ``DELETE /sandbox/faults`` clears them
* ``POST /sandbox/faults`` JSON ``{method, times?, status?, delivered?, hang?,
  hang_seconds?, retry_after?}`` → the fault (see ``sandbox.faults``)
* ``POST /sandbox/rate_limits`` JSON ``{enabled}`` → ``{enabled}``

Chat events (history ``events`` and the SSE stream) are JSON objects with ``seq`` (1, 2, …
per chat), ``kind``, ``time`` and ``sender`` ("bot" or "user"):

* ``message`` — a new message (``message``: Bot API Message); from the bot also
  ``reply_markup`` as sent and ``keyboard``, the reply keyboard shown afterwards (or null);
* ``edit`` — ``message`` is the edited Message; ``delete`` — ``message_id``;
* ``action`` — ``action`` such as "typing"; ``tap`` — the user pressed an inline button;
* ``answer`` — the bot's answerCallbackQuery (``text``, ``show_alert``, ``url``);
* ``blocked`` / ``unblocked``.

Events with a message also carry ``file_urls``: ``{file_id: "/sandbox/files/<file_id>"}``
for every file in it, so the page can show photos and offer downloads. The SSE stream
sends each event as ``id: <seq>``, ``event: <kind>``, ``data: <json>``, replays events
after ``since`` first, and sends a ``: ping`` comment every 15 seconds.
"""

from __future__ import annotations

import asyncio
import base64
import binascii
import ipaddress
import json
from collections.abc import Awaitable, Callable
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING, Any
from urllib.parse import quote, urlsplit

from aiohttp import web

from sandbox.files import StoredFile
from sandbox.state import BotRecord, UserRecord
from sandbox.users import MediaItem, UserActions

if TYPE_CHECKING:
    from sandbox.server import Sandbox

HEARTBEAT_S = 15.0
_FILE_KEYS = ("document", "video", "voice", "audio", "animation", "sticker", "video_note")
WEB_DIR = Path(__file__).parent / "web"
_WEB_TYPES = {".html": "text/html", ".css": "text/css", ".js": "text/javascript",
              ".svg": "image/svg+xml", ".png": "image/png", ".ico": "image/x-icon"}  # fmt: skip


class _Refused(Exception):
    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status


Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]
_LOOPBACK_NAMES = ("localhost", "127.0.0.1", "::1")
_WILDCARD_HOSTS = ("0.0.0.0", "::", "")


def control_door(sandbox: Sandbox) -> Any:
    """The middleware that guards ``/sandbox/`` (see the module docstring)."""

    @web.middleware
    async def door(request: web.Request, handler: Handler) -> web.StreamResponse:
        if not request.path.startswith("/sandbox/"):
            return await handler(request)
        if not is_own_host(sandbox, request.host):
            return _error(403, f"Host {request.host!r} is not this sandbox")
        origin = request.headers.get("Origin")
        if origin is not None and not _is_own_origin(sandbox, origin):
            return _error(403, f"Origin {origin!r} is not this sandbox")
        if request.method == "POST" and request.content_type != "application/json":
            return _error(415, "the control API accepts only application/json")
        return await handler(request)

    return door


def is_own_host(sandbox: Sandbox, host: str) -> bool:
    """Whether ``host`` (a Host header: name or address, and port) names this sandbox."""
    parsed = urlsplit(f"//{host}")
    try:
        name, port = parsed.hostname, parsed.port or 80
    except ValueError:  # a port that is not a number
        return False
    if name is None or port != sandbox.port:
        return False
    bound = sandbox.host.strip("[]").lower()
    if name in (bound, *_LOOPBACK_NAMES) or name in sandbox.extra_hosts:
        return True
    if bound in _WILDCARD_HOSTS:
        # Listening everywhere: reached by address. A name is what a DNS rebinding uses.
        try:
            ipaddress.ip_address(name)
        except ValueError:
            return False
        return True
    return False


def _is_own_origin(sandbox: Sandbox, origin: str) -> bool:
    parsed = urlsplit(origin)
    return parsed.scheme in ("http", "https") and is_own_host(sandbox, parsed.netloc)


def _error(status: int, message: str) -> web.Response:
    return web.json_response({"error": message}, status=status)


def add_control_routes(app: web.Application, sandbox: Sandbox) -> None:
    """Mount the control API under ``/sandbox/``."""
    api = _ControlApi(sandbox)
    chat = "/sandbox/chats/{bot}/{user}"
    app.router.add_get("/sandbox/bots", api.bots)
    app.router.add_get("/sandbox/users", api.users)
    app.router.add_post("/sandbox/users", api.create_user)
    app.router.add_get("/sandbox/roster", api.roster)
    app.router.add_get(chat, api.history)
    app.router.add_get(chat + "/events", api.events)
    app.router.add_post(chat + "/text", api.text)
    app.router.add_get(chat + "/commands", api.commands)
    app.router.add_post(chat + "/photo", api.photo)
    app.router.add_post(chat + "/album", api.album)
    app.router.add_post(chat + "/document", api.document)
    app.router.add_post(chat + "/location", api.location)
    app.router.add_post(chat + "/tap", api.tap)
    app.router.add_post(chat + "/block", api.block)
    app.router.add_post(chat + "/read", api.read)
    app.router.add_get("/sandbox/files/{file_id}", api.file)
    app.router.add_get("/sandbox/calls", api.calls)
    app.router.add_get("/sandbox/faults", api.faults)
    app.router.add_post("/sandbox/faults", api.add_fault)
    app.router.add_delete("/sandbox/faults", api.clear_faults)
    app.router.add_post("/sandbox/rate_limits", api.rate_limits)
    app.router.add_get("/", _to_phone_page)
    app.router.add_get("/phone", _to_phone_page)
    app.router.add_get("/phone/{name:[A-Za-z0-9_-]*(?:[.][a-z]+)?}", _phone_page_file)


async def _to_phone_page(request: web.Request) -> web.StreamResponse:
    raise web.HTTPFound("/phone/")


async def _phone_page_file(request: web.Request) -> web.StreamResponse:
    """A file of the page (the route's pattern allows no slashes, so nothing outside)."""
    path = WEB_DIR / (request.match_info["name"] or "index.html")
    if path.suffix not in _WEB_TYPES or not path.is_file():
        raise web.HTTPNotFound()
    return web.Response(
        body=path.read_bytes(),
        content_type=_WEB_TYPES[path.suffix],
        charset="utf-8" if path.suffix in (".html", ".css", ".js", ".svg") else None,
        # Another site may not frame the page and steer a visitor's clicks on it.
        headers={
            "Cache-Control": "no-cache",
            "X-Frame-Options": "DENY",
            "Content-Security-Policy": "frame-ancestors 'none'",
            "X-Content-Type-Options": "nosniff",
        },
    )


def with_file_urls(event: dict[str, Any]) -> dict[str, Any]:
    """The event plus ``file_urls`` for the files its message holds."""
    message = event.get("message")
    if not message:
        return event
    ids = [size["file_id"] for size in message.get("photo", [])]
    ids += [message[key]["file_id"] for key in _FILE_KEYS if key in message]
    return {**event, "file_urls": {file_id: f"/sandbox/files/{file_id}" for file_id in ids}}


def _guarded(handler: Any) -> Any:
    """Turn refusals and bad input into JSON errors instead of 500s."""

    async def wrapper(self: _ControlApi, request: web.Request) -> web.StreamResponse:
        try:
            return await handler(self, request)
        except _Refused as refused:
            return web.json_response({"error": str(refused)}, status=refused.status)
        except (ValueError, KeyError, TypeError) as error:
            return web.json_response({"error": f"bad request: {error}"}, status=400)

    return wrapper


class _ControlApi:
    def __init__(self, sandbox: Sandbox) -> None:
        self.sandbox = sandbox
        self.state = sandbox.state

    def _bot(self, request: web.Request) -> BotRecord:
        key = request.match_info["bot"]
        if key == "default":
            return self.state.bot_for_token(self.sandbox.token)
        bot = self.state.bots.get(int(key))
        if bot is None:
            raise _Refused(404, f"no bot {key} (bots appear once they call the Bot API)")
        return bot

    def _user(self, request: web.Request) -> UserRecord:
        user = self.state.users.get(int(request.match_info["user"]))
        if user is None:
            raise _Refused(404, f"no user {request.match_info['user']}; POST /sandbox/users first")
        return user

    def _actions(self, request: web.Request) -> UserActions:
        return UserActions(self.state, self._bot(request), self._user(request))

    @_guarded
    async def bots(self, request: web.Request) -> web.StreamResponse:
        default_id = int(self.sandbox.token.split(":", 1)[0])
        return web.json_response(
            [
                {
                    "id": b.id,
                    "username": b.username,
                    "first_name": b.first_name,
                    "default": b.id == default_id,
                }
                for b in self.state.bots.values()
            ]
        )

    @_guarded
    async def users(self, request: web.Request) -> web.StreamResponse:
        return web.json_response([user.as_user() for user in self.state.users.values()])

    @_guarded
    async def create_user(self, request: web.Request) -> web.StreamResponse:
        body = await request.json()
        user_id = body.get("id") or max([100_000, *self.state.users]) + 1
        user = self.state.add_user(
            int(user_id),
            str(body["first_name"]),
            last_name=body.get("last_name"),
            username=body.get("username"),
            language_code=body.get("language_code"),
        )
        return web.json_response(user.as_user())

    @_guarded
    async def roster(self, request: web.Request) -> web.StreamResponse:
        source = self.sandbox.roster_source
        people = source() if source is not None else self.sandbox.roster
        return web.json_response({"people": people, "places": self.sandbox.places}, dumps=_dumps)

    @_guarded
    async def commands(self, request: web.Request) -> web.StreamResponse:
        actions = self._actions(request)
        commands = actions.bot.commands
        scopes = ({"type": "chat", "chat_id": actions.user.id}, {"type": "all_private_chats"},
                  {"type": "default"})  # fmt: skip
        for scope in scopes:
            key = json.dumps(scope, sort_keys=True) + "|"
            if key in commands:
                return web.json_response(commands[key], dumps=_dumps)
        return web.json_response([])

    @_guarded
    async def history(self, request: web.Request) -> web.StreamResponse:
        actions = self._actions(request)
        chat = actions.chat
        return web.json_response(
            {
                "chat": self.state.chat_json(chat),
                "messages": [chat.messages[key] for key in sorted(chat.messages)],
                "events": [with_file_urls(event) for event in chat.events],
                "reply_keyboard": chat.reply_keyboard,
                "blocked": chat.blocked,
                "read_seq": chat.read_seq,
            }
        )

    @_guarded
    async def events(self, request: web.Request) -> web.StreamResponse:
        actions = self._actions(request)
        since = int(request.headers.get("Last-Event-ID") or request.query.get("since", 0))
        queue: asyncio.Queue[dict[str, Any]] = asyncio.Queue()
        unsubscribe = self.state.listen(actions.bot.id, actions.user.id, queue.put_nowait)
        response = web.StreamResponse(
            headers={"Content-Type": "text/event-stream", "Cache-Control": "no-cache"}
        )
        try:
            await response.prepare(request)
            for event in actions.chat.events[since:]:
                await response.write(_sse(event))
            while True:
                try:
                    event = await asyncio.wait_for(queue.get(), HEARTBEAT_S)
                except TimeoutError:
                    await response.write(b": ping\n\n")
                    continue
                if event["seq"] > since:
                    await response.write(_sse(event))
        except (ConnectionResetError, asyncio.CancelledError):
            pass
        finally:
            unsubscribe()
        return response

    @_guarded
    async def text(self, request: web.Request) -> web.StreamResponse:
        body = await request.json()
        message = self._actions(request).send_text(str(body["text"]), reply_to=body.get("reply_to"))
        return web.json_response(message)

    @_guarded
    async def photo(self, request: web.Request) -> web.StreamResponse:
        body = await request.json()
        data, _, _ = _upload(body.get("photo"), "photo")
        message = self._actions(request).send_photo(data, _caption(body))
        return web.json_response(message)

    @_guarded
    async def album(self, request: web.Request) -> web.StreamResponse:
        body = await request.json()
        photos = body.get("photos")
        if not isinstance(photos, list):
            raise _Refused(400, "'photos' (a list of files) is required")
        items = [MediaItem("photo", _upload(photo, "photos")[0]) for photo in photos]
        return web.json_response(self._actions(request).send_album(items, _caption(body)))

    @_guarded
    async def document(self, request: web.Request) -> web.StreamResponse:
        body = await request.json()
        data, file_name, mime_type = _upload(body.get("document"), "document")
        message = self._actions(request).send_document(
            data, file_name or "file", mime_type, _caption(body)
        )
        return web.json_response(message)

    @_guarded
    async def location(self, request: web.Request) -> web.StreamResponse:
        body = await request.json()
        message = self._actions(request).send_location(
            float(body["latitude"]), float(body["longitude"])
        )
        return web.json_response(message)

    @_guarded
    async def tap(self, request: web.Request) -> web.StreamResponse:
        body = await request.json()
        query_id = self._actions(request).tap(int(body["message_id"]), str(body["callback_data"]))
        return web.json_response({"callback_query_id": query_id})

    @_guarded
    async def block(self, request: web.Request) -> web.StreamResponse:
        body = await request.json()
        blocked = bool(body["blocked"])
        self._actions(request).set_blocked(blocked)
        return web.json_response({"blocked": blocked})

    @_guarded
    async def read(self, request: web.Request) -> web.StreamResponse:
        body = await request.json()
        seq = body.get("seq")
        if isinstance(seq, bool) or not isinstance(seq, int) or seq < 0:
            raise _Refused(400, "seq must be a whole number of at least 0")
        chat = self._actions(request).chat
        # Never past the last event (a mark from a page that saw another sandbox's chat), and
        # never backwards (two tabs marking at once).
        chat.read_seq = max(chat.read_seq, min(seq, len(chat.events)))
        return web.json_response({"read_seq": chat.read_seq})

    @_guarded
    async def file(self, request: web.Request) -> web.StreamResponse:
        record = self.state.files.get(request.match_info["file_id"])
        if record is None:
            raise _Refused(404, "no such file")
        return file_response(record, self.state.files.read(record))

    @_guarded
    async def calls(self, request: web.Request) -> web.StreamResponse:
        since = int(request.query.get("since", 0))
        return web.json_response(self.state.calls[since:], dumps=_dumps)

    @_guarded
    async def faults(self, request: web.Request) -> web.StreamResponse:
        return web.json_response([fault.as_json() for fault in self.sandbox.faults.pending])

    @_guarded
    async def add_fault(self, request: web.Request) -> web.StreamResponse:
        body = await request.json()
        fault = self.sandbox.faults.inject(
            str(body["method"]),
            times=int(body.get("times", 1)),
            status=int(body.get("status", 502)),
            delivered=bool(body.get("delivered", False)),
            hang=bool(body.get("hang", False)),
            hang_seconds=float(body.get("hang_seconds", 30.0)),
            retry_after=int(body.get("retry_after", 1)),
        )
        return web.json_response(fault.as_json())

    @_guarded
    async def clear_faults(self, request: web.Request) -> web.StreamResponse:
        self.sandbox.faults.clear()
        return web.json_response({"cleared": True})

    @_guarded
    async def rate_limits(self, request: web.Request) -> web.StreamResponse:
        body = await request.json()
        self.sandbox.rate_limiter.enabled = bool(body["enabled"])
        return web.json_response({"enabled": self.sandbox.rate_limiter.enabled})


def _sse(event: dict[str, Any]) -> bytes:
    data = json.dumps(with_file_urls(event), ensure_ascii=False)
    return f"id: {event['seq']}\nevent: {event['kind']}\ndata: {data}\n\n".encode()


def _dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, default=str)


def _upload(value: Any, field: str) -> tuple[bytes, str | None, str]:
    """A File of a JSON body: (bytes, file name, MIME type)."""
    if not isinstance(value, dict) or not isinstance(value.get("data"), str):
        raise _Refused(400, f"'{field}' must be a file: {{data: base64, file_name?, mime_type?}}")
    try:
        data = base64.b64decode(value["data"], validate=True)
    except (binascii.Error, ValueError):
        raise _Refused(400, f"'{field}' data is not base64") from None
    file_name = value.get("file_name")
    mime_type = value.get("mime_type") or "application/octet-stream"
    return data, str(file_name) if file_name else None, str(mime_type)


def _caption(body: dict[str, Any]) -> str | None:
    caption = body.get("caption")
    return caption if isinstance(caption, str) and caption else None


def file_response(record: StoredFile, data: bytes) -> web.Response:
    """A stored file as a download: never rendered as a page of the sandbox's origin."""
    name = record.file_name or PurePosixPath(record.file_path).name or "file"
    return web.Response(
        body=data,
        content_type=record.mime_type or "application/octet-stream",
        headers={
            "Content-Disposition": f"attachment; filename*=UTF-8''{quote(name, safe='')}",
            "X-Content-Type-Options": "nosniff",
        },
    )
