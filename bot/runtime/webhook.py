"""Receiving Telegram's updates by webhook, into the same durable inbox as the poller.

Telegram posts each update to the public URL; a reverse proxy passes it to the bot's own
aiohttp server. A request is answered 200 only once its update is committed to the inbox
(``storage.inbox.save_updates``, which stores a repeated update_id once), so an update is
confirmed to Telegram exactly when the poller would have confirmed it. A full or locked
database answers 503 and Telegram sends the update again later; a request without the
secret token answers 403 and nothing is stored.

Switching back to polling needs nothing here: the poller deletes the webhook when
Telegram refuses its getUpdates because one is set (bot/runtime/updates.py).
"""

from __future__ import annotations

import asyncio
import hmac
import json
import logging
import sqlite3
from collections.abc import Callable

from aiohttp import web
from telegram.ext import Application

from bot.config import WebhookSettings
from bot.runtime.context import Resources
from bot.runtime.updates import ALLOWED_UPDATES, StorageOutage
from storage import inbox
from storage.db import is_disk_full, is_locked

log = logging.getLogger(__name__)

SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
# Telegram's default and largest is 40 and 100; the bot answers each request after one
# commit, so 40 at once keep the database busy without queueing behind its lock for long.
MAX_CONNECTIONS = 40
MAX_BODY = 1024 * 1024  # an update is a few kilobytes; files travel by file_id, not inline


class WebhookReceiver:
    """Serves Telegram's webhook requests and registers the webhook with Telegram."""

    def __init__(
        self,
        application: Application,
        services: Resources,
        webhook: WebhookSettings,
        committed: Callable[[list[dict]], None],
        outage: StorageOutage | None = None,
    ) -> None:
        self.application = application
        self.resources = services
        self.webhook = webhook
        self.committed = committed  # told of each update once it is in the inbox
        self.outage = outage or StorageOutage()
        self._secret = webhook.secret.encode()
        self._runner: web.AppRunner | None = None

    async def open(self) -> None:
        """Listen first, then tell Telegram where to post: once this returns, updates
        arrive (a port in use fails the start, as a wrong token does)."""
        app = web.Application(client_max_size=MAX_BODY)
        app.router.add_post(self.webhook.path, self.receive)
        self._runner = runner = web.AppRunner(app, access_log=None, shutdown_timeout=1.0)
        await runner.setup()
        site = web.TCPSite(runner, self.webhook.host, self.webhook.port, reuse_address=True)
        await site.start()
        await self._register()
        log.info(
            "receiving updates by webhook on %s:%s%s",
            self.webhook.host,
            self.webhook.port,
            self.webhook.path,
        )

    async def run(self) -> None:
        """Serve until cancelled (the server answers on its own; this task only ends it)."""
        try:
            await asyncio.Event().wait()
        finally:
            await self.close()

    async def close(self) -> None:
        """Stop listening: Telegram keeps what it could not deliver and sends it again."""
        runner, self._runner = self._runner, None
        if runner is not None:
            await runner.cleanup()

    async def _register(self) -> None:
        """setWebhook: the URL, the secret, the same updates the poller asks for."""
        await self.application.bot.do_api_request(
            "setwebhook",
            api_kwargs={
                "url": self.webhook.url,
                "secret_token": self.webhook.secret,
                "allowed_updates": ALLOWED_UPDATES,
                "max_connections": MAX_CONNECTIONS,
            },
        )

    async def receive(self, request: web.Request) -> web.Response:
        """One update: 200 once committed; anything else makes Telegram send it again."""
        given = request.headers.get(SECRET_HEADER, "").encode()
        if not hmac.compare_digest(given, self._secret):
            log.warning("a webhook request without the right secret token was refused")
            return web.Response(status=403)
        try:
            update = json.loads(await request.read())
        except (ValueError, UnicodeDecodeError):
            return web.Response(status=400)
        if not isinstance(update, dict) or not isinstance(update.get("update_id"), int):
            return web.Response(status=400)
        store = self.resources.store
        try:
            new = await store.run(inbox.save_updates, [update], self.resources.clock.now())
        except sqlite3.OperationalError as error:
            if is_locked(error):
                log.info(
                    "update %s met the database lock; Telegram sends it again", update["update_id"]
                )
                return web.Response(status=503)
            if not is_disk_full(error):
                raise
            await self.outage.hit("webhook")
            return web.Response(status=503)
        await self.outage.cleared("webhook")
        if new:  # sent again after a lost answer: stored (and handed out) once already
            self.committed([update])
        return web.Response(status=200)
