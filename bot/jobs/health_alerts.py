"""The health figures watched every minute (bot/jobs/schedule.py): the look and the
notices it queues in one transaction (bot/services/health_alerts.py), then the notices
about a stuck outbox sent past it, through the platform's own client, once."""

from __future__ import annotations

import logging

from bot.domain.people import DINGTALK, TELEGRAM
from bot.platforms.telegram.direct import send_now
from bot.runtime.context import Resources, system_work
from bot.services import health_alerts
from bot.services.health_alerts import Direct

log = logging.getLogger(__name__)


async def watch_health(services: Resources) -> None:
    now = services.clock.now()
    direct = await system_work(
        services,
        health_alerts.look_at_figures,
        services.settings,
        source=f"health-alerts:{now.isoformat()}",
    )
    for notice in direct:
        await send_past_the_queue(services, notice)


async def send_past_the_queue(services: Resources, notice: Direct) -> None:
    """Send one notice straight through its platform's client. It was recorded as told
    before this, so a failure is logged and not retried: ``duban status`` still says it."""
    platform = notice.to.platform
    try:
        if platform == TELEGRAM and services.telegram_bot is not None:
            await send_now(services.telegram_bot, notice.to.id, notice.text)
        elif platform == DINGTALK and services.dingtalk_api is not None:
            await services.dingtalk_api.batch_send(
                [notice.to.id], "sampleText", {"content": notice.text}
            )
        else:
            log.warning("health notice not sent: %s is not running", platform)
    except Exception as error:
        log.warning("health notice to an administrator on %s failed: %r", platform, error)
