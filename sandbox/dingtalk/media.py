"""Media upload on the oapi host: ``POST /media/upload?access_token=…&type=…`` (multipart
``media``) → ``{"errcode": 0, "media_id": …}``, as the SDK's upload_to_dingtalk (stream.py)
sends it and reads it. Types and limits from DingTalk's page "上传媒体文件": image, voice,
video, file, each at most 20 MB (voice 2 MB); the errcodes for a bad type (40004) or size
(40006) are assumed (README). The bytes are kept so a phone (and a test) can open them.
"""

from __future__ import annotations

import threading
import uuid
from dataclasses import dataclass

from aiohttp import web

from sandbox.dingtalk import errors
from sandbox.dingtalk.state import DingTalkState
from sandbox.dingtalk.throttle import CallRate

LIMITS = {"image": 20 * 1024 * 1024, "voice": 2 * 1024 * 1024, "video": 20 * 1024 * 1024}
FILE_LIMIT = 20 * 1024 * 1024
MAX_REQUEST_BYTES = FILE_LIMIT + 1024 * 1024  # a 20 MB file and its multipart framing
BAD_TOKEN = (40014, "不合法的access_token")


@dataclass(frozen=True)
class Media:
    kind: str
    file_name: str
    data: bytes


class MediaStore:
    """Uploaded files by media_id, and the route that takes them."""

    def __init__(self, state: DingTalkState, rate: CallRate) -> None:
        self.state = state
        self.rate = rate
        self._files: dict[str, Media] = {}
        self._lock = threading.Lock()

    def get(self, media_id: str) -> Media | None:
        with self._lock:
            return self._files.get(media_id)

    def known(self, media_id: str) -> bool:
        return self.get(media_id) is not None

    async def upload(self, request: web.Request) -> web.Response:
        if not self.state.token_valid(request.query.get("access_token")):
            return errors.oapi_error(*BAD_TOKEN)
        refusal = self.rate.oapi_refusal("/media/upload")
        if refusal is not None:
            return refusal
        kind = request.query.get("type", "")
        if kind not in (*LIMITS, "file"):
            return errors.oapi_error(40004, "不合法的媒体文件类型")
        form = await request.post()
        part = form.get("media")
        if not isinstance(part, web.FileField):
            return errors.oapi_error(40035, "缺少参数 media")
        data = part.file.read()
        if not data or len(data) > LIMITS.get(kind, FILE_LIMIT):
            return errors.oapi_error(40006, "不合法的文件大小")
        media_id = f"@lA{uuid.uuid4().hex}"
        with self._lock:
            self._files[media_id] = Media(kind, part.filename or "", data)
        return web.json_response(
            {"errcode": 0, "errmsg": "ok", "type": kind, "media_id": media_id, "created_at": 0}
        )
