"""The DingTalk stand-in: the Stream gateway and the OpenAPI calls a robot makes, on aiohttp.

It runs on its own thread with its own event loop, never on the loop of the code under
test: the official SDK (``dingtalk-stream``) opens its connection, fetches tokens and
replies through session webhooks with blocking ``requests`` calls, which would hang a
stand-in sharing their loop. Point the SDK at it through ``DINGTALK_OPENAPI_ENDPOINT``
(read when ``dingtalk_stream`` is imported)::

    standin = DingTalkStandIn(port=port)     # the port the env var names
    standin.start()
    phone = standin.phone("manager4521", "李联络")
    await phone.send("你好")                 # a robot message frame to the connected client
    await phone.expect("收到")               # what the robot sent back
    standin.stop()

Routes (each shape's source is in ``limits`` / ``errors`` or beside it):

* ``POST /v1.0/gateway/connections/open`` — endpoint and single-use ticket.
* ``GET /connect?ticket=…`` — the WebSocket stream (SYSTEM / EVENT / CALLBACK frames).
* ``POST /v1.0/oauth2/accessToken`` — the app's access token.
* ``POST /robot/sendBySession?session=…`` — a robot message's sessionWebhook.
* ``POST /v1.0/robot/oToMessages/batchSend`` — one-to-one push to at most 20 people
  (msgParam checked per msgKey in ``messages``).
* ``POST /v1.0/card/instances/createAndDeliver``, ``PUT /v1.0/card/instances`` — cards
  (``cards``); ``POST /media/upload`` — the oapi host's media upload (``media``).

Each API is held to DingTalk's 20 calls a second (``throttle``).
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import threading
import time
import uuid
from collections.abc import Coroutine
from typing import Any, TypeVar

from aiohttp import WSMsgType, web

from sandbox.dingtalk import errors, incoming, limits, messages
from sandbox.dingtalk.cards import CardStore
from sandbox.dingtalk.media import MAX_REQUEST_BYTES, MediaStore
from sandbox.dingtalk.phones import DingTalkPhone
from sandbox.dingtalk.state import (
    DingTalkState,
    DownloadFault,
    Push,
    Received,
    RobotFrame,
    Session,
    Ticket,
    new_message_id,
    robot_frame,
)
from sandbox.dingtalk.throttle import CallRate

T = TypeVar("T")


class NoStreamClient(RuntimeError):
    """A push was asked for but no connected client subscribed to its topic."""


class DingTalkStandIn:
    """DingTalk's servers for one app and its robot, on a thread of their own."""

    def __init__(
        self,
        *,
        client_id: str = "dingsandboxclientid",
        client_secret: str = "sandbox-client-secret-000000000000",
        robot_code: str = "dingsandboxrobot",
        port: int = 0,
        ticket_lifetime: float = limits.TICKET_LIFETIME_SECONDS,
        session_lifetime: float = limits.SESSION_WEBHOOK_LIFETIME_SECONDS,
        event_ack_timeout: float = limits.EVENT_ACK_TIMEOUT_SECONDS,
        disconnect_grace: float = limits.DISCONNECT_GRACE_SECONDS,
    ) -> None:
        self.state = DingTalkState(client_id, client_secret, robot_code)
        self.rate = CallRate()  # DingTalk's 20 calls a second per API (throttle.py)
        self.cards = CardStore(self.state, self.rate)
        self.media = MediaStore(self.state, self.rate)
        self.ticket_lifetime = ticket_lifetime
        self.session_lifetime = session_lifetime
        self.event_ack_timeout = event_ack_timeout
        self.disconnect_grace = disconnect_grace
        self._port = port
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        self._runner: web.AppRunner | None = None
        self._connections: list[tuple[web.WebSocketResponse, list[dict[str, str]]]] = []
        self._numbers: dict[web.WebSocketResponse, int] = {}  # each stream's number, from 1
        self._acked: dict[str, asyncio.Event] = {}
        self._tasks: set[asyncio.Task[None]] = set()

    # -- life cycle (called from the test's thread) --------------------------------------

    @property
    def url(self) -> str:
        """The OpenAPI root to give the SDK as DINGTALK_OPENAPI_ENDPOINT."""
        return f"http://127.0.0.1:{self._port}"

    def start(self) -> None:
        """Start the server on its own thread and loop; returns once it is listening."""
        ready = threading.Event()
        failure: list[BaseException] = []

        def run() -> None:
            loop = asyncio.new_event_loop()
            self._loop = loop
            try:
                loop.run_until_complete(self._serve())
            except BaseException as error:  # reported to start()'s caller below
                failure.append(error)
                ready.set()
                loop.close()
                return
            ready.set()
            loop.run_forever()
            loop.run_until_complete(self._shutdown())
            loop.close()

        self._thread = threading.Thread(target=run, name="dingtalk-stand-in", daemon=True)
        self._thread.start()
        ready.wait(10)
        if failure:
            raise failure[0]

    def stop(self) -> None:
        """Close every stream, stop the server and join its thread."""
        if self._loop is None or self._thread is None:
            return
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(10)
        self._loop = None
        self._thread = None

    async def call(self, coroutine: Coroutine[Any, Any, T]) -> T:
        """Run ``coroutine`` on the stand-in's loop and await its result from the caller's."""
        assert self._loop is not None, "the stand-in is not running"
        return await asyncio.wrap_future(asyncio.run_coroutine_threadsafe(coroutine, self._loop))

    # -- what tests script -----------------------------------------------------------------

    def phone(self, staff_id: str, nick: str) -> DingTalkPhone:
        """A scripted DingTalk user in a one-to-one chat with the robot."""
        self.state.staff[staff_id] = nick
        return DingTalkPhone(self, staff_id, nick)

    async def push_robot_message(self, staff_id: str, content: dict[str, Any]) -> str:
        """Push a one-to-one robot message from ``staff_id``; returns the frame's messageId."""
        return await self.call(self._push_robot_message(staff_id, content))

    async def push_event(self, event_type: str, data: dict[str, Any]) -> str:
        """Push an EVENT (pushed again until acknowledged); returns the frame's messageId."""
        return await self.call(self._push_event(event_type, data))

    async def ping(self, opaque: str) -> dict[str, Any]:
        """Send a SYSTEM ping and return the client's ACK (its data must echo ``opaque``)."""
        return await self.call(self._ping(opaque))

    async def disconnect(self, reason: str = "connection is expired") -> None:
        """Send SYSTEM disconnect to every client and close their sockets after the grace."""
        await self.call(self._disconnect(reason))

    def push(self, message_id: str) -> Push:
        """What became of a push: how many times it went out and the ACK it got."""
        return self.state.pushes[message_id]

    async def robot_frames(self) -> list[RobotFrame]:
        """Every robot-message frame the stand-in tried to push, in order, with whether it
        went out and whether it was acknowledged (read on the stand-in's loop)."""
        return await self.call(self._robot_frames())

    async def _robot_frames(self) -> list[RobotFrame]:
        return [
            robot_frame(push, self.state.closed_streams)
            for push in self.state.pushes.values()
            if push.frame["headers"]["topic"] == limits.ROBOT_MESSAGE_TOPIC
        ]

    def connections(self) -> int:
        """How many Stream clients are connected now."""
        return len(self._connections)

    def fail_downloads(self, times: int) -> DownloadFault:
        """Make the next ``times`` robot file downloads answer HTTP 500 (an outage); the
        fault counts them (``fired``) and ``clear()`` ends it."""
        fault = DownloadFault(times)
        with self.state.lock:
            self.state.download_fault = fault
        return fault

    # -- the server (on the stand-in's loop) ----------------------------------------------

    async def _serve(self) -> None:
        app = web.Application(client_max_size=MAX_REQUEST_BYTES)  # uploads up to 20 MB
        app.router.add_post("/v1.0/gateway/connections/open", self._open_connection)
        app.router.add_get("/connect", self._stream)
        app.router.add_post("/v1.0/oauth2/accessToken", self._access_token)
        app.router.add_post("/robot/sendBySession", self._send_by_session)
        app.router.add_post("/v1.0/robot/oToMessages/batchSend", self._batch_send)
        app.router.add_post("/v1.0/card/instances/createAndDeliver", self.cards.create_and_deliver)
        app.router.add_put("/v1.0/card/instances", self.cards.update)
        app.router.add_post("/media/upload", self.media.upload)
        incoming.add_routes(app, self)  # file downloads (sandbox/dingtalk/incoming.py)
        runner = web.AppRunner(app, access_log=None, shutdown_timeout=1.0)
        await runner.setup()
        await web.TCPSite(runner, "127.0.0.1", self._port, reuse_address=True).start()
        self._runner = runner
        self._port = runner.addresses[0][1]

    async def _shutdown(self) -> None:
        for task in list(self._tasks):
            task.cancel()
        for ws, _ in list(self._connections):
            with contextlib.suppress(Exception):
                await ws.close()
        if self._runner is not None:
            await self._runner.cleanup()

    async def _json_body(self, request: web.Request) -> dict[str, Any] | None:
        with contextlib.suppress(ValueError):
            body = await request.json()
            if isinstance(body, dict):
                return body
        return None

    async def _open_connection(self, request: web.Request) -> web.Response:
        # learn__stream__protocol.md, step one: clientId, clientSecret, subscriptions
        # → endpoint, ticket.
        body = await self._json_body(request)
        if (
            body is None
            or body.get("clientId") != self.state.client_id
            or body.get("clientSecret") != self.state.client_secret
        ):
            return errors.openapi_error(*errors.BAD_CREDENTIALS)
        subscriptions = body.get("subscriptions")
        if not isinstance(subscriptions, list) or not subscriptions:
            return errors.openapi_error(400, errors.BAD_PARAMETER, "subscriptions is required")
        ticket = str(uuid.uuid4())
        self.state.tickets[ticket] = Ticket(subscriptions, time.time() + self.ticket_lifetime)
        endpoint = f"ws://127.0.0.1:{self._port}/connect"
        return web.json_response({"endpoint": endpoint, "ticket": ticket})

    async def _stream(self, request: web.Request) -> web.StreamResponse:
        # learn__stream__protocol.md, step two: GET {endpoint}?ticket=…; the ticket is checked
        # before the handshake completes. A refused ticket answers 401 (assumed).
        ticket = self.state.tickets.get(request.query.get("ticket", ""))
        if ticket is None or ticket.used or ticket.expires_at <= time.time():
            return errors.openapi_error(401, "InvalidTicket", "ticket is invalid, expired or used")
        ticket.used = True
        ws = web.WebSocketResponse()
        await ws.prepare(request)
        entry = (ws, ticket.subscriptions)
        self._connections.append(entry)
        self._numbers[ws] = number = len(self._numbers) + 1
        try:
            async for message in ws:
                if message.type == WSMsgType.TEXT:
                    self._receive_ack(message.data)
        finally:
            self._connections.remove(entry)
            self.state.closed_streams.add(number)
        return ws

    def _receive_ack(self, raw: str) -> None:
        # learn__stream__protocol.md, 通用字段说明: the ACK is
        # {code, headers.messageId, message, data}.
        with contextlib.suppress(ValueError, AttributeError, TypeError):
            ack = json.loads(raw)
            message_id = ack["headers"]["messageId"]
            push = self.state.pushes.get(message_id)
            if push is not None and push.ack is None:
                push.ack = ack
                event = self._acked.get(message_id)
                if event is not None:
                    event.set()

    def _client_for(self, frame_type: str, topic: str) -> web.WebSocketResponse:
        # learn__stream__faq.md: with several streams DingTalk picks one at random; the
        # stand-in takes the first subscribed one so tests are repeatable.
        for ws, subscriptions in self._connections:
            for subscription in subscriptions:
                if subscription.get("type") == frame_type and subscription.get("topic") in (
                    topic,
                    "*",
                ):
                    return ws
        raise NoStreamClient(f"no stream client subscribed to {frame_type} {topic}")

    async def _send(self, frame_type: str, topic: str, frame: dict[str, Any]) -> Push:
        if frame_type == "SYSTEM":
            # learn__stream__protocol.md, 系统推送: every stream gets SYSTEM frames, unsubscribed.
            targets = [ws for ws, _ in self._connections]
        else:
            targets = [self._client_for(frame_type, topic)]
        message_id = frame["headers"]["messageId"]
        push = self.state.pushes.setdefault(message_id, Push(message_id, frame))
        for target in targets:
            await target.send_str(json.dumps(frame, ensure_ascii=False))
        push.pushes += 1
        if frame_type != "SYSTEM":
            push.stream = self._numbers[targets[0]]
        return push

    def _frame(
        self, frame_type: str, topic: str, data: dict[str, Any], **headers: str
    ) -> dict[str, Any]:
        # learn__stream__protocol.md, 通用字段说明: specVersion, type, headers (topic, messageId,
        # contentType, time in ms as a string as in the examples) and data as a JSON string.
        return {
            "specVersion": "1.0",
            "type": frame_type,
            "headers": {
                "appId": self.state.client_id,
                "contentType": "application/json",
                "messageId": new_message_id(),
                "time": str(int(time.time() * 1000)),
                "topic": topic,
                **headers,
            },
            "data": json.dumps(data, ensure_ascii=False),
        }

    async def _push_robot_message(self, staff_id: str, content: dict[str, Any]) -> str:
        # learn__stream__protocol.md, 回调推送一 (robot message data) with conversationType "1"
        # (one-to-one, assumed: the page shows a group chat, "2"). Fire-and-forget: pushed once.
        now = time.time()
        session = uuid.uuid4().hex
        self.state.sessions[session] = Session(staff_id, now + self.session_lifetime)
        data = {
            "conversationId": f"cid{staff_id}==",
            "chatbotCorpId": self.state.corp_id,
            "chatbotUserId": f"$:LWCP_v1:${self.state.robot_code}",
            "msgId": f"msg{uuid.uuid4().hex}",
            "senderNick": self.state.staff.get(staff_id, staff_id),
            "isAdmin": False,
            "senderStaffId": staff_id,
            "sessionWebhookExpiredTime": int((now + self.session_lifetime) * 1000),
            "createAt": int(now * 1000),
            "senderCorpId": self.state.corp_id,
            "conversationType": "1",
            "senderId": f"$:LWCP_v1:${staff_id}",
            "isInAtList": True,
            "sessionWebhook": f"{self.url}/robot/sendBySession?session={session}",
            "robotCode": self.state.robot_code,
            **content,
        }
        frame = self._frame("CALLBACK", limits.ROBOT_MESSAGE_TOPIC, data)
        push = await self._send("CALLBACK", limits.ROBOT_MESSAGE_TOPIC, frame)
        return push.message_id

    async def _push_event(self, event_type: str, data: dict[str, Any]) -> str:
        # learn__stream__protocol.md, 事件推送 (headers eventType, eventId, eventCorpId …) and
        # learn__stream__faq.md: an EVENT not acknowledged is pushed again after a timeout.
        now = str(int(time.time() * 1000))
        frame = self._frame(
            "EVENT",
            "*",
            data,
            eventType=event_type,
            eventId=uuid.uuid4().hex,
            eventCorpId=self.state.corp_id,
            eventBornTime=now,
            eventUnifiedAppId=self.state.client_id,
        )
        message_id = frame["headers"]["messageId"]
        self._acked[message_id] = asyncio.Event()
        await self._send("EVENT", "*", frame)
        task = asyncio.get_running_loop().create_task(self._push_again_until_acked(message_id))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)
        return message_id

    async def _push_again_until_acked(self, message_id: str) -> None:
        push = self.state.pushes[message_id]
        while push.pushes < limits.EVENT_MAX_PUSHES:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._acked[message_id].wait(), self.event_ack_timeout)
                return
            with contextlib.suppress(NoStreamClient, ConnectionError):
                await self._send("EVENT", "*", push.frame)

    async def _ping(self, opaque: str) -> dict[str, Any]:
        # learn__stream__protocol.md, ping: data {"opaque": …}; the ACK's data echoes it.
        frame = self._frame("SYSTEM", "ping", {"opaque": opaque})
        message_id = frame["headers"]["messageId"]
        self._acked[message_id] = asyncio.Event()
        await self._send("SYSTEM", "ping", frame)
        await asyncio.wait_for(self._acked[message_id].wait(), self.event_ack_timeout)
        ack = self.state.pushes[message_id].ack
        assert ack is not None
        return ack

    async def _disconnect(self, reason: str) -> None:
        # learn__stream__protocol.md, disconnect: data {"reason": …}, no response expected, the
        # server closes the TCP connection after 10 s of silence.
        # Only the streams told to go are closed: a client that reconnected meanwhile stays.
        told = [ws for ws, _ in self._connections]
        frame = self._frame("SYSTEM", "disconnect", {"reason": reason})
        await self._send("SYSTEM", "disconnect", frame)
        await asyncio.sleep(self.disconnect_grace)
        for ws in told:
            await ws.close()

    async def _access_token(self, request: web.Request) -> web.Response:
        # SDK stream.py get_access_token: POST {appKey, appSecret} → {accessToken, expireIn}.
        body = await self._json_body(request)
        if (
            body is None
            or body.get("appKey") != self.state.client_id
            or body.get("appSecret") != self.state.client_secret
        ):
            return errors.openapi_error(*errors.BAD_APP_SECRET)
        token = uuid.uuid4().hex
        self.state.tokens[token] = time.time() + limits.ACCESS_TOKEN_LIFETIME_SECONDS
        return web.json_response(
            {"accessToken": token, "expireIn": limits.ACCESS_TOKEN_LIFETIME_SECONDS}
        )

    async def _send_by_session(self, request: web.Request) -> web.Response:
        # SDK chatbot.py reply_text / reply_markdown: {"msgtype": "text", "text": {"content"}}
        # or {"msgtype": "markdown", "markdown": {"title", "text"}} posted to sessionWebhook.
        session = self.state.sessions.get(request.query.get("session", ""))
        if session is None or session.expires_at <= time.time():
            return errors.oapi_error(*errors.SESSION_EXPIRED)
        body = await self._json_body(request)
        kind = body.get("msgtype") if body else None
        if (
            body is None
            or kind not in limits.WEBHOOK_MSGTYPES
            or not isinstance(body.get(kind), dict)
        ):
            return errors.oapi_error(40035, "缺少参数 msgtype 或消息内容")
        part = body[kind]
        text = part.get("content") if kind == "text" else part.get("text")
        if not isinstance(text, str) or not text:
            return errors.oapi_error(40035, "缺少参数 content")
        self.state.deliver(session.staff_id, Received("webhook", kind, text, body))
        return web.json_response({"errcode": 0, "errmsg": "ok"})

    async def _batch_send(self, request: web.Request) -> web.Response:
        # Official page "批量发送人与机器人会话中机器人消息": robotCode, userIds (≤ 20), msgKey,
        # msgParam (a JSON string) → processQueryKey, invalidStaffIdList, flowControlledStaffIdList.
        if not self.state.token_valid(request.headers.get("x-acs-dingtalk-access-token")):
            return errors.openapi_error(*errors.BAD_ACCESS_TOKEN)
        if (refusal := self.rate.openapi_refusal("/v1.0/robot/oToMessages/batchSend")) is not None:
            return refusal
        body = await self._json_body(request)
        if body is None:
            return errors.openapi_error(400, errors.BAD_PARAMETER, "body is not JSON")
        if body.get("robotCode") != self.state.robot_code:
            return errors.openapi_error(400, errors.BAD_PARAMETER, "robotCode is invalid")
        user_ids = body.get("userIds")
        if (
            not isinstance(user_ids, list)
            or not user_ids
            or not all(isinstance(u, str) for u in user_ids)
        ):
            return errors.openapi_error(400, errors.BAD_PARAMETER, "userIds is required")
        if len(user_ids) > limits.BATCH_SEND_MAX_USERS:
            return errors.openapi_error(*errors.TOO_MANY_USERS)
        msg_key = body.get("msgKey")
        if msg_key not in limits.BATCH_SEND_MSG_KEYS:
            return errors.openapi_error(400, errors.BAD_PARAMETER, "msgKey is invalid")
        param = _json_object(body.get("msgParam"))
        if param is None:
            return errors.openapi_error(
                400, errors.BAD_PARAMETER, "msgParam is not a JSON object string"
            )
        if (problem := messages.problem(str(msg_key), param, self.media.known)) is not None:
            return errors.openapi_error(400, errors.BAD_PARAMETER, problem)
        invalid = [user for user in user_ids if user not in self.state.staff]
        text = messages.shown(str(msg_key), param)
        for user in user_ids:
            if user not in invalid:
                self.state.deliver(user, Received("batchSend", str(msg_key), text, param))
        return web.json_response(
            {
                "processQueryKey": uuid.uuid4().hex,
                "invalidStaffIdList": invalid,
                "flowControlledStaffIdList": [],
            }
        )


def _json_object(value: object) -> dict[str, Any] | None:
    """msgParam decoded, or None unless it is a string holding a JSON object."""
    if not isinstance(value, str):
        return None
    with contextlib.suppress(ValueError):
        decoded = json.loads(value)
        if isinstance(decoded, dict):
            return decoded
    return None
