"""DingTalk's half of delivering the outbox: one row of the DingTalk renderer to DingTalk.

The outbox loop (bot/runtime/sender.py) is shared with Telegram; this courier turns one row
(contract point 2: ``markdown``, ``card``, ``updateCard``, ``file``) into OpenAPI calls
(bot/platforms/dingtalk/openapi.py) and DingTalk's answers into an outcome:

* ``markdown`` goes through the person's session webhook while DingTalk still takes it (a
  reply to what they just wrote, one call, no push quota), otherwise — expired, or refused —
  through one-to-one batchSend (sampleMarkdown), one person per row. Its row id is recorded
  as its message id, as a card's is: a service that corrects the message later (a visit's
  summary, a notice to disregard) then queues an edit, which comes as a new message.
* ``card`` creates and delivers an interactive card whose outTrackId is ``duban-<row id>``:
  a retry of the same row (after a timeout that hid a card DingTalk did make) asks for the
  same outTrackId, DingTalk refuses the duplicate, and that refusal means "sent". The row's
  message_id is its own id, so an edit later names ``duban-<message_id>``.
* ``updateCard`` updates that card; when DingTalk does not know it (the message was plain
  markdown, or is gone) the content goes out as a new card, or as markdown without buttons.
* ``file`` uploads the bytes (oapi media upload) and sends sampleImageMsg for a photo and
  sampleFile otherwise: sampleVideo needs a cover picture and sampleAudio a duration and
  an AMR file, which the bot does not have, so videos and voice arrive as files. A ``ref``
  (an evidence's file id) is found in MEDIA_DIR by its hash; while the evidence is not
  downloaded yet the row waits.

A batchSend that names the person in ``invalidStaffIdList`` (or a card refused with an
unknown user) means they are not in the organisation any more: the chat is unreachable, as
a Telegram chat that blocked the bot.
"""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

from bot.chat import Address
from bot.domain.delivery import Failure
from bot.domain.dingtalk_errors import Verdict, is_card_unknown, is_session_expired
from bot.platforms.dingtalk.openapi import DingTalkError, DingTalkOpenAPI
from bot.platforms.media_files import media_path
from bot.runtime.outcomes import (
    DOWNLOAD_PENDING,
    GiveUp,
    Outcome,
    Retry,
    Sent,
    Unreachable,
    backoff,
)
from storage import evidence
from storage.db import Store
from storage.outbox import Outgoing

log = logging.getLogger(__name__)

SessionWebhook = Callable[[str], Awaitable[str | None]]

# Assumed from DingTalk's page 上传媒体文件 (media/upload): at most 20 MB a file.
UPLOAD_LIMIT = 20 * 1024 * 1024

UPLOAD_TYPES = {"photo": "image"}  # everything else is uploaded as "file"


class NotDownloaded(Exception):
    """The evidence a ``ref`` names has no bytes in MEDIA_DIR yet."""


def out_track_id(message_id: int) -> str:
    """The card of outbox row ``message_id`` (contract point 2)."""
    return f"duban-{message_id}"


def card_params(payload: dict[str, Any]) -> dict[str, str]:
    """cardParamMap: every value a string, as DingTalk's card data requires (contract 3)."""
    return {
        "title": str(payload.get("title") or ""),
        "markdown": str(payload.get("text") or ""),
        "buttons": json.dumps(payload.get("buttons") or [], ensure_ascii=False),
    }


class DingTalkCourier:
    """Delivers one DingTalk outbox row."""

    platform = "dingtalk"
    timed_out = Failure.DINGTALK_TIMED_OUT

    def __init__(
        self,
        api: DingTalkOpenAPI,
        store: Store,
        media_dir: Path,
        session_webhook: SessionWebhook,
    ) -> None:
        self.api = api
        self.store = store
        self.media_dir = media_dir
        self.session_webhook = session_webhook

    def redact(self, text: str) -> str:
        return self.api.redact(text)

    def chat_limited(self, chat: Address) -> bool:
        """DingTalk limits calls per API and app (openapi.CallRate), not per chat."""
        return False

    async def deliver(self, row: Outgoing) -> Outcome:
        try:
            message_id = await self._send(row)
        except DingTalkError as error:
            return self._outcome(row, error)
        except NotDownloaded:
            return DOWNLOAD_PENDING
        except FileTooBig as error:
            log.error("outbox row %s: %s", row.id, error)
            return GiveUp(Failure.DINGTALK_TOO_BIG, str(error))
        except OSError as error:
            log.error("outbox row %s refers to a file that cannot be read: %s", row.id, error)
            return GiveUp(Failure.NO_FILE, f"file: {error}")
        return Sent(message_id, row.payload)

    def _outcome(self, row: Outgoing, error: DingTalkError) -> Outcome:
        detail = self.redact(str(error))
        if error.verdict is Verdict.UNKNOWN_USER:
            log.info("DingTalk user %s cannot be reached: %s", row.to.id, detail)
            return Unreachable(detail)
        if error.verdict is Verdict.GIVE_UP:
            log.error("outbox row %s refused by DingTalk: %s", row.id, detail)
            return GiveUp(Failure.DINGTALK_REFUSED, detail)
        wait = backoff(row.attempts)
        log.warning("outbox row %s failed (%s); retrying in %s", row.id, detail, wait)
        return Retry(detail, wait)

    async def _send(self, row: Outgoing) -> int | None:
        """Make the row's calls; the message id to record (cards: the row's own id)."""
        payload, staff_id = row.payload, row.to.id
        if row.method == "markdown":
            await self._markdown(staff_id, payload)
            return row.id
        if row.method == "card":
            await self.api.create_and_deliver_card(
                out_track_id(row.id), staff_id, card_params(payload)
            )
            return row.id
        if row.method == "updateCard":
            return await self._update(row)
        if row.method == "file":
            await self._file(staff_id, payload)
            return None
        raise DingTalkError.refused(f"unknown outbox method {row.method!r}")

    async def _markdown(self, staff_id: str, payload: dict[str, Any]) -> None:
        title, text = str(payload.get("title") or ""), str(payload.get("text") or "")
        webhook = await self.session_webhook(staff_id)
        if webhook is not None:
            body = {"msgtype": "markdown", "markdown": {"title": title, "text": text}}
            try:
                await self.api.reply_by_webhook(webhook, body)
                return
            except DingTalkError as error:
                # Expired or refused: push instead. A timeout may hide a delivered reply,
                # so that one is retried as it is (at least once, never a silent gap).
                if error.verdict is Verdict.RETRY and not is_session_expired(error.fault):
                    raise
        await self._push(staff_id, "sampleMarkdown", {"title": title, "text": text})

    async def _push(self, staff_id: str, msg_key: str, param: dict[str, Any]) -> None:
        """batchSend to one person; their being unknown or throttled is an error here."""
        result = await self.api.batch_send([staff_id], msg_key, param)
        if staff_id in result.invalid:
            raise DingTalkError.unknown_user(staff_id)
        if staff_id in result.flow_controlled:
            raise DingTalkError.throttled(staff_id)

    async def _update(self, row: Outgoing) -> int | None:
        payload = row.payload
        shown = payload.get("message_id")
        if not isinstance(shown, int):
            raise DingTalkError.refused("updateCard without the message_id of a card")
        try:
            await self.api.update_card(out_track_id(shown), card_params(payload))
            return shown
        except DingTalkError as error:
            if not is_card_unknown(error.fault):
                raise
        log.info("outbox row %s: card %s unknown, sent anew", row.id, out_track_id(shown))
        if payload.get("buttons"):
            await self.api.create_and_deliver_card(
                out_track_id(row.id), row.to.id, card_params(payload)
            )
            return row.id
        await self._markdown(row.to.id, payload)
        return None

    async def _file(self, staff_id: str, payload: dict[str, Any]) -> None:
        kind = str(payload.get("kind") or "document")
        path = await self._path_of(payload)
        name = str(payload.get("file_name") or "") or path.name
        size = path.stat().st_size
        if size > UPLOAD_LIMIT:
            raise FileTooBig(f"{size} bytes to upload, over DingTalk's {UPLOAD_LIMIT}")
        if kind == "photo" and not Path(name).suffix:
            name = f"{name}.jpg"  # a stored evidence photo is named by its hash only
        data = await asyncio.to_thread(path.read_bytes)  # up to 20 MB: off the event loop
        media_id = await self.api.upload_media(data, name, UPLOAD_TYPES.get(kind, "file"))
        if kind == "photo":
            await self._push(staff_id, "sampleImageMsg", {"photoURL": media_id})
            return
        file_type = Path(name).suffix.lstrip(".").lower() or "file"
        param = {"mediaId": media_id, "fileName": name, "fileType": file_type}
        await self._push(staff_id, "sampleFile", param)

    async def _path_of(self, payload: dict[str, Any]) -> Path:
        """The file to upload: one the bot made, or a stored evidence file by its ref."""
        if payload.get("path"):
            return Path(str(payload["path"]))
        ref = str(payload.get("ref") or "")
        found = await self.store.run(evidence.stored_file, ref)
        if found is None:
            raise OSError(f"no evidence has the file reference {ref[:12]}…")
        stored, sha256 = found
        if stored == "pending":
            raise NotDownloaded("the evidence file is not downloaded yet")
        if stored != "stored" or sha256 is None:
            raise OSError(f"the evidence file was never stored ({stored})")
        return media_path(self.media_dir, sha256)


class FileTooBig(Exception):
    """A file over DingTalk's upload limit: sending it cannot work."""
