"""What DingTalk phones send the robot beyond text, and what the robot fetches back.

* Robot messages with files (``picture``, ``richText``, ``file``, ``audio``, ``video``),
  each file kept under a fresh ``downloadCode`` so the robot can download it.
* ``POST /v1.0/robot/messageFiles/download`` {downloadCode, robotCode} → {downloadUrl}, and
  that URL (``GET /robot/files/<code>``) answering the bytes.
* A card button tap: the CALLBACK frame on ``/v1.0/card/instances/callback``, pushed again
  until the client acknowledges it (DingTalk retries unacknowledged callbacks).

Sources: the message shapes are those the SDK 0.24.3 parses (chatbot.py: ``content``
with ``downloadCode`` for pictures, ``content.richText`` a list of ``{"text"}`` and
``{"downloadCode", "type": "picture"}`` items); file, audio and video carry
``content.downloadCode`` with ``fileName`` / ``duration`` / ``recognition`` / ``videoType``
as DingTalk's page "机器人接收消息的类型" shows (assumed: not in ../shared/dingtalk/). The
download call's request and answer are those of the SDK's ``get_image_download_url``
(chatbot.py); the card callback's data is what card_callback.py parses (contract, point 3).
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import time
import uuid
from typing import TYPE_CHECKING, Any

from aiohttp import web

from sandbox.dingtalk import errors, limits

if TYPE_CHECKING:
    from sandbox.dingtalk.server import DingTalkStandIn

CALLBACK_ACK_TIMEOUT_SECONDS = 1.0  # assumed, like the event retry (README)
CALLBACK_MAX_PUSHES = 5  # assumed


def add_routes(app: web.Application, standin: DingTalkStandIn) -> None:
    """The robot file download and the URL it hands out."""

    async def download(request: web.Request) -> web.Response:
        return await _download(standin, request)

    async def file(request: web.Request) -> web.StreamResponse:
        return await _file(standin, request)

    app.router.add_post("/v1.0/robot/messageFiles/download", download)
    app.router.add_get("/robot/files/{code}", file)


def file_message(code: str, name: str) -> dict[str, Any]:
    """A file message's robot message content (a scripted phone's and the phone page's)."""
    content = {"downloadCode": code, "fileName": name, "fileId": uuid.uuid4().hex}
    return {"msgtype": "file", "content": content}


def audio_message(code: str, seconds: int, recognition: str = "") -> dict[str, Any]:
    """A voice message's content: its duration in milliseconds, the words DingTalk heard."""
    content = {"downloadCode": code, "duration": seconds * 1000, "recognition": recognition}
    return {"msgtype": "audio", "content": content}


def video_message(code: str, seconds: int, video_type: str = "mp4") -> dict[str, Any]:
    """A video message's content: its duration in seconds and its container."""
    content = {"downloadCode": code, "duration": seconds, "videoType": video_type}
    return {"msgtype": "video", "content": content}


def keep_file(standin: DingTalkStandIn, name: str, data: bytes) -> str:
    """Keep a file a phone sends; returns its downloadCode."""
    code = f"dl{uuid.uuid4().hex}"
    standin.state.files[code] = (name, data)
    return code


async def _download(standin: DingTalkStandIn, request: web.Request) -> web.Response:
    if not standin.state.token_valid(request.headers.get("x-acs-dingtalk-access-token")):
        return errors.openapi_error(*errors.BAD_ACCESS_TOKEN)
    with standin.state.lock:
        fault = standin.state.download_fault
        failing = fault is not None and fault.take()
    if failing:  # a test's outage (state.DownloadFault), in the new host's error shape
        return errors.openapi_error(500, "ServiceUnavailable", "the service is unavailable")
    with contextlib.suppress(ValueError):
        body = await request.json()
        if isinstance(body, dict) and body.get("robotCode") in (
            standin.state.robot_code,
            standin.state.client_id,  # the SDK's own helper sends the client id
        ):
            code = body.get("downloadCode")
            if isinstance(code, str) and code in standin.state.files:
                return web.json_response({"downloadUrl": f"{standin.url}/robot/files/{code}"})
            return errors.openapi_error(400, errors.BAD_PARAMETER, "downloadCode is invalid")
    return errors.openapi_error(400, errors.BAD_PARAMETER, "robotCode is invalid")


async def _file(standin: DingTalkStandIn, request: web.Request) -> web.StreamResponse:
    code = request.match_info["code"]
    stored = standin.state.files.get(code)
    if stored is None:
        return web.Response(status=404)
    with standin.state.lock:
        standin.state.fetched[code] = standin.state.fetched.get(code, 0) + 1
    return web.Response(body=stored[1], content_type="application/octet-stream")


async def push_card_callback(
    standin: DingTalkStandIn, staff_id: str, out_track_id: str, params: dict[str, Any]
) -> str:
    """Push a card tap (on the stand-in's loop); pushed again until acknowledged. Returns
    the frame's messageId, which every push of it keeps."""
    content = {"cardPrivateData": {"actionIds": ["tap"], "params": params}}
    data = {
        "outTrackId": out_track_id,
        "userId": staff_id,
        "corpId": standin.state.corp_id,
        "spaceType": "IM",
        "type": "actionCallback",
        "content": json.dumps(content, ensure_ascii=False),
        "extension": "{}",
    }
    topic = limits.CARD_CALLBACK_TOPIC
    frame = standin._frame("CALLBACK", topic, data)
    message_id = str(frame["headers"]["messageId"])
    acked = standin._acked[message_id] = asyncio.Event()
    await standin._send("CALLBACK", topic, frame)
    task = asyncio.get_running_loop().create_task(_again_until_acked(standin, frame, acked))
    standin._tasks.add(task)
    task.add_done_callback(standin._tasks.discard)
    return message_id


async def _again_until_acked(
    standin: DingTalkStandIn, frame: dict[str, Any], acked: asyncio.Event
) -> None:
    push = standin.state.pushes[frame["headers"]["messageId"]]
    while push.pushes < CALLBACK_MAX_PUSHES:
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(acked.wait(), CALLBACK_ACK_TIMEOUT_SECONDS)
            return
        frame["headers"]["time"] = str(int(time.time() * 1000))
        with contextlib.suppress(Exception):  # no client now: the next round tries again
            await standin._send("CALLBACK", limits.CARD_CALLBACK_TOPIC, frame)


class PhoneFiles:
    """What a DingTalk phone sends beyond text (mixed into DingTalkPhone)."""

    standin: DingTalkStandIn
    staff_id: str

    async def send_picture(self, data: bytes) -> str:
        """Send a picture; returns its downloadCode."""
        code = keep_file(self.standin, "picture.jpg", data)
        content = {"downloadCode": code, "pictureDownloadCode": code}
        await self.standin.push_robot_message(
            self.staff_id, {"msgtype": "picture", "content": content}
        )
        return code

    async def send_rich_text(self, *parts: str | bytes) -> list[str]:
        """Text with pictures, in order (``str`` a line, ``bytes`` a picture); returns the
        pictures' downloadCodes."""
        items: list[dict[str, str]] = []
        codes = []
        for part in parts:
            if isinstance(part, str):
                items.append({"text": part})
                continue
            code = keep_file(self.standin, "picture.jpg", part)
            codes.append(code)
            items.append({"downloadCode": code, "pictureDownloadCode": code, "type": "picture"})
        await self.standin.push_robot_message(
            self.staff_id, {"msgtype": "richText", "content": {"richText": items}}
        )
        return codes

    async def send_file(self, name: str, data: bytes) -> str:
        code = keep_file(self.standin, name, data)
        await self.standin.push_robot_message(self.staff_id, file_message(code, name))
        return code

    async def send_audio(self, data: bytes, seconds: int = 5, recognition: str = "") -> str:
        code = keep_file(self.standin, "voice.amr", data)
        await self.standin.push_robot_message(
            self.staff_id, audio_message(code, seconds, recognition)
        )
        return code

    async def send_video(self, data: bytes, seconds: int = 5) -> str:
        code = keep_file(self.standin, "video.mp4", data)
        await self.standin.push_robot_message(self.staff_id, video_message(code, seconds))
        return code

    async def tap_card(self, out_track_id: str, button: dict[str, str]) -> str:
        """Tap ``button`` (as the card's ``buttons`` list holds it: {text, token} or
        {text, reply}) on the card ``out_track_id``; returns the callback frame's messageId."""
        params = {key: value for key, value in button.items() if key in ("token", "reply")}
        return await self.standin.call(
            push_card_callback(self.standin, self.staff_id, out_track_id, params)
        )
