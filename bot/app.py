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
from bot.context import BotData, DubanContext, Services
from handlers import access, admin, errors, fallback, start, text
from handlers.buttons import ButtonAction, make_button_handler

# Inline button actions, by the name stored with each button's token.
BUTTON_ACTIONS: dict[str, ButtonAction] = {
    "lang": start.lang_button,
    "invite.role": admin.invite_role_button,
    "invite.unit": admin.invite_unit_button,
    "invite.revoke": admin.invite_revoke_button,
    "users.show": admin.user_button,
    "users.role": admin.role_button,
    "users.deactivate": admin.deactivate_button,
    "users.handover": admin.handover_button,
    "users.handover_to": admin.handover_to_button,
}

# Commands and their handlers; bot/commands.py says which role sees which in its menu.
COMMANDS = {
    "start": start.start,
    "help": start.help_command,
    "lang": start.lang,
    "invite": admin.invite,
    "users": admin.users,
}


def build_application(settings: Settings, services: Services) -> Application:
    builder = (
        ApplicationBuilder()
        .token(settings.token)
        .base_url(settings.base_url)
        .base_file_url(settings.base_file_url)
        # Updates come from our own durable inbox (bot/updates.py), not PTB's Updater.
        .updater(None)
        .context_types(ContextTypes(context=DubanContext, bot_data=BotData))
        .rate_limiter(AIORateLimiter(max_retries=3))
    )
    if settings.proxy:
        builder = builder.proxy(settings.proxy).get_updates_proxy(settings.proxy)
    application = builder.build()
    application.bot_data.services = services

    # Group -1 runs first for every update: it identifies the person and stops strangers.
    application.add_handler(TypeHandler(Update, access.identify), group=-1)

    for name, callback in COMMANDS.items():
        application.add_handler(CommandHandler(name, callback))
    application.add_handler(CallbackQueryHandler(make_button_handler(BUTTON_ACTIONS)))
    application.add_handler(
        MessageHandler(filters.UpdateType.MESSAGE & filters.TEXT & ~filters.COMMAND, text.on_text)
    )
    # Edits of earlier messages change nothing already recorded; they are ignored.
    application.add_handler(MessageHandler(filters.UpdateType.EDITED, fallback.ignore))
    # Anything no handler above took: stickers, polls, contacts, unknown commands.
    application.add_handler(MessageHandler(filters.ALL, fallback.unsupported))

    application.add_error_handler(errors.on_error)
    return application
