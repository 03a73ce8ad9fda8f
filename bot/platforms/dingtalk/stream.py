"""DingTalk's Stream connection: every robot message and card tap committed before its ACK.

DingTalk pushes robot messages and card callbacks over one outbound WebSocket (the Stream
protocol, ../shared/dingtalk/learn__stream__protocol.md). A robot message is fire-and-forget:
DingTalk never pushes it again, acknowledged or not, so the only moment it can be kept is
when its frame arrives. Each handler here therefore commits the raw frame to the inbox and
only then returns the ACK; a frame whose commit fails gets no ACK (a card callback then
comes again; a robot message is lost, by DingTalk's design, and logged as such). The bot's
processor is woken once the row is in (bot/runtime/updates.py), never before.

The official SDK (``dingtalk-stream``) runs the connection: its gateway handshake, frame
routing and acknowledgements. It is kept on a thread of its own with its own event loop,
because it opens the connection with blocking ``requests`` calls (no timeout), which would
stall the bot's loop, and it swallows ``CancelledError`` and reconnects ten seconds later,
so a task cancel does not stop it. Stopping therefore closes its socket, cancels its task
until it is really done and ends its loop and thread (``stop``).

The commit uses a SQLite connection of this thread's own rather than the bot's Store: the
Store's single thread runs every transaction of the bot (a long report or import among
them), and a frame waiting behind one would widen the window in which an arrived message
is not yet kept; the Store's futures also belong to the bot's loop. SQLite's write lock
(WAL, busy timeout) orders the two connections.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import threading
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any

import dingtalk_stream
from dingtalk_stream import AckMessage, CallbackMessage

from bot.config import DingTalkSettings
from bot.logs import RedactTokens
from bot.platforms.dingtalk.inputs import CARD_CALLBACK_TOPIC, ROBOT_MESSAGE_TOPIC
from storage import inbox
from storage.db import Database, connect

log = logging.getLogger(__name__)

OPEN_CONNECTION_PATH = "/v1.0/gateway/connections/open"
SDK_LOGGERS = ("dingtalk_stream", "dingtalk_stream.client", "dingtalk_stream.handler")
STOP_TIMEOUT = 10.0  # seconds ``stop`` waits for the thread (a blocking connect included)


async def stop_client(
    client: dingtalk_stream.DingTalkStreamClient, task: asyncio.Task[Any]
) -> None:
    """Stop the SDK's client running as ``task`` on this loop, its own thread's: close its
    WebSocket, cancel until it is done (the SDK catches one cancel and sleeps 10 s before
    reconnecting), then its keepalive and frame tasks."""
    if client.websocket is not None:
        with contextlib.suppress(Exception):
            await client.websocket.close()
    while not task.done():
        task.cancel()
        await asyncio.wait([task], timeout=0.1)
    others = [t for t in asyncio.all_tasks() if t is not asyncio.current_task()]
    for other in others:
        other.cancel()
    await asyncio.gather(*others, return_exceptions=True)


class FrameNotStored(RuntimeError):
    """A frame could not be committed: raised out of the handler, so the SDK sends no ACK."""


class _FrameHandler(dingtalk_stream.CallbackHandler):
    """Commits each frame of one topic, then acknowledges it (by returning)."""

    def __init__(self, stream: DingTalkStream, topic: str) -> None:
        super().__init__()
        self.stream = stream
        self.topic = topic

    async def process(self, callback: CallbackMessage) -> tuple[int, str]:
        await self.stream.keep(self.topic, callback)
        return AckMessage.STATUS_OK, "OK"


class DingTalkStream:
    """The Stream client on its own thread; ``start`` from the bot's loop, ``stop`` to end.

    ``wake`` is called (from the stream's thread) after each new row is committed: the
    runtime passes one that sets the processor's event through the bot's loop.
    """

    def __init__(
        self,
        settings: DingTalkSettings,
        database_path: Path | str,
        now: Callable[[], datetime],
        wake: Callable[[], None],
    ) -> None:
        self.settings = settings
        self.database_path = database_path
        self.now = now
        self.wake = wake
        aim_sdk(settings.openapi_endpoint)
        self.client = dingtalk_stream.DingTalkStreamClient(
            dingtalk_stream.Credential(settings.client_id, settings.client_secret),
            logger=logging.getLogger(f"dingtalk_stream.client.{id(self)}"),
        )
        for topic in (ROBOT_MESSAGE_TOPIC, CARD_CALLBACK_TOPIC):
            self.client.register_callback_handler(topic, _FrameHandler(self, topic))
        # After the handlers (each forces INFO); the client logs under a name of its own,
        # so the records of a stream being stopped can be dropped without the others'.
        route_sdk_logs(settings.client_secret, self.client.logger.name)
        self._db: Database | None = None
        # Frames read and waiting for the next commit, each with what its handler awaits.
        self._waiting: list[tuple[str, CallbackMessage, asyncio.Future[None]]] = []
        self._committer: asyncio.Task[None] | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._stopping: asyncio.Event | None = None
        self._thread: threading.Thread | None = None

    @property
    def running(self) -> bool:
        return self._thread is not None and self._thread.is_alive()

    def start(self) -> None:
        """Start the connection's thread; returns once its database connection is open (a
        database that cannot be opened raises here). The SDK connects, and retries, on
        its own."""
        started = threading.Event()
        failure: list[BaseException] = []

        def run() -> None:
            loop = asyncio.new_event_loop()
            try:
                self._db = connect(self.database_path)
            except BaseException as error:  # reported to start()'s caller below
                failure.append(error)
                loop.close()
                started.set()
                return
            self._loop = loop
            self._stopping = asyncio.Event()
            started.set()
            try:
                loop.run_until_complete(self._run())
            finally:
                self._db.close()
                loop.close()

        self._thread = threading.Thread(target=run, name="dingtalk-stream", daemon=True)
        self._thread.start()
        started.wait(STOP_TIMEOUT)
        if failure:
            self._thread.join()
            self._thread = None
            raise failure[0]

    def stop(self) -> None:
        """Close the socket, end the SDK's task and the thread; nothing reconnects after."""
        thread, loop, stopping = self._thread, self._loop, self._stopping
        if thread is None or loop is None or stopping is None:
            return
        with contextlib.suppress(RuntimeError):  # the loop ended already
            loop.call_soon_threadsafe(stopping.set)
        thread.join(STOP_TIMEOUT)
        if thread.is_alive():
            log.error("the DingTalk stream did not stop within %.0f s", STOP_TIMEOUT)
        self._thread = None

    async def _run(self) -> None:
        assert self._stopping is not None
        task = asyncio.get_running_loop().create_task(self.client.start(), name="dingtalk-sdk")
        await self._stopping.wait()
        # The SDK logs the cancel below as a "network exception": not one, so not logged.
        self.client.logger.addFilter(lambda record: False)
        await stop_client(self.client, task)

    async def keep(self, topic: str, callback: CallbackMessage) -> None:
        """Return once the frame is in the inbox; raise FrameNotStored if it could not be.

        Frames read while a commit runs wait for the next one and go in together (a group
        commit: one transaction, one fsync). In a burst a frame then waits for one commit,
        not for every frame's before it, which is what keeps the loss window — arrival to
        commit, the only time a robot message can be lost — to about the commit itself.
        """
        future = asyncio.get_running_loop().create_future()
        self._waiting.append((topic, callback, future))
        if self._committer is None or self._committer.done():
            self._committer = asyncio.get_running_loop().create_task(self._commit_waiting())
        await future

    async def _commit_waiting(self) -> None:
        await asyncio.sleep(0)  # the frames already read join this commit
        while self._waiting:
            frames, self._waiting = self._waiting, []
            try:
                outcomes = self.commit([(topic, callback) for topic, callback, _ in frames])
            except FrameNotStored as error:  # the transaction failed: none is stored
                outcomes = [error] * len(frames)
            for (_, _, future), outcome in zip(frames, outcomes, strict=True):
                if outcome is None:
                    future.set_result(None)
                else:
                    future.set_exception(outcome)

    def commit(self, frames: list[tuple[str, CallbackMessage]]) -> list[FrameNotStored | None]:
        """Keep the frames in the inbox in one transaction (each once, however often it is
        pushed), then wake the processor. Each frame's outcome: None when stored, or the
        FrameNotStored its handler raises so that no ACK is sent; raises FrameNotStored
        when the transaction itself fails (none is stored)."""
        assert self._db is not None, "the stream's connection is opened by its thread"
        outcomes: list[FrameNotStored | None] = []
        new = False
        try:
            with self._db.atomic():
                for topic, callback in frames:
                    event, raw = _inbox_row(topic, callback)
                    try:  # a savepoint each: one frame at fault leaves the others stored
                        stored = inbox.save_dingtalk(self._db, event, raw, self.now())
                    except Exception as error:
                        outcomes.append(_not_stored(topic, event, error))
                        continue
                    new = new or stored is not None
                    outcomes.append(None)
        except Exception as error:
            log.error("%d DingTalk frames could not be stored: %r", len(frames), error)
            for topic, callback in frames:
                _not_stored(topic, _inbox_row(topic, callback)[0], error)
            raise FrameNotStored(f"{len(frames)} frames") from error
        if new:
            self.wake()
        return outcomes


def _inbox_row(topic: str, callback: CallbackMessage) -> tuple[str, dict[str, Any]]:
    """The frame's inbox event id and raw row. A robot message is named by its own msgId, a
    card tap by the frame's messageId (a pushed-again callback keeps it: contract, point 3)."""
    data = callback.data if isinstance(callback.data, dict) else {}
    frame_id = str(callback.headers.message_id or "")
    event = str(data.get("msgId") or frame_id) if topic == ROBOT_MESSAGE_TOPIC else frame_id
    return f"{topic}:{event}", {"topic": topic, "messageId": frame_id, "data": data}


def _not_stored(topic: str, event: str, error: BaseException) -> FrameNotStored:
    """Say what a frame that could not be stored means, and the error its handler raises."""
    if topic == ROBOT_MESSAGE_TOPIC:
        log.error(
            "a DingTalk robot message (%s) could not be stored and is lost: DingTalk "
            "does not push robot messages again (%r)",
            event,
            error,
        )
    else:
        log.error("a DingTalk card tap (%s) could not be stored; it comes again", event)
    return FrameNotStored(event)


def aim_sdk(endpoint: str) -> None:
    """Open the connection at ``endpoint`` (DINGTALK_OPENAPI_ENDPOINT of the settings).

    The SDK reads that variable once, when it is imported, into the class attribute its
    ``open_connection`` reads; the settings may come from .env, read later. The SDK's other
    calls (tokens, replies, downloads) are never used: the bot's own client makes them. One
    process serves one DingTalk app, so the value is the process's.
    """
    url = endpoint.rstrip("/") + OPEN_CONNECTION_PATH
    dingtalk_stream.DingTalkStreamClient.OPEN_CONNECTION_API = url


def route_sdk_logs(secret: str, *more: str) -> None:
    """The SDK's loggers at WARNING, through the project's handlers and scrubbing filter.

    The SDK sets them to INFO with a handler of its own whenever it makes a handler, and at
    INFO it logs the connection's endpoint and single-use ticket.
    """
    scrub = RedactTokens(secret or None)
    for name in (*SDK_LOGGERS, *more):
        logger = logging.getLogger(name)
        logger.setLevel(logging.WARNING)
        for handler in list(logger.handlers):
            logger.removeHandler(handler)
        logger.propagate = True
        if not any(isinstance(f, RedactTokens) for f in logger.filters):
            logger.addFilter(scrub)
