"""The local Bot API stand-in: Telegram's HTTP interface served by aiohttp.

Point python-telegram-bot at it and the bot runs unchanged, with the same bytes on the
wire as in production::

    ApplicationBuilder().token(token)
        .base_url(f"{sandbox.url}/bot").base_file_url(f"{sandbox.url}/file/bot")

Routes:

* ``{url}/bot{token}/{method}`` — the Bot API (GET query, form, JSON or multipart bodies;
  method names case-insensitive). Any well-formed token (``\\d+:[A-Za-z0-9_-]{20,}``) is
  its own bot. What each method does: ``sandbox.bot_api``.
* ``{url}/file/bot{token}/{file_path}`` — downloads of files found with getFile.
* ``{url}/sandbox/...`` — the user-side control API (``sandbox.control_api``).
* ``{url}/phone/`` — the phone page (``sandbox/web/``) that drives the control API from a
  browser; ``{url}/`` redirects there.

Each call is checked against the Bot API 10.0 spec (``sandbox.spec``), then flood control
(``sandbox.limits``) and injected faults (``sandbox.faults``) apply, then the method runs.
Every call is logged on ``state.calls`` (and to a JSONL file if the state has one).

Embedding::

    sandbox = Sandbox(SandboxState(), strict=True)
    await sandbox.start("127.0.0.1", 0)      # port 0: pick a free port
    phone = sandbox.phone(user_id=1001, name="王督查", language="zh")
    ...
    await sandbox.stop()                     # start() again keeps all state

``main()`` runs it in the foreground (``duban sandbox``).
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import re
import signal
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from aiohttp import BodyPartReader, web

from sandbox.bot_api import BotApi
from sandbox.control_api import add_control_routes, control_door, file_response
from sandbox.errors import NOT_FOUND, ApiError
from sandbox.faults import BAD_GATEWAY_HTML, DESCRIPTIONS, Fault, Faults
from sandbox.limits import UPLOAD_MAX_BYTES, RateLimiter, is_rate_limited_method
from sandbox.phones import Phone
from sandbox.spec import Spec, Upload, load_spec
from sandbox.state import BotRecord, SandboxState

log = logging.getLogger(__name__)

TOKEN_RE = re.compile(r"^\d+:[A-Za-z0-9_-]{20,}$")
DEFAULT_TOKEN = "7000000001:sandbox-local-token-0000000000"


class _TooLarge(Exception):
    """The multipart body exceeds Telegram's 50 MB upload limit."""


class Sandbox:
    """The HTTP server around a ``SandboxState``; stop and start again without losing it."""

    def __init__(
        self,
        state: SandboxState | None = None,
        *,
        strict: bool = False,
        rate_limits: bool = True,
        token: str = DEFAULT_TOKEN,
    ) -> None:
        self.state = state or SandboxState()
        self.strict = strict
        self.token = token
        self.spec: Spec = load_spec()
        self.api = BotApi(self.state)
        self.rate_limiter = RateLimiter(self.state.clock, enabled=rate_limits)
        self.faults = Faults()
        # Seconds added to every Bot API answer: real Telegram is a network round trip away
        # (often 100-300 ms from China through a proxy), and some failures only show then.
        self.latency = 0.0
        # What the phone page offers (``GET /sandbox/roster``): people to be and places to
        # send as a location. Whoever embeds the sandbox fills them in (``bot.cli.demo`` does).
        self.roster: list[dict[str, Any]] = []
        # When set, asked on every ``GET /sandbox/roster`` instead of ``roster``: the embedder
        # then says who everyone is now (a newcomer who registered gets their role).
        self.roster_source: Callable[[], list[dict[str, Any]]] | None = None
        self.places: list[dict[str, Any]] = []
        # Further names the control API answers to (e.g. a demo reached on a LAN by name).
        self.extra_hosts: set[str] = set()
        # More routes behind the control door, mounted when the app is made: the demo adds
        # the DingTalk stand-in's page routes (sandbox/dingtalk/control_api.py) this way.
        self.extra_routes: list[Callable[[web.Application], None]] = []
        self._runner: web.AppRunner | None = None
        self._host = "127.0.0.1"
        self._port = 0

    # ----- lifecycle ------------------------------------------------------------------

    @property
    def url(self) -> str:
        """Root URL, e.g. ``http://127.0.0.1:8081`` (bots use ``{url}/bot``)."""
        return f"http://{self._host}:{self._port}"

    @property
    def port(self) -> int:
        return self._port

    @property
    def host(self) -> str:
        """The address it listens on, as given to ``start``."""
        return self._host

    @property
    def running(self) -> bool:
        return self._runner is not None

    def make_app(self) -> web.Application:
        """The aiohttp application: Bot API, file downloads, the control API, the page."""
        # The control API carries files as base64 in JSON: a third larger than the bytes.
        app = web.Application(
            client_max_size=UPLOAD_MAX_BYTES * 4 // 3 + 1024 * 1024,
            middlewares=[control_door(self)],
        )
        app.router.add_route("*", "/bot{token}/{method}", self._handle_method)
        app.router.add_get("/file/bot{token}/{path:.+}", self._handle_download)
        add_control_routes(app, self)
        for add_routes in self.extra_routes:
            add_routes(app)
        return app

    async def start(self, host: str = "127.0.0.1", port: int | None = None) -> None:
        """Serve on ``host:port`` (0 picks a free port; None reuses the previous port)."""
        if self._runner is not None:
            raise RuntimeError("the sandbox is already running")
        if port is None:
            port = self._port
        self.api.closing = False
        runner = web.AppRunner(self.make_app(), access_log=None, shutdown_timeout=1.0)
        await runner.setup()
        site = web.TCPSite(runner, host, port, reuse_address=True)
        await site.start()
        self._runner = runner
        self._host = host
        self._port = runner.addresses[0][1]
        for bot in self.state.bots.values():
            if bot.webhook_url:  # set before a restart: its updates are pushed again
                self.api.webhooks.ensure(bot)
        log.info("Bot API sandbox listening on %s", self.url)

    async def stop(self) -> None:
        """Stop serving; pending long polls answer empty. State is kept (and saved if set)."""
        if self._runner is None:
            return
        self.api.closing = True
        self.state.wake_pollers()
        await self.api.webhooks.close()
        runner, self._runner = self._runner, None
        await runner.cleanup()
        if self.state.directory is not None:
            self.state.save()
        log.info("Bot API sandbox stopped")

    async def __aenter__(self) -> Sandbox:
        if self._runner is None:
            await self.start()
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.stop()

    # ----- users ----------------------------------------------------------------------

    def phone(
        self,
        *,
        user_id: int,
        name: str,
        language: str | None = "zh",
        username: str | None = None,
        token: str | None = None,
        timeout: float = 5.0,
    ) -> Phone:
        """A scripted phone of a user chatting with the bot of ``token`` (default bot)."""
        bot = self.state.bot_for_token(token or self.token)
        user = self.state.add_user(user_id, name, username=username, language_code=language)
        return Phone(self, bot, user, timeout=timeout)

    # ----- Bot API --------------------------------------------------------------------

    async def _handle_method(self, request: web.Request) -> web.StreamResponse:
        started = time.perf_counter()
        token = request.match_info["token"]
        method = request.match_info["method"]
        entry: dict[str, Any] = {"time": self.state.now(), "method": method, "params": {}}
        if self.latency and method.lower() != "getupdates":
            await asyncio.sleep(self.latency)
        try:
            if not TOKEN_RE.match(token):
                raise ApiError(404, NOT_FOUND)
            try:
                raw, uploads = await _read_params(request)
            except _TooLarge:
                raise ApiError(413, "Request Entity Too Large") from None
            entry["params"] = _loggable(raw, uploads)
            name = self.spec.method_name(method)
            if name is None:
                raise ApiError(404, NOT_FOUND)
            entry["method"] = name
            bot = self.state.bot_for_token(token)
            entry["bot_id"] = bot.id
            params = self.spec.parse_params(name, raw, uploads, strict=self.strict)
            if is_rate_limited_method(name):
                chat_id = params.get("chat_id")
                key = chat_id if isinstance(chat_id, int) else None
                retry_after = self.rate_limiter.acquire(bot.id, key)
                if retry_after is not None:
                    raise ApiError(
                        429,
                        f"Too Many Requests: retry after {retry_after}",
                        retry_after=retry_after,
                    )
            fault = self.faults.take(name)
            if fault is not None:
                return await self._faulty(fault, bot, name, params, uploads, entry, started)
            result = await self.api.call(bot, name, params, uploads)
        except ApiError as error:
            self._log(entry, error.status, error.description, started)
            return web.json_response(error.payload(), status=error.status)
        self._log(entry, 200, None, started)
        return _ok(result)

    async def _faulty(
        self,
        fault: Fault,
        bot: BotRecord,
        name: str,
        params: dict[str, Any],
        uploads: dict[str, Upload],
        entry: dict[str, Any],
        started: float,
    ) -> web.StreamResponse:
        """Answer an injected fault, having delivered the call first if the fault says so."""
        result: Any = None
        if fault.delivered:
            with contextlib.suppress(ApiError):
                result = await self.api.call(bot, name, params, uploads)
        entry["fault"] = fault.as_json()
        if fault.hang:
            await asyncio.sleep(fault.hang_seconds)
            if fault.delivered:
                self._log(entry, 200, "hung, delivered", started)
                return _ok(result)
        status = 502 if fault.hang else fault.status
        if status == 502:
            self._log(entry, 502, "Bad Gateway", started)
            return web.Response(status=502, text=BAD_GATEWAY_HTML, content_type="text/html")
        if status == 429:
            error = ApiError(
                429,
                f"Too Many Requests: retry after {fault.retry_after}",
                retry_after=fault.retry_after,
            )
        elif status in DESCRIPTIONS:
            error = ApiError(status, fault.description or DESCRIPTIONS[status])
        else:
            error = ApiError(500, "Internal Server Error")
        self._log(entry, error.status, error.description, started)
        return web.json_response(error.payload(), status=error.status)

    def _log(
        self, entry: dict[str, Any], status: int, description: str | None, started: float
    ) -> None:
        entry["status"] = status
        entry["ok"] = status == 200
        entry["description"] = description
        entry["duration_ms"] = round((time.perf_counter() - started) * 1000, 3)
        self.state.log_call(entry)

    async def _handle_download(self, request: web.Request) -> web.StreamResponse:
        token = request.match_info["token"]
        if not TOKEN_RE.match(token):
            return web.json_response(
                {"ok": False, "error_code": 404, "description": NOT_FOUND}, status=404
            )
        record = self.state.files.by_path(request.match_info["path"])
        if record is None:
            return web.json_response(
                {"ok": False, "error_code": 404, "description": NOT_FOUND}, status=404
            )
        return file_response(record, self.state.files.read(record))


def _ok(result: Any) -> web.Response:
    body = json.dumps({"ok": True, "result": result}, ensure_ascii=False)
    return web.Response(text=body, content_type="application/json")


async def _read_params(request: web.Request) -> tuple[dict[str, Any], dict[str, Upload]]:
    """Parameters from the query string and body, whatever encoding the client chose."""
    raw: dict[str, Any] = dict(request.query)
    uploads: dict[str, Upload] = {}
    if request.method not in ("POST", "PUT") or not request.body_exists:
        return raw, uploads
    content_type = request.content_type
    if content_type == "application/json":
        body = await request.json()
        if isinstance(body, dict):
            raw.update(body)
    elif content_type == "multipart/form-data":
        total = 0
        reader = await request.multipart()
        while (part := await reader.next()) is not None:
            if not isinstance(part, BodyPartReader) or part.name is None:
                continue
            data = bytearray()
            while chunk := await part.read_chunk(1 << 16):
                total += len(chunk)
                if total > UPLOAD_MAX_BYTES:
                    raise _TooLarge
                data.extend(chunk)
            if part.filename is not None:
                content = part.headers.get("Content-Type", "application/octet-stream")
                uploads[part.name] = Upload(part.name, part.filename, content, bytes(data))
            else:
                raw[part.name] = data.decode(part.get_charset(default="utf-8"))
    else:
        form = await request.post()
        raw.update({key: value for key, value in form.items() if isinstance(value, str)})
    return raw, uploads


def _loggable(raw: dict[str, Any], uploads: dict[str, Upload]) -> dict[str, Any]:
    params = dict(raw)
    for name, upload in uploads.items():
        params[name] = upload.describe()
    return params


def main(
    host: str = "127.0.0.1",
    port: int = 8081,
    strict: bool = False,
    rate_limits: bool = True,
    state_dir: str | Path | None = None,
) -> None:
    """Run the sandbox in the foreground until Ctrl-C (what ``duban sandbox`` calls)."""
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    directory = Path(state_dir) if state_dir else None
    state = SandboxState.load(directory) if directory else SandboxState()

    async def serve() -> None:
        sandbox = Sandbox(state, strict=strict, rate_limits=rate_limits)
        await sandbox.start(host, port)
        print(f"Bot API sandbox on {sandbox.url}")
        print(f"  bots:   base_url={sandbox.url}/bot  base_file_url={sandbox.url}/file/bot")
        print(f"  token:  any well-formed token, e.g. {DEFAULT_TOKEN}")
        print(f"  users:  {sandbox.url}/sandbox/  (control API)")
        stopping = asyncio.Event()
        loop = asyncio.get_running_loop()
        for signal_number in (signal.SIGINT, signal.SIGTERM):
            # Ctrl-C and service managers both stop it cleanly, saving the state.
            with contextlib.suppress(NotImplementedError):
                loop.add_signal_handler(signal_number, stopping.set)
        try:
            await stopping.wait()
        finally:
            await sandbox.stop()

    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(serve())
