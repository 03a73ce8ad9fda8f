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
from handlers import (
    access,
    contacts,
    errors,
    fallback,
    imports,
    items,
    presence,
    reports,
    text,
    visits,
)
from handlers.dispatch import LegacyButton, make_button_handler, on_command

# Across all chats: 14 messages per half second is 28 a second in bursts of at most 14,
# so Telegram's bucket (about 30 a second) always keeps tokens for requests that arrive
# bunched up after crossing the network.
OVERALL_BURST, OVERALL_PERIOD = 14, 0.5
POOL = 256  # connections to the Bot API server at most, as python-telegram-bot's default

# Inline button actions, by the name stored with each button's token.
BUTTON_ACTIONS: dict[str, LegacyButton] = {
    # visits (四不两直) and findings
    "visit.join": visits.join_button,
    "visit.towns": visits.towns_button,
    "visit.town": visits.town_button,
    "visit.company": visits.company_button,
    "visit.new_company": visits.new_company_button,
    "visit.new_company_town": visits.new_company_town_button,
    "visit.done": visits.done_button,
    "finding.tie": visits.tie_button,
    "finding.new": visits.new_item_button,
    "finding.deadline": visits.deadline_button,
    "finding.later": visits.later_button,
    "finding.move": visits.move_button,
    "finding.withdraw": visits.withdraw_button,
    "finding.files": visits.files_button,
    "evidence.show": visits.evidence_show_button,
    "evidence.move": visits.evidence_move_button,
    "evidence.tie": visits.evidence_tie_button,
    "evidence.withdraw": visits.evidence_withdraw_button,
    # item cards
    "item.attach": items.attach_button,
    # proof of presence: company coordinates and proposals from visits
    "place.company": presence.company_button,
    "place.set": presence.set_button,
    "place.confirm": presence.confirm_button,
    "place.reject": presence.reject_button,
    # contacts' follow-up, verification, escalation, look-back, settings (督办提醒)
    "fu.progress": contacts.progress_button,
    "fu.closeout": contacts.closeout_button,
    "fu.submit": contacts.submit_button,
    "fu.cancel": contacts.cancel_button,
    "ext.start": contacts.extension_button,
    "ext.approve": contacts.extension_approve_button,
    "ext.refuse": contacts.extension_refuse_button,
    "co.approve": contacts.approve_button,
    "co.return": contacts.return_button,
    "esc.raise": contacts.escalate_button,
    "esc.meeting": contacts.meeting_button,
    "ack": contacts.ack_button,
    "lb.holds": contacts.lookback_holds_button,
    "lb.reopen": contacts.lookback_reopen_button,
    "settings.key": contacts.setting_button,
    "digest.full": contacts.digest_full_button,
    # reports, exports, sheet import by chat, item history
    "report.choose": reports.report_choose_button,
    "report.pick": reports.report_pick_button,
    "report.units": reports.report_units_button,
    "report.go": reports.report_go_button,
    "report.ranking": reports.ranking_button,
    "export.scope": reports.export_scope_button,
    "export.formats": reports.export_formats_button,
    "export.go": reports.export_go_button,
    "import.confirm": imports.confirm_button,
    "import.cancel": imports.cancel_button,
    "item.history": reports.history_button,
    "item.album": reports.album_button,
    "item.dossier": reports.dossier_button,
}

# Commands not yet declared in the registry (bot/registry.py), and their handlers.
COMMANDS = {
    "visit": visits.visit,
    "done": visits.done,
    "visits": visits.visit_list,
    "mine": contacts.mine_command,
    "acks": contacts.acks_command,
    "settings": contacts.settings_command,
    "holiday": contacts.holiday_command,
    "period": contacts.period_command,
    "report": reports.report,
    "export": reports.export,
    "history": reports.history_command,
    "company": presence.company,
}


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

    for name in ACTIONS.commands:
        application.add_handler(CommandHandler(name, on_command))
    for name, callback in COMMANDS.items():
        application.add_handler(CommandHandler(name, callback))
    application.add_handler(CallbackQueryHandler(make_button_handler(BUTTON_ACTIONS)))
    # Forwarded messages are not first-hand evidence: caught before texts and files.
    application.add_handler(
        MessageHandler(filters.UpdateType.MESSAGE & filters.FORWARDED, visits.on_forwarded)
    )
    application.add_handler(
        MessageHandler(filters.UpdateType.MESSAGE & filters.TEXT & ~filters.COMMAND, text.on_text)
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
            visits.on_media,
        )
    )
    application.add_handler(
        MessageHandler(filters.UpdateType.MESSAGE & filters.LOCATION, presence.on_location)
    )
    # Edits of earlier messages change nothing already recorded; they are ignored.
    application.add_handler(MessageHandler(filters.UpdateType.EDITED, fallback.ignore))
    # Anything no handler above took: stickers, polls, contacts, unknown commands.
    application.add_handler(MessageHandler(filters.ALL, fallback.unsupported))

    application.add_error_handler(errors.on_error)
    return application
