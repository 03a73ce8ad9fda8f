"""The DingTalk sender: the shared outbox loop (bot/runtime/sender.py) with DingTalk's courier.

It delivers only rows whose address platform is "dingtalk". DingTalk limits calls per API
and app, not per chat, so the per-chat bucket Telegram needs is off and the client's
``CallRate`` keeps the pace (bot/platforms/dingtalk/openapi.py). The lead wires it into
BotRuntime beside the Telegram sender: ``session_webhook`` is
``storage.dingtalk_sessions.webhook_for`` bound to the store and the clock (contract 4).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from bot.chat import Address
from bot.platforms.dingtalk.courier import DingTalkCourier, SessionWebhook
from bot.platforms.dingtalk.openapi import DingTalkConfig, DingTalkOpenAPI
from bot.runtime.context import Resources
from bot.runtime.sender import OutboxSender


class DingTalkSender(OutboxSender):
    def __init__(
        self,
        services: Resources,
        on_blocked: Callable[[Address], Awaitable[None]],
        config: DingTalkConfig,
        session_webhook: SessionWebhook,
        *,
        api: DingTalkOpenAPI | None = None,
    ) -> None:
        self.api = api or DingTalkOpenAPI(config)
        courier = DingTalkCourier(
            self.api, services.store, services.settings.media_dir, session_webhook
        )
        super().__init__(courier, services, on_blocked, per_chat_rate=None)

    async def close(self) -> None:
        """Close the HTTP client (after the run task is cancelled)."""
        await self.api.close()
