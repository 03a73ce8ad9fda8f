"""HTTP to the Bot API through aiohttp, behind python-telegram-bot's request interface.

python-telegram-bot makes its HTTP calls through ``telegram.request.BaseRequest``, which it
documents as the place to plug in another HTTP library, and ships one built on httpx. A
busy bot makes one or two Bot API calls per message, and each costs CPU in the client.
Measured against the sandbox in one process (``python -m bench.bench_http``), a call costs
1.4 ms of CPU through httpx and 0.36 ms through aiohttp (which the project already has for
its sandbox), the sandbox's own side included. For Duban's visit log that was 40 % of the
CPU a finding costs (BENCHMARKS.md).

aiohttp cannot reach a socks5 proxy without a further library, so with ``TELEGRAM_PROXY``
set the bot keeps python-telegram-bot's own httpx request (bot/platforms/telegram/application.py).
"""

from __future__ import annotations

import ssl
from typing import TYPE_CHECKING

import aiohttp
import certifi
from telegram.error import NetworkError, TimedOut
from telegram.request import BaseRequest, RequestData

if TYPE_CHECKING:  # the type of BaseRequest.DEFAULT_NONE, "not given"
    from telegram._utils.defaultvalue import DefaultValue


class AiohttpRequest(BaseRequest):
    """One aiohttp session with its own pool of connections to the Bot API server.

    Timeouts mean what they mean for PTB's httpx request: ``connect`` to open a connection,
    ``pool`` to wait for a free one, ``read`` for each wait on the answer. aiohttp has no
    timeout for writing a request; an upload's wait for its answer is ``media_write``.
    """

    def __init__(
        self,
        *,
        connection_pool_size: int = 16,
        read_timeout: float | None = 5.0,
        write_timeout: float | None = 5.0,
        connect_timeout: float | None = 5.0,
        pool_timeout: float | None = 1.0,
        media_write_timeout: float | None = 20.0,
    ) -> None:
        self._pool_size = connection_pool_size
        self._read_timeout = read_timeout
        self._write_timeout = write_timeout
        self._connect_timeout = connect_timeout
        self._pool_timeout = pool_timeout
        self._media_write_timeout = media_write_timeout
        self._session: aiohttp.ClientSession | None = None

    @property
    def read_timeout(self) -> float | None:
        return self._read_timeout

    @property
    def closed(self) -> bool:
        """Whether no connection pool is open (before ``initialize``, after ``shutdown``)."""
        return self._session is None or self._session.closed

    async def initialize(self) -> None:
        if self._session is None or self._session.closed:
            # certifi's certificates, as httpx uses: the same servers are trusted either way,
            # whatever the machine's own certificate store holds.
            trusted = ssl.create_default_context(cafile=certifi.where())
            self._session = aiohttp.ClientSession(
                connector=aiohttp.TCPConnector(limit=self._pool_size, ssl=trusted),
                headers={"User-Agent": self.USER_AGENT},
            )

    async def shutdown(self) -> None:
        if self._session is not None and not self._session.closed:
            await self._session.close()

    async def do_request(
        self,
        url: str,
        method: str,
        request_data: RequestData | None = None,
        read_timeout: float | DefaultValue[None] | None = BaseRequest.DEFAULT_NONE,
        write_timeout: float | DefaultValue[None] | None = BaseRequest.DEFAULT_NONE,
        connect_timeout: float | DefaultValue[None] | None = BaseRequest.DEFAULT_NONE,
        pool_timeout: float | DefaultValue[None] | None = BaseRequest.DEFAULT_NONE,
    ) -> tuple[int, bytes]:
        if self._session is None or self._session.closed:
            raise RuntimeError("This AiohttpRequest is not initialized!")
        uploads = request_data is not None and request_data.contains_files
        read = _given(read_timeout, self._read_timeout)
        if uploads:
            read = _longest(read, _given(write_timeout, self._media_write_timeout))
        connect = _given(connect_timeout, self._connect_timeout)
        pool = _given(pool_timeout, self._pool_timeout)
        timeout = aiohttp.ClientTimeout(
            total=None,
            connect=None if connect is None or pool is None else connect + pool,
            sock_connect=connect,
            sock_read=read,
        )
        try:
            async with self._session.request(
                method, url, data=_body(request_data), timeout=timeout, allow_redirects=False
            ) as response:
                return response.status, await response.read()
        except TimeoutError as error:  # aiohttp's timeouts are TimeoutErrors too
            raise TimedOut from error
        except aiohttp.ClientError as error:
            # The URL holds the bot token: it must not reach a message that may be logged.
            text = str(error).replace(url, "<Bot API URL>")
            raise NetworkError(f"aiohttp.{error.__class__.__name__}: {text}") from error


def _given(value: float | DefaultValue[None] | None, default: float | None) -> float | None:
    return default if value is BaseRequest.DEFAULT_NONE else value  # type: ignore[return-value]


def _longest(first: float | None, second: float | None) -> float | None:
    return None if first is None or second is None else max(first, second)


def _body(request_data: RequestData | None) -> dict[str, str] | aiohttp.FormData | None:
    """A form, as Telegram takes it: url-encoded fields, or multipart with the files."""
    if request_data is None:
        return None
    fields = request_data.json_parameters
    if not request_data.contains_files:
        return fields
    form = aiohttp.FormData(quote_fields=False)  # UTF-8 file names as they are, like httpx
    for name, value in fields.items():
        form.add_field(name, value)
    for name, (filename, content, mime_type) in request_data.multipart_data.items():
        form.add_field(name, content, filename=filename, content_type=mime_type)
    return form
