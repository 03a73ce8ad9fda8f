"""DingTalk's inbox rows, run by the same processor as Telegram's (bot/runtime/updates.py).

The stream (stream.py) commits each frame and wakes this processor; it reads DingTalk's
rows in the order they came, one person's after another's only in their own lane, and a
failing row is retried and then set aside exactly as a Telegram update is. Only reading a
row and running it are DingTalk's own.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable

from bot.domain.people import DINGTALK
from bot.platforms.dingtalk import handlers
from bot.platforms.dingtalk.inputs import CardTap, RobotMessage, parse, staff_of
from bot.runtime.context import Resources, failure_of, system_work
from bot.runtime.updates import InboxProcessor, StorageOutage
from bot.services import stuck

DingTalkInput = RobotMessage | CardTap


class DingTalkProcessor(InboxProcessor[DingTalkInput]):
    """Runs pending DingTalk rows through bot/platforms/dingtalk/handlers.py; a row set
    aside is reported with ``report_set_aside``, as Telegram's are."""

    platform = DINGTALK

    def __init__(
        self,
        services: Resources,
        ready: asyncio.Event,
        on_set_aside: Callable[[int, DingTalkInput], Awaitable[None]],
        outage: StorageOutage | None = None,
    ):
        super().__init__(services, ready, on_set_aside, outage)

    def lane_of(self, raw: dict) -> object:
        return (DINGTALK, staff_of(raw))

    def parse(self, update_id: int, raw: dict) -> DingTalkInput:
        return parse(raw)

    async def handle(self, update_id: int, update: DingTalkInput) -> None:
        """Run the row; a failure is recorded for the retry, as on_error does for Telegram."""
        services = self.resources
        try:
            if isinstance(update, RobotMessage):
                await handlers.on_robot_message(services, update_id, update)
            else:
                await handlers.on_card_tap(services, update_id, update)
        except Exception as error:
            services.failures[update_id] = failure_of(
                error, update_id, services.settings.dingtalk.client_secret or None
            )


async def report_set_aside(services: Resources, update_id: int, update: DingTalkInput) -> None:
    """The admins are told of a DingTalk row set aside, pointing to /stuck (as Telegram's)."""
    await system_work(
        services,
        stuck.notify_set_aside,
        update_id,
        services.settings.default_language,
        source=f"setaside:{update_id}",
    )
