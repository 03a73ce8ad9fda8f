"""DingTalk's error answers, as the stand-in gives them.

The new OpenAPI host (api.dingtalk.com) answers an error with an HTTP status and a body
``{"code": ..., "message": ..., "requestid": ...}``; the older host (oapi.dingtalk.com,
where session webhooks live) answers HTTP 200 with ``{"errcode": n, "errmsg": ...}``.
Both shapes are assumed from DingTalk's open-platform pages (not in ../shared/dingtalk/);
the codes below are the ones those pages show, listed in sandbox/dingtalk/README.md.
"""

from __future__ import annotations

import uuid
from typing import Any

from aiohttp import web


def openapi_error(status: int, code: str, message: str) -> web.Response:
    """An api.dingtalk.com error: HTTP ``status`` and DingTalk's code/message/requestid body."""
    body: dict[str, Any] = {"code": code, "message": message, "requestid": uuid.uuid4().hex}
    return web.json_response(body, status=status)


def oapi_error(errcode: int, errmsg: str) -> web.Response:
    """An oapi.dingtalk.com error: HTTP 200 with errcode/errmsg (the old host's habit)."""
    return web.json_response({"errcode": errcode, "errmsg": errmsg})


# Assumed codes (see the README's list).
BAD_CREDENTIALS = (
    401,
    "Forbidden.AccessDenied.AccessTokenPermissionDenied",
    "clientId or clientSecret is invalid",
)
BAD_APP_SECRET = (400, "invalidClientIdOrSecret", "无效的clientId或者clientSecret")
BAD_ACCESS_TOKEN = (401, "InvalidAuthentication", "不合法的access_token")
BAD_PARAMETER = "invalidParameter"
TOO_MANY_USERS = (400, "param.userIdsExceedLimit", "userIds 数量不能超过20")
SESSION_EXPIRED = (300001, "session 已过期")
