"""Telegram's limits: prose limits from the Bot API docs and flood control as token buckets.

Flood control (429 ``Too Many Requests: retry after N`` with ``parameters.retry_after``) is
applied to message-producing methods only — ``send*`` (not ``sendChatAction``), ``edit*``,
``copyMessage(s)`` and ``forwardMessage(s)`` — never to ``getUpdates``,
``answerCallbackQuery`` or ``getFile``. Each request takes one token from the bot's bucket
and one from the target chat's bucket; a request that finds either empty is refused and
takes nothing.

| bucket                | rate          | burst | Telegram's guidance                        |
|-----------------------|---------------|-------|--------------------------------------------|
| per private chat      | 1 per second  | 3     | avoid more than one message per second     |
| per group chat (id<0) | 20 per minute | 20    | not more than 20 messages per minute       |
| per bot, all chats    | 30 per second | 30    | not more than about 30 messages per second |

Source: https://core.telegram.org/bots/faq#my-bot-is-hitting-limits-how-do-i-avoid-this
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

# Prose limits (https://core.telegram.org/bots/api), all in UTF-16 code units as Telegram counts.
TEXT_MAX = 4096
CAPTION_MAX = 1024
CALLBACK_DATA_MAX_BYTES = 64
CALLBACK_ANSWER_TEXT_MAX = 200
MEDIA_GROUP_MIN = 2
MEDIA_GROUP_MAX = 10
DOWNLOAD_MAX_BYTES = 20 * 1024 * 1024  # getFile refuses bigger files
UPLOAD_MAX_BYTES = 50 * 1024 * 1024  # multipart uploads by bots
PENDING_UPDATE_TTL_S = 24 * 3600  # "incoming updates are stored on the server [...] 24 hours"
CALLBACK_QUERY_TTL_S = 15 * 60  # after this an answer is "query is too old"
GET_UPDATES_LIMIT_MAX = 100

PRIVATE_RATE_PER_S = 1.0
PRIVATE_BURST = 3
GROUP_RATE_PER_S = 20 / 60
GROUP_BURST = 20
BOT_RATE_PER_S = 30.0
BOT_BURST = 30

_UNLIMITED_SENDS = frozenset({"sendchataction"})


def is_rate_limited_method(method: str) -> bool:
    """Whether a call produces or changes a message and so counts against flood control."""
    name = method.lower()
    if name in _UNLIMITED_SENDS:
        return False
    return name.startswith(("send", "edit", "copymessage", "forwardmessage"))


@dataclass
class TokenBucket:
    """Holds up to ``burst`` tokens, refilled at ``rate`` tokens per second."""

    rate: float
    burst: int
    tokens: float
    updated: float

    def refill(self, now: float) -> None:
        elapsed = max(0.0, now - self.updated)
        self.tokens = min(float(self.burst), self.tokens + elapsed * self.rate)
        self.updated = now

    def wait_needed(self) -> float:
        """Seconds until one token is available (0 if one is available now)."""
        if self.tokens >= 1.0:
            return 0.0
        return (1.0 - self.tokens) / self.rate


class RateLimiter:
    """Per-bot and per-chat token buckets; ``enabled=False`` lets everything through."""

    def __init__(self, clock: Callable[[], float], *, enabled: bool = True) -> None:
        self.clock = clock
        self.enabled = enabled
        self._buckets: dict[tuple[int, int | None], TokenBucket] = {}

    def _bucket(self, bot_id: int, chat_id: int | None, now: float) -> TokenBucket:
        key = (bot_id, chat_id)
        bucket = self._buckets.get(key)
        if bucket is None:
            if chat_id is None:
                rate, burst = BOT_RATE_PER_S, BOT_BURST
            elif chat_id < 0:
                rate, burst = GROUP_RATE_PER_S, GROUP_BURST
            else:
                rate, burst = PRIVATE_RATE_PER_S, PRIVATE_BURST
            bucket = TokenBucket(rate=rate, burst=burst, tokens=float(burst), updated=now)
            self._buckets[key] = bucket
        bucket.refill(now)
        return bucket

    def acquire(self, bot_id: int, chat_id: int | None) -> int | None:
        """Take a token for one send; returns ``retry_after`` seconds if refused, else None."""
        if not self.enabled:
            return None
        now = self.clock()
        buckets = [self._bucket(bot_id, None, now)]
        if chat_id is not None:
            buckets.append(self._bucket(bot_id, chat_id, now))
        wait = max(bucket.wait_needed() for bucket in buckets)
        if wait > 0:
            return max(1, math.ceil(wait))
        for bucket in buckets:
            bucket.tokens -= 1.0
        return None

    def reset(self) -> None:
        """Forget all buckets (every chat starts with a full burst again)."""
        self._buckets.clear()
