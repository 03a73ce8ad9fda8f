"""Building the Application: every handler is registered here, in the order that matters."""

from __future__ import annotations

from telegram import Update
from telegram.ext import (
    AIORateLimiter,
    Application,
    ApplicationBuilder,
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
    MessageHandler,
    TypeHandler,
    filters,
)

from bot.config import Settings
from bot.platforms.telegram.transport import AiohttpRequest
from bot.registry import ACTIONS
from bot.runtime.context import BotData, DubanContext, Resources
from handlers import access, errors, fallback, messages
from handlers.dispatch import on_button, on_command, on_unknown_command

# Across all chats: 14 messages per half second is 28 a second in bursts of at most 14,
# so Telegram's bucket (about 30 a second) always keeps tokens for requests that arrive
# bunched up after crossing the network.
OVERALL_BURST, OVERALL_PERIOD = 14, 0.5
POOL = 256  # connections to the Bot API server at most, as python-telegram-bot's default


def build_application(
    settings: Settings, services: Resources, *, flood_limits: bool = True
) -> Application:
    builder = (
        ApplicationBuilder()
        .token(settings.token)
        .base_url(settings.base_url)
        .base_file_url(settings.base_file_url)
        # Updates come from our own durable inbox (bot/runtime/updates.py), not PTB's Updater.
        .updater(None)
        # Periodic jobs run on the bot's own scheduler (bot/jobs/schedule.py), whatever
        # front-ends are configured, not on PTB's JobQueue.
        .job_queue(None)
        .context_types(ContextTypes(context=DubanContext, bot_data=BotData))
    )
    if flood_limits:
        # Telegram allows about 30 messages a second per bot; staying a little under it means
        # a morning push to a thousand contacts meets no 429 at all (BENCHMARKS.md).
        builder = builder.rate_limiter(
            AIORateLimiter(
                overall_max_rate=OVERALL_BURST, overall_time_period=OVERALL_PERIOD, max_retries=3
            )
        )
    if settings.proxy:  # http or socks5: PTB's httpx request reaches both
        builder = builder.proxy(settings.proxy).get_updates_proxy(settings.proxy)
    else:
        builder = builder.request(AiohttpRequest(connection_pool_size=POOL)).get_updates_request(
            AiohttpRequest(connection_pool_size=1)
        )
    application = builder.build()
    application.bot_data.resources = services

    # Group -1 runs first for every update: it identifies the person and stops strangers.
    application.add_handler(TypeHandler(Update, access.identify), group=-1)

    # Every command and button of the registry (bot/registry.py), through one dispatcher.
    application.add_handler(CommandHandler(list(ACTIONS.commands), on_command))
    application.add_handler(CallbackQueryHandler(on_button))
    # Forwarded messages are not first-hand evidence: caught before texts and files.
    application.add_handler(
        MessageHandler(filters.UpdateType.MESSAGE & filters.FORWARDED, messages.on_forwarded)
    )
    application.add_handler(
        MessageHandler(
            filters.UpdateType.MESSAGE & filters.TEXT & ~filters.COMMAND, messages.on_text
        )
    )
    # Evidence: photos, files, voice notes, videos. GIFs arrive as documents too; they are not.
    application.add_handler(
        MessageHandler(
            filters.UpdateType.MESSAGE
            & (
                filters.PHOTO
                | filters.VIDEO
                | filters.VIDEO_NOTE
                | filters.VOICE
                | filters.AUDIO
                | filters.Document.ALL
            )
            & ~filters.ANIMATION,
            messages.on_media,
        )
    )
    application.add_handler(
        MessageHandler(filters.UpdateType.MESSAGE & filters.LOCATION, messages.on_location)
    )
    # Edits of earlier messages change nothing already recorded; they are ignored.
    application.add_handler(MessageHandler(filters.UpdateType.EDITED, fallback.ignore))
    # A command no declaration has (a typo, another bot's): said as such, with /help.
    application.add_handler(
        MessageHandler(filters.UpdateType.MESSAGE & filters.COMMAND, on_unknown_command)
    )
    # Anything no handler above took: stickers, GIFs, polls, contacts.
    application.add_handler(MessageHandler(filters.ALL, fallback.unsupported))

    application.add_error_handler(errors.on_error)
    return application
