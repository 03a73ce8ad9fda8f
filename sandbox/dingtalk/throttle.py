"""DingTalk's per-API call rate, as the stand-in enforces it.

The limit: each API, for one app, at most 20 calls within any second on DingTalk's standard
edition (developer community answer on the open platform's QPS limits,
https://developer.aliyun.com/ask/615474: 标准版 20 qps, 专业版 40, 专属版 60). A call over
it is refused, not queued: the new host answers HTTP 403 ``Forbidden.AccessDenied.
QpsLimitForAppkeyAndApi``, the oapi host errcode 90018 (both assumed, see the README).
Refused calls are counted so a test can say none was.
"""

from __future__ import annotations

import threading
import time
from collections import deque

from aiohttp import web

from sandbox.dingtalk import errors

QPS_PER_API = 20
WINDOW_SECONDS = 1.0

THROTTLED = (
    403,
    "Forbidden.AccessDenied.QpsLimitForAppkeyAndApi",
    "当前应用调用该接口次数过多，超出了该接口承受的最大qps",
)
THROTTLED_ERRCODE = (90018, "当前企业调用该接口的QPS超过限制")


class CallRate:
    """Arrivals per API in the last second; refuses the 21st."""

    def __init__(self, per_second: int = QPS_PER_API) -> None:
        self.per_second = per_second
        self._arrivals: dict[str, deque[float]] = {}
        self._lock = threading.Lock()
        self.refused: list[str] = []  # the API of each refused call, in order

    def allow(self, api: str) -> bool:
        """Count a call of ``api`` now; False (and counted as refused) if over the limit."""
        now = time.monotonic()
        with self._lock:
            arrivals = self._arrivals.setdefault(api, deque())
            while arrivals and arrivals[0] <= now - WINDOW_SECONDS:
                arrivals.popleft()
            if len(arrivals) >= self.per_second:
                self.refused.append(api)
                return False
            arrivals.append(now)
            return True

    def openapi_refusal(self, api: str) -> web.Response | None:
        """The new host's throttling answer for a call over the limit, else None."""
        return None if self.allow(api) else errors.openapi_error(*THROTTLED)

    def oapi_refusal(self, api: str) -> web.Response | None:
        """The oapi host's throttling answer (errcode in a 200) for a call over the limit."""
        return None if self.allow(api) else errors.oapi_error(*THROTTLED_ERRCODE)
