"""Telegram's half of delivering the outbox: one row to the Bot API, and what came of it.

The outbox loop (bot/runtime/sender.py) is the same for every platform; this courier owns
what only Telegram has: files named on disk read into the request, albums as InputMedia,
the bandwidth-delay bound on requests in flight, and the meaning of Telegram's errors
(bot/domain/delivery.py). A timeout or a 5xx may hide a message Telegram did accept, so
such a row is sent again; a 400, a 403 on content or a 413 never passes and is given up.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import math
import time
from collections.abc import AsyncIterator
from datetime import timedelta
from pathlib import Path

from telegram import (
    InputFile,
    InputMedia,
    InputMediaAudio,
    InputMediaDocument,
    InputMediaPhoto,
    InputMediaVideo,
)
from telegram.error import BadRequest, Forbidden, NetworkError, RetryAfter, TelegramError
from telegram.ext import Application

from bot.chat import Address
from bot.domain.delivery import (
    UPLOAD_LIMIT,
    Failure,
    is_blocked,
    is_entity_too_large,
    is_file_spec,
)
from bot.logs import redact
from bot.platforms.telegram.foreign_files import ForeignFiles, NotDownloaded
from bot.runtime.outcomes import (
    DOWNLOAD_PENDING,
    GiveUp,
    Outcome,
    Retry,
    Sent,
    Unreachable,
    backoff,
)
from bot.services import delivery
from storage.outbox import Outgoing

log = logging.getLogger(__name__)

BOT_RATE = 30  # messages a second Telegram takes from one bot
MAX_IN_FLIGHT = 10


class InFlight:
    """How many sends may be on their way at once: Telegram's rate times the round trip.

    More requests in flight than that cannot deliver faster (it is the bandwidth-delay
    product); more would only hold connections open and queue at the server. Over a slow
    link (300 ms) this allows 10; to a Bot API server next door, 2.
    """

    def __init__(self, round_trip: float = 0.0) -> None:
        self.round_trip = round_trip  # seconds, smoothed over recent sends; grows as measured
        self.busy = 0
        self._changed = asyncio.Condition()

    @property
    def limit(self) -> int:
        return max(2, min(MAX_IN_FLIGHT, math.ceil(BOT_RATE * self.round_trip) + 1))

    @contextlib.asynccontextmanager
    async def slot(self) -> AsyncIterator[None]:
        async with self._changed:
            await self._changed.wait_for(lambda: self.busy < self.limit)
            self.busy += 1
        started = time.monotonic()
        try:
            yield
        finally:
            self.round_trip += (time.monotonic() - started - self.round_trip) / 8
            async with self._changed:
                self.busy -= 1
                self._changed.notify(self.limit - self.busy)


class TelegramCourier:
    """Delivers one outbox row through the Bot API (PTB's ``do_api_request``)."""

    platform = "telegram"
    timed_out = Failure.TIMED_OUT

    def __init__(
        self,
        application: Application,
        token: str | None = None,
        foreign: ForeignFiles | None = None,
    ) -> None:
        self.application = application
        self.token = token
        self.foreign = foreign  # evidence from DingTalk, sent from MEDIA_DIR
        self._in_flight = InFlight()

    def redact(self, text: str) -> str:
        """Telegram's words without the token a URL might carry."""
        return redact(text, self.token)

    def chat_limited(self, chat: Address) -> bool:
        """Private chats take about one message a second; groups (numbered below zero)
        are limited by PTB's AIORateLimiter instead."""
        return not chat.id.startswith("-")

    async def deliver(self, row: Outgoing) -> Outcome:
        try:
            payload = row.payload
            if self.foreign is not None:
                payload = await self.foreign.resolve(payload)
            api_kwargs = await with_files(payload)
        except NotDownloaded:
            return DOWNLOAD_PENDING
        except FileTooBig as error:
            log.error("outbox row %s: %s", row.id, error)
            return GiveUp(Failure.TOO_BIG, str(error))
        except OSError as error:
            # The file was removed (by hand, or after days of failed sending): nothing to send.
            log.error("outbox row %s refers to a file that cannot be read: %s", row.id, error)
            return GiveUp(Failure.NO_FILE, f"file: {error}")
        try:
            # Lower-case method names are valid (the Bot API is case-insensitive) and make
            # PTB pass the stored JSON payload through as it is.
            async with self._in_flight.slot():
                result = await self.application.bot.do_api_request(
                    row.method.lower(), api_kwargs=api_kwargs
                )
        except RetryAfter as error:
            wait = error.retry_after
            wait = wait if isinstance(wait, timedelta) else timedelta(seconds=wait)
            return Retry(str(error), wait)
        except Forbidden as error:
            if not is_blocked(str(error)):  # e.g. a kind of file this person does not take
                log.error("outbox row %s forbidden by Telegram: %s", row.id, error)
                return GiveUp(Failure.FORBIDDEN, str(error))
            log.info("chat %s cannot be reached: %s", row.to.id, error)
            return Unreachable(str(error))
        except BadRequest as error:
            if "message is not modified" in str(error).lower():  # PTB capitalises it
                # The chat shows this text already; if the row was rewritten meanwhile,
                # mark_sent queues the newer text as a further edit.
                return Sent(row.payload.get("message_id"), row.payload)
            log.error("outbox row %s refused by Telegram: %s", row.id, error)
            return GiveUp(Failure.REFUSED, str(error))
        except (NetworkError, TelegramError) as error:
            if is_entity_too_large(str(error)):  # 413: the upload will never fit
                log.error("outbox row %s too large for Telegram: %s", row.id, error)
                return GiveUp(Failure.TOO_BIG, str(error))
            # Timeouts and 5xx are ambiguous: the message may have arrived. Send again later.
            wait = backoff(row.attempts)
            log.warning("outbox row %s failed (%s); retrying in %s", row.id, error, wait)
            return Retry(str(error), wait)
        message_id = result.get("message_id") if isinstance(result, dict) else None
        return Sent(message_id, row.payload)


# --- files on disk, and albums -----------------------------------------------------------
# A payload may name a file the bot made (a chart, a workbook) instead of a file_id:
# ``{"photo": {"path": "/…/chart.png"}}``, ``{"document": {"path": …, "filename": …}}``, or
# in sendMediaGroup ``{"type": "photo", "media": {"path": …}}``. The row stores only the
# path (the file is on disk before the row is committed); the bytes are read at send time.
# PTB's request code expects sendMediaGroup's ``media`` as InputMedia objects (it sets their
# default parse_mode and fails on plain dicts), so album items always become objects.
_FILE_FIELDS = ("photo", "document", "video", "audio", "voice", "animation")
_MEDIA_TYPES = {
    "photo": InputMediaPhoto,
    "document": InputMediaDocument,
    "video": InputMediaVideo,
    "audio": InputMediaAudio,
}


def _read(spec: dict, *, attach: bool = False) -> InputFile:
    path = Path(spec["path"])
    return InputFile(path.read_bytes(), filename=spec.get("filename") or path.name, attach=attach)


def _input_media(item: dict) -> InputMedia:
    media = item["media"]
    return _MEDIA_TYPES[item["type"]](
        media=_read(media, attach=True) if is_file_spec(media) else media,
        caption=item.get("caption"),
        parse_mode=item.get("parse_mode"),
    )


class FileTooBig(Exception):
    """A file the payload names is over Telegram's upload limit: sending it cannot work."""


def _check_sizes(payload: dict) -> None:
    total = delivery.upload_size(payload)
    if total > UPLOAD_LIMIT:
        raise FileTooBig(f"{total} bytes to upload, over Telegram's {UPLOAD_LIMIT}")


def _payload_with_files(payload: dict) -> dict:
    """The payload with file references replaced by their bytes (runs in a thread)."""
    _check_sizes(payload)
    out = dict(payload)
    for name in _FILE_FIELDS:
        if is_file_spec(out.get(name)):
            out[name] = _read(out[name])
    if isinstance(out.get("media"), list):
        out["media"] = [_input_media(item) for item in out["media"]]
    return out


async def with_files(payload: dict) -> dict:
    """Read referred files off the event loop (a 45 MB part takes a moment)."""
    if not any(is_file_spec(payload.get(n)) for n in _FILE_FIELDS) and not isinstance(
        payload.get("media"), list
    ):
        return payload
    return await asyncio.to_thread(_payload_with_files, payload)
