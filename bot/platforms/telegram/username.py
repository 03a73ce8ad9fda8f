"""The bot's own username, asked of Telegram by commands that run without the bot.

``duban invite`` prints a ``t.me`` link, which needs the bot's username. The running bot
stores it at start-up (bot/runtime/startup.py); before the bot has ever run, the command asks
``getMe`` once itself, through the same API URL and proxy the bot uses. Error texts from
python-telegram-bot and httpx can hold the token (``InvalidToken`` quotes it, request URLs
contain it), so every reason given here is redacted. The reason is a catalogue key and its
values (``cli.username.<kind>``), so the command says it in the operator's language.
"""

from __future__ import annotations

import asyncio
import logging

from telegram import Bot
from telegram.error import InvalidToken
from telegram.request import HTTPXRequest

from bot.config import Settings
from bot.logs import redact

GETME_TIMEOUT_S = 10.0


class UsernameUnknown(Exception):
    """Why the username could not be learnt: ``kind`` names the catalogue message
    (``cli.username.<kind>``) and ``values`` fill it in; neither ever holds the token."""

    def __init__(self, kind: str, **values: object) -> None:
        super().__init__(f"{kind}: {values}" if values else kind)
        self.kind = kind
        self.values = values


def ask_telegram(settings: Settings, timeout: float = GETME_TIMEOUT_S) -> str:
    """The username ``getMe`` reports for the configured token (one call, ``timeout`` in all).

    Raises UsernameUnknown saying why if there is no token or the call fails.
    """
    if not settings.token:
        raise UsernameUnknown("no_token")
    # PTB logs some failures itself (an HTML error page it cannot parse, with a traceback);
    # the caller prints one line saying why, so its own lines are held back meanwhile.
    ptb_logger = logging.getLogger("telegram")
    level = ptb_logger.level
    ptb_logger.setLevel(logging.CRITICAL)
    try:
        request = HTTPXRequest(proxy=settings.proxy, connect_timeout=timeout, read_timeout=timeout)
        return asyncio.run(asyncio.wait_for(_get_me(settings, request), timeout))
    except TimeoutError:
        reason = UsernameUnknown("timeout", url=settings.api_url, seconds=f"{timeout:g}")
    except InvalidToken:  # Telegram answers 401 or 404: a wrong token, or not a Bot API URL
        reason = UsernameUnknown("refused", url=settings.api_url)
    except Exception as error:  # any failure only means "no link": the caller goes on
        detail = redact(str(error) or type(error).__name__, settings.token)
        if settings.proxy:  # a proxy URL may carry a password
            detail = detail.replace(settings.proxy, "TELEGRAM_PROXY")
        reason = UsernameUnknown("failed", url=settings.api_url, detail=detail)
    finally:
        ptb_logger.setLevel(level)
    raise reason  # not chained: the original error may quote the token


async def _get_me(settings: Settings, request: HTTPXRequest) -> str:
    bot = Bot(
        settings.token or "",
        base_url=settings.base_url,
        base_file_url=settings.base_file_url,
        request=request,
    )
    try:
        await bot.initialize()  # getMe
        return bot.username
    finally:
        await bot.shutdown()
