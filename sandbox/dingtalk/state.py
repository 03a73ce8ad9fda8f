"""What the DingTalk stand-in remembers: tickets, tokens, pushes, acknowledgements, sessions.

Mutated only on the stand-in's own event loop; what the robot sent to people
(``received``) is also read by tests from their loop, so it sits behind a lock.
"""

from __future__ import annotations

import itertools
import json
import threading
import time
import uuid
from dataclasses import dataclass, field
from typing import Any


@dataclass
class Ticket:
    """A connection ticket: single use, dies after its lifetime (limits.TICKET_LIFETIME_SECONDS)."""

    subscriptions: list[dict[str, str]]
    expires_at: float
    used: bool = False


@dataclass
class Push:
    """One frame the stand-in pushed (perhaps several times), and the ACK it got, if any."""

    message_id: str
    frame: dict[str, Any]
    pushes: int = 0
    ack: dict[str, Any] | None = None
    stream: int | None = None  # the number of the Stream connection it last went out on


@dataclass(frozen=True)
class RobotFrame:
    """What became of one robot-message frame, for tests that kill the robot mid-stream.

    ``pushed``: it was written to a Stream connection (a frame whose write failed, or that
    found no connected client, was never pushed). ``acked``: the client acknowledged it.
    ``stream_closed``: that connection has closed since. DingTalk never pushes a robot
    message again, so a frame without an ACK on a closed connection was in flight when its
    client went away; one without an ACK on a connection still open was dropped by it.
    """

    message_id: str
    msg_id: str
    staff_id: str
    text: str  # the words it carries: a text's content, a rich text's lines joined
    at: float  # when it was made to be pushed, epoch seconds (its headers' time)
    pushed: bool
    acked: bool
    stream_closed: bool  # the connection it went out on has closed since


def robot_frame(push: Push, closed_streams: set[int]) -> RobotFrame:
    """The fate of a robot-message push (its data carries the message's msgId and sender)."""
    data = json.loads(push.frame["data"])
    return RobotFrame(
        push.message_id,
        str(data.get("msgId", "")),
        str(data.get("senderStaffId", "")),
        _words(data),
        int(push.frame["headers"]["time"]) / 1000,
        pushed=push.pushes > 0,
        acked=push.ack is not None,
        stream_closed=push.stream in closed_streams,
    )


def _words(data: dict[str, Any]) -> str:
    if data.get("msgtype") == "text":
        return str(data.get("text", {}).get("content", ""))
    items = data.get("content", {}).get("richText", []) if data.get("msgtype") == "richText" else []
    return "\n".join(str(item["text"]) for item in items if "text" in item)


@dataclass
class Session:
    """A robot message's sessionWebhook: who it answers, and until when (epoch seconds)."""

    staff_id: str
    expires_at: float


@dataclass
class Received:
    """Something the robot sent a person: how (webhook or batchSend), its kind and its text."""

    via: str
    kind: str
    text: str
    body: dict[str, Any]


_counter = itertools.count(1)


def new_message_id() -> str:
    """A push id shaped like the protocol page's examples (213d841d_972_1898bb26334_70a7)."""
    millis = int(time.time() * 1000)
    return f"{uuid.uuid4().hex[:8]}_{next(_counter)}_{millis:x}_{uuid.uuid4().hex[:4]}"


@dataclass
class DingTalkState:
    """The stand-in's memory for one app (client id/secret) and its robot."""

    client_id: str
    client_secret: str
    robot_code: str
    corp_id: str = "dingsandboxcorp0001"
    tickets: dict[str, Ticket] = field(default_factory=dict)
    closed_streams: set[int] = field(default_factory=set)  # numbers of closed connections
    tokens: dict[str, float] = field(default_factory=dict)
    # Robot file downloads a test makes fail (``DingTalkStandIn.fail_downloads``).
    download_fault: DownloadFault | None = None
    pushes: dict[str, Push] = field(default_factory=dict)
    sessions: dict[str, Session] = field(default_factory=dict)
    staff: dict[str, str] = field(default_factory=dict)
    received: dict[str, list[Received]] = field(default_factory=dict)
    files: dict[str, tuple[str, bytes]] = field(default_factory=dict)  # downloadCode → file
    # downloadCode → how often the robot fetched its bytes (a test says each was fetched once)
    fetched: dict[str, int] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def deliver(self, staff_id: str, item: Received) -> None:
        """Record what a person's phone now shows (read by tests from another thread)."""
        with self.lock:
            self.received.setdefault(staff_id, []).append(item)

    def received_by(self, staff_id: str) -> list[Received]:
        """A copy of what the robot sent ``staff_id`` so far, oldest first."""
        with self.lock:
            return list(self.received.get(staff_id, []))

    def token_valid(self, token: str | None) -> bool:
        """True for an access token this stand-in issued that has not expired."""
        return token is not None and self.tokens.get(token, 0.0) > time.time()


@dataclass
class DownloadFault:
    """The robot file download failing: the next ``times`` calls answer HTTP 500, as an
    outage at DingTalk would (like the Telegram sandbox's ``faults.inject`` for getFile);
    ``fired`` counts the calls that failed, so a test can match them to the bot's tries."""

    times: int
    fired: int = 0

    def take(self) -> bool:
        """Count one download call; True if it is to fail."""
        if self.times <= 0:
            return False
        self.times -= 1
        self.fired += 1
        return True

    def clear(self) -> None:
        """The outage is over: downloads answer again."""
        self.times = 0
