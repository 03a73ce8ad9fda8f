"""Chat platforms: each adapter turns neutral messages (bot/chat.py) into its own API calls.

``RENDERERS`` names every platform a message can be queued for; a second platform is one
more package here and one more entry.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Protocol

from bot.chat import Outgoing
from bot.platforms.dingtalk.render import DingTalkRenderer
from bot.platforms.telegram.render import TelegramRenderer


class Renderer(Protocol):
    """A platform's rendering: one neutral message for one chat as the API calls (method
    name, JSON body) the outbox keeps and the platform's sender makes."""

    platform: str

    def render(
        self, message: Outgoing, chat: str, lang: str
    ) -> list[tuple[str, dict[str, Any]]]: ...


RENDERERS: Mapping[str, Renderer] = {
    "telegram": TelegramRenderer(),
    "dingtalk": DingTalkRenderer(),
}
