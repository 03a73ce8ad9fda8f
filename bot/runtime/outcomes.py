"""What came of sending one outbox row, in words every platform's courier shares.

The outbox loop (bot/runtime/sender.py) keeps order per chat, retries, gives up and tells
the administrators, and marks a row sent only after the platform said ok; each platform's
courier (bot/platforms/<name>/courier.py) makes the calls for one row and answers with one
of these, having read its platform's errors.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any, Protocol

from bot.chat import Address
from bot.domain.delivery import Failure
from storage.outbox import Outgoing

MAX_BACKOFF = timedelta(minutes=10)


@dataclass(frozen=True)
class Sent:
    """The platform said ok: ``message_id`` names what the chat now shows (to edit it
    later), ``payload`` is what was sent (a row rewritten meanwhile is followed by an edit)."""

    message_id: int | None
    payload: dict[str, Any]


@dataclass(frozen=True)
class Retry:
    """A failure that may pass (timeout, 5xx, throttling): send again after ``wait``."""

    error: str
    wait: timedelta


# A row whose evidence file (received on DingTalk) is not in MEDIA_DIR yet: tried again in
# a while, or as soon as the download job stores a file (bot/platforms/media_files.py keep).
DOWNLOAD_PENDING = Retry("waiting for an evidence file's download", timedelta(seconds=10))


@dataclass(frozen=True)
class GiveUp:
    """A failure that will not pass: the row dies and the administrators are told."""

    failure: Failure
    detail: str


@dataclass(frozen=True)
class Unreachable:
    """The person cannot be reached at all (blocked the bot, left the organisation)."""

    error: str


Outcome = Sent | Retry | GiveUp | Unreachable


def backoff(attempts: int) -> timedelta:
    """1 s, 2 s, 4 s … after each failed attempt, at most MAX_BACKOFF."""
    return min(timedelta(seconds=2 ** min(attempts, 10)), MAX_BACKOFF)


class Courier(Protocol):
    """One platform's delivery of one outbox row."""

    platform: str  # the outbox rows it delivers (Address.platform)
    timed_out: Failure  # why a row failing for a day is given up, in this platform's words

    def redact(self, text: str) -> str:
        """An error as it may be stored and shown: without tokens or secrets."""
        ...

    def chat_limited(self, chat: Address) -> bool:
        """Whether the sender's per-chat rate applies to this chat."""
        ...

    async def deliver(self, row: Outgoing) -> Outcome: ...
