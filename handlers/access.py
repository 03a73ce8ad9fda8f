"""Who is this? Runs before every other handler (group -1) and fails closed."""

from __future__ import annotations

import contextlib

from telegram import Update
from telegram.error import TelegramError
from telegram.ext import ApplicationHandlerStop

from bot.chat import Sender
from bot.domain.audit import Origin
from bot.domain.people import telegram_address
from bot.i18n import language_for
from bot.runtime.context import DubanContext
from bot.services.registration import refuse_stranger
from storage import people


async def identify(update: Update, context: DubanContext) -> None:
    """Attach the person and their language; refuse strangers and other chats."""
    context.update_id = update.update_id
    user, chat = update.effective_user, update.effective_chat
    if user is None or chat is None or chat.type != "private" or user.is_bot:
        raise ApplicationHandlerStop  # the bot works in private chats only
    services = context.resources
    context.chat = telegram_address(chat.id)
    account = telegram_address(user.id)  # a private chat's id is its user's
    context.sender = Sender(account, user.full_name, user.username)
    context.lang = language_for(user.language_code, services.settings.default_language)

    if user.id in services.settings.admin_ids:
        context.person = await services.store.run(
            people.ensure_admin,
            account,
            user.full_name,
            context.lang,
            Origin.system(services.clock.now(), "ADMIN_IDS"),
        )
    else:
        context.person = await services.store.run(people.by_address, account)
    if context.person is not None and context.person.active:
        context.lang = context.person.language
        if context.person.address != account and _reachable_again(update):
            # Written from their other platform's account before: replies and reminders
            # follow them here (storage/people.py wrote_from says why).
            context.person = await services.store.run(people.wrote_from, context.person, account)
        if not context.person.reachable and _reachable_again(update):
            # They had blocked the bot (a send got 403) and now unblocked it or write again.
            # Blocking itself is left to that 403, which also tells the admins.
            await services.store.run(people.set_reachable, account, True)
        return
    context.person = None
    if _is_start_with_code(update):
        return  # /start <code> is the one thing a stranger may do
    if update.callback_query is not None:
        await answer_quietly(update)
    if update.message is not None or update.callback_query is not None:
        await context.work(refuse_stranger)
    raise ApplicationHandlerStop


def _reachable_again(update: Update) -> bool:
    """Whether this update shows the bot can write to its sender now."""
    if update.my_chat_member is not None:
        return update.my_chat_member.new_chat_member.status not in ("kicked", "left")
    return update.message is not None or update.callback_query is not None


def _is_start_with_code(update: Update) -> bool:
    # PTB does not check field types: a malformed update may carry a list as its text.
    text = update.message.text if update.message else None
    return isinstance(text, str) and text.startswith("/start ") and len(text.split()) == 2


async def answer_quietly(update: Update, text: str | None = None, *, alert: bool = False) -> None:
    """Answer a button press; "query is too old" after a restart is not worth a word."""
    with contextlib.suppress(TelegramError):
        await update.callback_query.answer(text, show_alert=alert)
