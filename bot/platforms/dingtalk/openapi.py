"""The bot's own client for every DingTalk OpenAPI call it makes, on aiohttp, with timeouts.

The official SDK (``dingtalk-stream``) makes these calls with blocking ``requests`` and no
timeout, and hard-codes the public host for uploads; the bot uses it only for the Stream
connection. Here every call has a timeout, every host comes from the settings (so tests aim
it at sandbox/dingtalk), and errors come back as one exception whose ``verdict`` says what
to do (bot/domain/dingtalk_errors.py).

The access token (POST /v1.0/oauth2/accessToken, ``expireIn`` 7200 s) is cached and
fetched again five minutes before it expires (the SDK's margin, stream.py
get_access_token), and at once when DingTalk refuses it (401). Neither it nor the app
secret is ever logged: ``redact`` removes both from any text that leaves this module.

Rate: DingTalk limits each API per app to 20 calls a second on its standard edition (the
developer community's answer on the open platform's QPS limits,
https://developer.aliyun.com/ask/615474: 标准版 20 qps, 专业版 40, 专属版 60). ``CallRate``
keeps that per API path, counting a call from its start until a second after its answer,
so DingTalk can never see more than 20 arrive within one second, whatever the network did.
"""

from __future__ import annotations

import asyncio
import contextlib
import io
import json
import logging
import time
from collections import deque
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import aiohttp

from bot.domain.dingtalk_errors import DingTalkFault, Verdict, is_card_exists, verdict
from bot.logs import redact

if TYPE_CHECKING:
    from bot.config import DingTalkSettings

log = logging.getLogger(__name__)

TOKEN_MARGIN_SECONDS = 300.0  # as the SDK: a token is renewed five minutes before it expires
QPS_PER_API = 20  # DingTalk standard edition, per API and app (see the module docstring)
TIMEOUT_SECONDS = 10.0
UPLOAD_TIMEOUT_SECONDS = 60.0


@dataclass(frozen=True)
class DingTalkConfig:
    """The app's credentials and where DingTalk is (settings DINGTALK_*, contract 5)."""

    client_id: str
    client_secret: str = field(repr=False)
    robot_code: str
    card_template_id: str = ""
    openapi_endpoint: str = "https://api.dingtalk.com"
    oapi_endpoint: str = "https://oapi.dingtalk.com"

    @classmethod
    def of(cls, app: DingTalkSettings) -> DingTalkConfig:
        """The client's part of the deployment's DingTalk settings."""
        return cls(
            app.client_id,
            app.client_secret,
            app.robot_code,
            app.card_template_id,
            app.openapi_endpoint,
            app.oapi_endpoint,
        )


class FileTooLarge(Exception):
    """A file a person sent is larger than the bot keeps (``media.DOWNLOAD_LIMIT``)."""


class DingTalkError(Exception):
    """A call DingTalk refused or never answered; ``verdict`` says whether it may pass."""

    def __init__(self, fault: DingTalkFault, overrule: Verdict | None = None) -> None:
        super().__init__(str(fault))
        self.fault = fault
        self.verdict = overrule or verdict(fault)

    @classmethod
    def refused(cls, message: str) -> DingTalkError:
        """A request that can never succeed as it is (found before calling DingTalk)."""
        return cls(DingTalkFault(0, "refused", message), Verdict.GIVE_UP)

    @classmethod
    def unknown_user(cls, staff_id: str) -> DingTalkError:
        """batchSend listed the person in invalidStaffIdList."""
        return cls(DingTalkFault(200, "invalidStaffId", staff_id), Verdict.UNKNOWN_USER)

    @classmethod
    def throttled(cls, staff_id: str) -> DingTalkError:
        """batchSend listed the person in flowControlledStaffIdList: send again later."""
        return cls(DingTalkFault(200, "flowControlled", staff_id), Verdict.RETRY)


@dataclass(frozen=True)
class BatchResult:
    """What batchSend reports beside ok: people it does not know, and people it throttled."""

    invalid: tuple[str, ...]
    flow_controlled: tuple[str, ...]


class CallRate:
    """At most ``per_second`` calls of one API within any second, counted from each call's
    start until ``window`` seconds after its answer (see the module docstring)."""

    def __init__(self, per_second: int = QPS_PER_API, window: float = 1.05) -> None:
        self.per_second = per_second
        self.window = window
        self._finished: dict[str, deque[float]] = {}
        self._running: dict[str, int] = {}
        self._changed = asyncio.Condition()

    @contextlib.asynccontextmanager
    async def call(self, api: str) -> AsyncIterator[None]:
        finished = self._finished.setdefault(api, deque())
        async with self._changed:
            while True:
                now = time.monotonic()
                while finished and finished[0] <= now - self.window:
                    finished.popleft()
                if len(finished) + self._running.get(api, 0) < self.per_second:
                    break
                wait = finished[0] + self.window - now if finished else self.window
                with contextlib.suppress(TimeoutError):
                    async with asyncio.timeout(max(wait, 0.005)):
                        await self._changed.wait()
            self._running[api] = self._running.get(api, 0) + 1
        try:
            yield
        finally:
            async with self._changed:
                self._running[api] -= 1
                finished.append(time.monotonic())
                self._changed.notify_all()


class DingTalkOpenAPI:
    """One DingTalk app's OpenAPI calls: token, batchSend, session webhook, upload, cards,
    robot file download."""

    def __init__(
        self,
        config: DingTalkConfig,
        *,
        timeout: float = TIMEOUT_SECONDS,
        upload_timeout: float = UPLOAD_TIMEOUT_SECONDS,
        rate: CallRate | None = None,
    ) -> None:
        self.config = config
        self.timeout = timeout
        self.upload_timeout = upload_timeout
        self.rate = rate or CallRate()
        self._session: aiohttp.ClientSession | None = None
        self._token: str | None = None
        self._token_expires = 0.0  # time.monotonic() when it must be renewed
        self._token_lock = asyncio.Lock()
        self._old_tokens: list[str] = []  # still redacted after renewal

    async def close(self) -> None:
        if self._session is not None:
            await self._session.close()
            self._session = None

    def redact(self, text: str) -> str:
        """``text`` without the app secret or any access token this client held."""
        for secret in (self.config.client_secret, self._token, *self._old_tokens):
            if secret:
                text = text.replace(secret, "<secret>")
        return redact(text)

    # -- the access token ------------------------------------------------------------------

    async def access_token(self) -> str:
        """The cached token, fetched again when it is about to expire."""
        async with self._token_lock:
            if self._token is None or time.monotonic() >= self._token_expires:
                await self._fetch_token()
            assert self._token is not None
            return self._token

    def forget_token(self, token: str) -> None:
        """DingTalk refused ``token``: the next call fetches a new one."""
        if self._token == token:
            self._token = None

    async def _fetch_token(self) -> None:
        body = {"appKey": self.config.client_id, "appSecret": self.config.client_secret}
        url = f"{self.config.openapi_endpoint}/v1.0/oauth2/accessToken"
        try:
            answer = await self._json("POST", url, json_body=body)
        except DingTalkError as error:
            # Without a token nothing can be sent; wrong credentials are the office's to fix,
            # so messages wait (and are given up after a day, with the administrators told).
            raise DingTalkError(error.fault, Verdict.RETRY) from None
        token, expire_in = answer.get("accessToken"), answer.get("expireIn")
        if not isinstance(token, str) or not isinstance(expire_in, int | float):
            raise DingTalkError(
                DingTalkFault(200, "badTokenAnswer", "no accessToken"), Verdict.RETRY
            )
        if self._token:
            self._old_tokens = [*self._old_tokens[-3:], self._token]
        self._token = token
        self._token_expires = time.monotonic() + float(expire_in) - TOKEN_MARGIN_SECONDS

    # -- calls -------------------------------------------------------------------------------

    async def batch_send(self, user_ids: list[str], msg_key: str, msg_param: dict) -> BatchResult:
        """POST /v1.0/robot/oToMessages/batchSend: a robot message to people one-to-one."""
        answer = await self._openapi(
            "POST",
            "/v1.0/robot/oToMessages/batchSend",
            {
                "robotCode": self.config.robot_code,
                "userIds": user_ids,
                "msgKey": msg_key,
                "msgParam": json.dumps(msg_param, ensure_ascii=False),
            },
        )
        return BatchResult(
            tuple(answer.get("invalidStaffIdList") or ()),
            tuple(answer.get("flowControlledStaffIdList") or ()),
        )

    async def reply_by_webhook(self, webhook: str, body: dict) -> None:
        """POST a robot message's sessionWebhook (oapi habit: errcode in a 200 answer)."""
        async with self.rate.call("sessionWebhook"):
            answer = await self._json("POST", webhook, json_body=body)
        _raise_for_errcode(answer)

    async def upload_media(self, data: bytes, file_name: str, kind: str) -> str:
        """POST {oapi}/media/upload?access_token=…&type=image|file|voice|video; the media_id."""
        token = await self.access_token()
        form = aiohttp.FormData()
        # A stream, not raw bytes: aiohttp would read a large bytes body on the event loop.
        form.add_field("media", io.BytesIO(data), filename=file_name)
        url = f"{self.config.oapi_endpoint}/media/upload"
        async with self.rate.call("/media/upload"):
            answer = await self._json(
                "POST",
                url,
                params={"access_token": token, "type": kind},
                form=form,
                seconds=self.upload_timeout,
            )
        try:
            _raise_for_errcode(answer)
        except DingTalkError as error:
            if error.verdict is Verdict.RENEW_TOKEN:
                self.forget_token(token)
                error.verdict = Verdict.RETRY
            raise
        media_id = answer.get("media_id")
        if not isinstance(media_id, str):
            raise DingTalkError(DingTalkFault(200, "noMediaId", "upload answered no media_id"))
        return media_id

    async def create_and_deliver_card(self, out_track_id: str, staff_id: str, params: dict) -> bool:
        """POST /v1.0/card/instances/createAndDeliver to one person's robot chat; False when
        a card with this outTrackId exists already (an earlier try of the same message)."""
        body = {
            "cardTemplateId": self.config.card_template_id,
            "outTrackId": out_track_id,
            "callbackType": "STREAM",
            "cardData": {"cardParamMap": params},
            "openSpaceId": f"dtv1.card//IM_ROBOT.{staff_id}",
            "imRobotOpenSpaceModel": {"supportForward": False},
            "imRobotOpenDeliverModel": {
                "spaceType": "IM_ROBOT",
                "robotCode": self.config.robot_code,
            },
            "userIdType": 1,
        }
        try:
            answer = await self._openapi("POST", "/v1.0/card/instances/createAndDeliver", body)
        except DingTalkError as error:
            if is_card_exists(error.fault):
                return False
            raise
        result = answer.get("result")
        delivered_to = result.get("deliverResults") if isinstance(result, dict) else None
        for delivered in delivered_to or ():
            if isinstance(delivered, dict) and delivered.get("success") is False:
                message = str(delivered.get("errorMsg") or "not delivered")
                raise DingTalkError(DingTalkFault(200, "deliverFailed", message))
        return True

    async def update_card(self, out_track_id: str, params: dict) -> None:
        """PUT /v1.0/card/instances: new values for a card's params, by key."""
        await self._openapi(
            "PUT",
            "/v1.0/card/instances",
            {
                "outTrackId": out_track_id,
                "cardData": {"cardParamMap": params},
                "cardUpdateOptions": {"updateCardDataByKey": True},
            },
        )

    async def download_file(self, download_code: str, limit: int) -> bytes:
        """A file a person sent the robot: its downloadUrl, then its bytes — at most
        ``limit`` of them (``FileTooLarge`` past it, said by the length DingTalk announces or
        found while reading: the bytes are held in memory until stored)."""
        answer = await self._openapi(
            "POST",
            "/v1.0/robot/messageFiles/download",
            {"downloadCode": download_code, "robotCode": self.config.robot_code},
        )
        url = answer.get("downloadUrl")
        if not isinstance(url, str):
            raise DingTalkError(DingTalkFault(200, "noDownloadUrl", "no downloadUrl"))
        session = self._client()
        try:
            async with session.get(
                url, timeout=aiohttp.ClientTimeout(total=self.upload_timeout)
            ) as response:
                if response.status != 200:
                    raise DingTalkError(DingTalkFault(response.status, "download", "file"))
                if (response.content_length or 0) > limit:
                    raise FileTooLarge(f"{response.content_length} bytes, over {limit}")
                data = bytearray()
                async for chunk in response.content.iter_chunked(1 << 16):
                    data += chunk
                    if len(data) > limit:
                        raise FileTooLarge(f"over {limit} bytes")
                return bytes(data)
        except (aiohttp.ClientError, TimeoutError) as error:
            raise DingTalkError(DingTalkFault(0, type(error).__name__, "no answer")) from None

    # -- the wire ----------------------------------------------------------------------------

    async def _openapi(self, method: str, path: str, body: dict) -> dict[str, Any]:
        """A new-host call with the token header; a refused token is renewed once."""
        async with self.rate.call(path):
            for attempt in (1, 2):
                token = await self.access_token()
                headers = {"x-acs-dingtalk-access-token": token}
                try:
                    return await self._json(
                        method,
                        f"{self.config.openapi_endpoint}{path}",
                        json_body=body,
                        headers=headers,
                    )
                except DingTalkError as error:
                    if error.verdict is not Verdict.RENEW_TOKEN:
                        raise
                    self.forget_token(token)
                    if attempt == 2:
                        error.verdict = Verdict.RETRY
                        raise
        raise AssertionError("unreachable")

    def _client(self) -> aiohttp.ClientSession:
        if self._session is None or self._session.closed:
            self._session = aiohttp.ClientSession()
        return self._session

    async def _json(
        self,
        method: str,
        url: str,
        *,
        json_body: dict | None = None,
        headers: dict[str, str] | None = None,
        params: dict[str, str] | None = None,
        form: aiohttp.FormData | None = None,
        seconds: float | None = None,
    ) -> dict[str, Any]:
        """One request; its JSON answer, or DingTalkError for an HTTP error, no answer or
        an answer that is not a JSON object. Error texts carry no URL (tokens ride in some)."""
        session = self._client()
        try:
            async with session.request(
                method,
                url,
                json=json_body if form is None else None,
                data=form,
                headers=headers,
                params=params,
                timeout=aiohttp.ClientTimeout(total=seconds or self.timeout),
            ) as response:
                status = response.status
                text = await response.text()
        except (aiohttp.ClientError, TimeoutError) as error:
            raise DingTalkError(DingTalkFault(0, type(error).__name__, "no answer")) from None
        answer: Any = None
        with contextlib.suppress(ValueError):
            answer = json.loads(text)
        if status >= 400:
            found = answer if isinstance(answer, dict) else {}
            code = str(found.get("code") or found.get("errcode") or f"HTTP{status}")
            message = str(found.get("message") or found.get("errmsg") or text[:200])
            raise DingTalkError(DingTalkFault(status, code, self.redact(message)))
        if not isinstance(answer, dict):
            raise DingTalkError(DingTalkFault(status, "notJson", self.redact(text[:200])))
        return answer


def _raise_for_errcode(answer: dict[str, Any]) -> None:
    """The oapi host's way: HTTP 200 with a non-zero errcode is an error."""
    errcode = answer.get("errcode", 0)
    if errcode not in (0, None):
        raise DingTalkError(DingTalkFault(200, str(errcode), str(answer.get("errmsg") or "")))
