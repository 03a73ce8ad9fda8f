"""batchSend's msgParam for each msgKey the robot uses, checked as DingTalk checks it.

Fields per msgKey from DingTalk's page "机器人发送消息的类型" (robot message types); that a
missing field is refused with 400 ``invalidParameter`` and that a media id must be one the
app uploaded are assumed (README). What a phone shows for each is the text tests match.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

# msgKey → the msgParam fields it requires.
REQUIRED: dict[str, tuple[str, ...]] = {
    "sampleText": ("content",),
    "sampleMarkdown": ("title", "text"),
    "sampleImageMsg": ("photoURL",),
    "sampleLink": ("text", "title", "picUrl", "messageUrl"),
    "sampleActionCard": ("title", "text", "singleTitle", "singleURL"),
    "sampleActionCard2": ("title", "text"),
    "sampleFile": ("mediaId", "fileName", "fileType"),
    "sampleAudio": ("mediaId", "duration"),
    "sampleVideo": ("duration", "videoMediaId", "videoType", "picMediaId"),
}

# msgParam fields that name an uploaded file (media/upload's media_id).
MEDIA_FIELDS = ("mediaId", "videoMediaId", "picMediaId")


def problem(msg_key: str, param: dict[str, Any], known_media: Callable[[str], bool]) -> str | None:
    """Why DingTalk would refuse this msgParam, or None when it is acceptable."""
    required = REQUIRED.get(msg_key)
    if required is None:
        return f"msgKey {msg_key} is invalid"
    for name in required:
        value = param.get(name)
        if not isinstance(value, str) or not value.strip():
            return f"msgParam.{name} is required"
    for name in MEDIA_FIELDS:
        if name in param and not known_media(str(param[name])):
            return f"msgParam.{name} is not a media id of this app"
    photo = str(param.get("photoURL") or "")
    if photo and not photo.startswith(("http://", "https://")) and not known_media(photo):
        return "msgParam.photoURL is neither a URL nor a media id of this app"
    return None


def shown(msg_key: str, param: dict[str, Any]) -> str:
    """The text the person's phone shows for the message."""
    if msg_key == "sampleText":
        return str(param["content"])
    if msg_key == "sampleImageMsg":
        return "[图片]"
    if msg_key == "sampleFile":
        return f"[文件] {param['fileName']}"
    if msg_key == "sampleAudio":
        return "[语音]"
    if msg_key == "sampleVideo":
        return "[视频]"
    return str(param.get("text") or param.get("title") or "")
